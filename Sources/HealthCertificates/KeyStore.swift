@preconcurrency import Crypto
import Foundation
import SwiftASN1
import X509

/// The signing keys, in a directory given by configuration (never the database, never the repository):
///
///     csca.key.pem  csca.cert.pem          the country/province signing CA (self-signed, P-256)
///     dsc-0001.key.pem  dsc-0001.cert.pem  document signers, signed by the CSCA; the highest number signs,
///     dsc-0002.key.pem  …                  older ones are retired from signing but still verify
///     trusted/<kid>.pem                    other issuers' DSCs imported with `sentinel keys trust`
///
/// Private keys are written with mode 0600, and a key file others can read is refused when loading.
public struct KeyStore: Sendable {
    public let directory: URL

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notInitialised(String)
        case alreadyInitialised(String)
        case unsafePermissions(String)
        case unreadable(String)

        public var description: String {
            switch self {
            case .notInitialised(let dir): "no signing keys in \(dir): run `sentinel keys init` first"
            case .alreadyInitialised(let dir): "\(dir) already holds a CSCA; use `sentinel keys rotate` for a new signer"
            case .unsafePermissions(let file): "\(file) can be read by other users; it must be mode 0600 (chmod 600)"
            case .unreadable(let why): why
            }
        }
    }

    /// The subject used for the CSCA and the DSCs.
    public struct Identity: Sendable {
        public var country = "VN"
        public var organisation = "Sở Y tế Đồng Nai"
        public var name = "Sentinel"
        public init() {}
    }

    public init(directory: URL) { self.directory = directory }

    var cscaKeyFile: URL { directory.appendingPathComponent("csca.key.pem") }
    var cscaCertFile: URL { directory.appendingPathComponent("csca.cert.pem") }
    var trustedDirectory: URL { directory.appendingPathComponent("trusted") }

    public var isInitialised: Bool { FileManager.default.fileExists(atPath: cscaCertFile.path) }

    /// Creates the CSCA (10 years) and a first DSC. Refuses a directory that already has a CSCA.
    @discardableResult
    public func initialise(identity: Identity = Identity(), kinds: Set<CertificateKind> = Set(CertificateKind.allCases),
                           now: Date = Date()) throws -> SignerCertificate {
        guard !isInitialised else { throw Failure.alreadyInitialised(directory.path) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CountryName(identity.country)
            OrganizationName(identity.organisation)
            CommonName("\(identity.name) CSCA")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        try writePrivate(key.pemRepresentation, to: cscaKeyFile)
        try writePublic(certificate, to: cscaCertFile)
        return try rotate(identity: identity, kinds: kinds, now: now)
    }

    /// Makes the store if it has none yet, safely when several servers (or tests) start at once on the same
    /// directory: the CSCA and first DSC are made in a private sibling directory and renamed into place whole, so
    /// a reader sees either no store or a complete one, and the loser of a race keeps the winner's keys.
    public func initialiseIfMissing(identity: Identity = Identity(), now: Date = Date()) throws {
        guard !isInitialised else { return }
        let parent = directory.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).staging-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        try KeyStore(directory: staging).initialise(identity: identity, now: now)
        // rename(2) replaces a missing or empty directory; a store someone else finished first stays.
        if rename(staging.path, directory.path) != 0, !isInitialised {
            throw Failure.unreadable("cannot create \(directory.path): errno \(errno)")
        }
    }

    /// Adds a new DSC (2 years, EKU for `kinds`), which becomes the signer; earlier DSCs stay for verification.
    @discardableResult
    public func rotate(identity: Identity = Identity(), kinds: Set<CertificateKind> = Set(CertificateKind.allCases),
                       now: Date = Date()) throws -> SignerCertificate {
        let (cscaKey, csca) = try loadCSCA()
        let number = (try signerNumbers().last ?? 0) + 1
        let key = P256.Signing.PrivateKey()
        let usages = try kinds.sorted { $0.rawValue < $1.rawValue }.map {
            ExtendedKeyUsage.Usage(oid: try ASN1ObjectIdentifier(dotRepresentation: $0.extendedKeyUsageOIDs[0]))
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: min(now.addingTimeInterval(2 * 365 * 86400), csca.notValidAfter),
            issuer: csca.subject,
            subject: try DistinguishedName {
                CountryName(identity.country)
                OrganizationName(identity.organisation)
                CommonName(String(format: "%@ DSC %04d", identity.name, number))
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage(usages)
            },
            issuerPrivateKey: .init(cscaKey))
        let base = String(format: "dsc-%04d", number)
        try writePrivate(key.pemRepresentation, to: directory.appendingPathComponent("\(base).key.pem"))
        try writePublic(certificate, to: directory.appendingPathComponent("\(base).cert.pem"))
        return try SignerCertificate(der: Self.der(certificate))
    }

    /// The current signer: the newest DSC and its key.
    public func currentSigner() throws -> (SignerCertificate, P256.Signing.PrivateKey) {
        guard let number = try signerNumbers().last else { throw Failure.notInitialised(directory.path) }
        let base = String(format: "dsc-%04d", number)
        let key = try P256.Signing.PrivateKey(pemRepresentation: readPrivate(directory.appendingPathComponent("\(base).key.pem")))
        let certificate = try SignerCertificate(pem: String(contentsOf: directory.appendingPathComponent("\(base).cert.pem"), encoding: .utf8))
        return (certificate, key)
    }

    /// Every DSC this store verifies with: its own (current and retired) and the imported ones.
    public func trustList() throws -> TrustList {
        var list = TrustList()
        for number in try signerNumbers() {
            let file = directory.appendingPathComponent(String(format: "dsc-%04d.cert.pem", number))
            list.add(try SignerCertificate(pem: String(contentsOf: file, encoding: .utf8)))
        }
        for file in (try? FileManager.default.contentsOfDirectory(at: trustedDirectory, includingPropertiesForKeys: nil)) ?? []
        where file.pathExtension == "pem" {
            list.add(try SignerCertificate(pem: String(contentsOf: file, encoding: .utf8)))
        }
        return list
    }

    /// Imports another issuer's DSC (PEM or DER) so Sentinel verifies what it signed.
    @discardableResult
    public func trust(certificateFile: URL) throws -> SignerCertificate {
        let data = try Data(contentsOf: certificateFile)
        let text = String(decoding: data, as: UTF8.self)
        let certificate = text.contains("-----BEGIN") ? try SignerCertificate(pem: text) : try SignerCertificate(der: Array(data))
        try FileManager.default.createDirectory(at: trustedDirectory, withIntermediateDirectories: true)
        let name = DCCVerifier.hex(certificate.keyID)
        try Data(certificate.pem.utf8).write(to: trustedDirectory.appendingPathComponent("\(name).pem"))
        return certificate
    }

    /// The CSCA certificate (DER) and key, to sign the published trust list.
    public func loadCSCA() throws -> (P256.Signing.PrivateKey, Certificate) {
        guard isInitialised else { throw Failure.notInitialised(directory.path) }
        let key = try P256.Signing.PrivateKey(pemRepresentation: readPrivate(cscaKeyFile))
        let certificate = try Certificate(pemEncoded: String(contentsOf: cscaCertFile, encoding: .utf8))
        return (key, certificate)
    }

    func signerNumbers() throws -> [Int] {
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .compactMap { name -> Int? in
                guard name.hasPrefix("dsc-"), name.hasSuffix(".cert.pem") else { return nil }
                return Int(name.dropFirst(4).dropLast(9))
            }
            .sorted()
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// Writes a private key so that no one else can ever read it: the file is created 0600 by `open` itself (a
    /// `createFile` followed by a chmod leaves a moment in which the key is world-readable under umask 022, and a
    /// reader in that moment refuses it), written under a temporary name and renamed into place whole.
    private func writePrivate(_ pem: String, to file: URL) throws {
        let temporary = file.path + ".tmp-\(UUID().uuidString)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Failure.unreadable("cannot write \(file.path): errno \(errno)") }
        let bytes = Array(pem.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0, rename(temporary, file.path) == 0 else {
            unlink(temporary)
            throw Failure.unreadable("cannot write \(file.path): errno \(errno)")
        }
    }

    private func writePublic(_ certificate: Certificate, to file: URL) throws {
        try Data(PEMDocument(type: "CERTIFICATE", derBytes: Self.der(certificate)).pemString.utf8).write(to: file)
    }

    private func readPrivate(_ file: URL) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        if let mode = attributes[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0 {
            throw Failure.unsafePermissions(file.path)
        }
        return try String(contentsOf: file, encoding: .utf8)
    }
}
