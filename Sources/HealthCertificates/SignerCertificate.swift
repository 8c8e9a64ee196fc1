@preconcurrency import Crypto
import Foundation
import SwiftASN1
import X509
@preconcurrency import _CryptoExtras

/// A document signer certificate (DSC): the X.509 certificate whose key signs DCCs, as a verifier needs it — the key,
/// the validity period, the kinds its Extended Key Usage allows, and the kid derived from its DER.
public struct SignerCertificate: Sendable {
    public let der: [UInt8]
    public let keyID: [UInt8]
    public let publicKey: SignerPublicKey
    /// The SubjectPublicKeyInfo DER, for verifiers that import keys (WebCrypto's "spki").
    public let spki: [UInt8]
    public let notBefore: Date
    public let notAfter: Date
    /// nil = no DCC usage OID present, so it may sign any kind.
    public let allowedKinds: Set<CertificateKind>?
    public let subject: String
    /// The country (C) of the subject, or of the issuer when the subject has none.
    public let country: String?

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case notACertificate(String)
        case unsupportedKey

        public var description: String {
            switch self {
            case .notACertificate(let why): "not an X.509 certificate: \(why)"
            case .unsupportedKey: "the certificate's key is neither P-256 nor RSA"
            }
        }
    }

    /// Reads the fields a verifier needs straight from the TBSCertificate. The CA's signature over the DSC is not
    /// checked here (a DSC is trusted because it is on the trust list), so DSCs signed with algorithms X509 does not
    /// parse — RSASSA-PSS with SHA-512, as the German test CA uses — still load.
    public init(der: [UInt8]) throws(Failure) {
        let fields: TBSFields
        do { fields = try TBSFields(der: der) } catch { throw .notACertificate("\(error)") }
        self.der = der
        keyID = Self.keyID(der: der)
        if let key = P256.Signing.PublicKey(fields.publicKey) {
            publicKey = .p256(key)
        } else if let key = _RSA.Signing.PublicKey(fields.publicKey) {
            publicKey = .rsa(key)
        } else {
            throw .unsupportedKey
        }
        var serializer = DER.Serializer()
        do { try serializer.serialize(fields.publicKey) } catch { throw .notACertificate("\(error)") }
        spki = serializer.serializedBytes
        notBefore = fields.notBefore
        notAfter = fields.notAfter
        subject = fields.subject.description
        country = Self.country(fields.subject) ?? Self.country(fields.issuer)
        // An EKU extension that cannot be parsed is treated as allowing nothing rather than everything.
        if let eku = try? fields.extensions.extendedKeyUsage {
            let kinds = Set(eku.compactMap { CertificateKind.fromExtendedKeyUsage(ASN1ObjectIdentifier($0).description) })
            allowedKinds = kinds.isEmpty ? nil : kinds
        } else if fields.extensions[oid: .X509ExtensionID.extendedKeyUsage] != nil {
            allowedKinds = []
        } else {
            allowedKinds = nil
        }
    }

    public init(pem: String) throws(Failure) {
        let document: PEMDocument
        do { document = try PEMDocument(pemString: pem) } catch { throw .notACertificate("\(error)") }
        guard document.discriminator == "CERTIFICATE" else { throw .notACertificate("the PEM block is \(document.discriminator)") }
        try self.init(der: document.derBytes)
    }

    /// kid = the first 8 bytes of SHA-256 over the DSC's DER (hcert spec §3.3.1).
    public static func keyID(der: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: der).prefix(8)) }

    public func mayBeUsed(for kind: CertificateKind) -> Bool { allowedKinds.map { $0.contains(kind) } ?? true }

    public var pem: String { PEMDocument(type: "CERTIFICATE", derBytes: der).pemString }

    private static func country(_ name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == .RDNAttributeType.countryName {
                let text = attribute.value.description
                if !text.isEmpty { return text }
            }
        }
        return nil
    }
}

/// The TBSCertificate fields of RFC 5280 §4.1 that a verifier reads.
struct TBSFields {
    let issuer: DistinguishedName
    let subject: DistinguishedName
    let notBefore: Date
    let notAfter: Date
    let publicKey: Certificate.PublicKey
    let extensions: Certificate.Extensions

    init(der: [UInt8]) throws {
        let root = try DER.parse(der)
        self = try DER.sequence(root, identifier: .sequence) { certificate in
            guard let tbsNode = certificate.next() else { throw ASN1Error.invalidASN1Object(reason: "no TBSCertificate") }
            while certificate.next() != nil {}  // signatureAlgorithm, signatureValue: not needed
            return try DER.sequence(tbsNode, identifier: .sequence) { tbs in
                _ = try DER.optionalExplicitlyTagged(&tbs, tagNumber: 0, tagClass: .contextSpecific) { $0 }  // version
                _ = tbs.next()  // serialNumber
                _ = tbs.next()  // signature algorithm
                let issuer = try DistinguishedName(derEncoded: &tbs)
                guard let validityNode = tbs.next() else { throw ASN1Error.invalidASN1Object(reason: "no validity") }
                let (notBefore, notAfter) = try DER.sequence(validityNode, identifier: .sequence) { validity in
                    (try Self.time(validity.next()), try Self.time(validity.next()))
                }
                let subject = try DistinguishedName(derEncoded: &tbs)
                let publicKey = try Certificate.PublicKey(derEncoded: &tbs)
                var extensions = Certificate.Extensions()
                while let node = tbs.next() {
                    // [1] issuerUniqueID and [2] subjectUniqueID are skipped; [3] holds the extensions.
                    guard node.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific),
                          case .constructed(let inner) = node.content, let list = inner.first(where: { _ in true })
                    else { continue }
                    extensions = try Certificate.Extensions(DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: list))
                }
                return TBSFields(issuer: issuer, subject: subject, notBefore: notBefore, notAfter: notAfter,
                                 publicKey: publicKey, extensions: extensions)
            }
        }
    }

    init(issuer: DistinguishedName, subject: DistinguishedName, notBefore: Date, notAfter: Date,
         publicKey: Certificate.PublicKey, extensions: Certificate.Extensions) {
        self.issuer = issuer
        self.subject = subject
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.publicKey = publicKey
        self.extensions = extensions
    }

    /// UTCTime or GeneralizedTime, as RFC 5280 §4.1.2.5 allows.
    static func time(_ node: ASN1Node?) throws -> Date {
        guard let node else { throw ASN1Error.invalidASN1Object(reason: "missing time") }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        if node.identifier == .utcTime {
            let time = try UTCTime(derEncoded: node)
            components.year = time.year; components.month = time.month; components.day = time.day
            components.hour = time.hours; components.minute = time.minutes; components.second = time.seconds
        } else {
            let time = try GeneralizedTime(derEncoded: node)
            components.year = time.year; components.month = time.month; components.day = time.day
            components.hour = time.hours; components.minute = time.minutes; components.second = time.seconds
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { throw ASN1Error.invalidASN1Object(reason: "invalid time") }
        return date
    }
}
