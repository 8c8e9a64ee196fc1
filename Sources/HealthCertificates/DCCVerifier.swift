@preconcurrency import Crypto
import Domain
import Foundation

/// Offline verification of an `HC1:` text, step by step (hcert spec §6, CERTIFICATES.md §1.4). Every failed check
/// is reported with its own reason; the person's data is returned only when the signature checked out.
public struct DCCVerifier: Sendable {
    public enum ReasonCode: String, Sendable, Codable, CaseIterable {
        case size, prefix, base45, zlib, cose, unknownKid = "unknown_kid", badSignature = "bad_signature", cwt
        case expired, notYetValid = "not_yet_valid", signerValidity = "signer_validity", revoked, schema
        case valueSet = "value_set", ekuMismatch = "eku_mismatch"
    }

    public struct Reason: Sendable, Equatable, Codable {
        public let code: ReasonCode
        public let detail: String
    }

    public struct Result: Sendable {
        public var reasons: [Reason] = []
        public var valid: Bool { reasons.isEmpty }
        public var kind: CertificateKind?
        /// The DCC payload; set only when the signature is valid.
        public var payload: CBOR?
        public var issuerCountry: String?
        public var issuedAt: Date?
        public var expiresAt: Date?
        public var uvci: String?
        public var keyID: [UInt8]?
        public var signer: SignerCertificate?

        public func has(_ code: ReasonCode) -> Bool { reasons.contains { $0.code == code } }
        mutating func fail(_ code: ReasonCode, _ detail: String) { reasons.append(Reason(code: code, detail: detail)) }
    }

    public static let maxTextLength = 4096
    public static let prefix = "HC1:"

    public var trust: TrustList
    /// SHA-256 of the UVCI, first 16 bytes (the gateway's UCI hash type), of revoked certificates.
    public var revokedHashes: Set<[UInt8]>
    /// Tolerance for an issuer whose clock runs a little ahead: `iat` may lie this far in the future.
    public var clockSkew: TimeInterval

    public init(trust: TrustList, revokedHashes: Set<[UInt8]> = [], clockSkew: TimeInterval = 300) {
        self.trust = trust
        self.revokedHashes = revokedHashes
        self.clockSkew = clockSkew
    }

    public static func revocationHash(uvci: String) -> [UInt8] { Array(SHA256.hash(data: Array(uvci.utf8)).prefix(16)) }

    public func verify(_ text: String, at now: Date = Date()) -> Result {
        var result = Result()
        guard text.utf8.count <= Self.maxTextLength else {
            result.fail(.size, "the QR text is \(text.utf8.count) bytes; a certificate is at most \(Self.maxTextLength)")
            return result
        }
        guard text.hasPrefix(Self.prefix) else {
            let shown = String(text.prefix(4)).filter { $0.isLetter || $0.isNumber || $0 == ":" }
            result.fail(.prefix, shown.isEmpty ? "the text does not start with HC1:" : "the prefix \(shown) is not HC1:")
            return result
        }
        let compressed: [UInt8]
        do { compressed = try Base45.decode(text.dropFirst(Self.prefix.count)) } catch {
            result.fail(.base45, error.description)
            return result
        }
        let coseBytes: [UInt8]
        do { coseBytes = try Zlib.decompress(compressed) } catch {
            result.fail(.zlib, error.description)
            return result
        }
        let cose: COSESign1
        do { cose = try COSESign1.parse(coseBytes) } catch {
            result.fail(.cose, error.description)
            return result
        }
        guard let kid = cose.keyID else {
            result.fail(.unknownKid, "the certificate names no signing key (kid)")
            return result
        }
        result.keyID = kid
        let candidates = trust.candidates(for: kid)
        guard !candidates.isEmpty else {
            result.fail(.unknownKid, "signing key \(Self.hex(kid)) is not in the trust list")
            return result
        }
        guard let signer = candidates.first(where: { cose.isValid(with: $0.publicKey) }) else {
            result.fail(.badSignature, "the signature does not match signing key \(Self.hex(kid))")
            return result
        }
        result.signer = signer
        // Verified: from here on the content can be read (hcert spec §6.3).
        readClaims(cose.payload, into: &result, signer: signer, now: now)
        return result
    }

    private func readClaims(_ bytes: [UInt8], into result: inout Result, signer: SignerCertificate, now: Date) {
        let claims: CBOR
        do { claims = try CBORDecoder.decode(bytes) } catch {
            result.fail(.cwt, "the signed content is not CBOR: \(error.description)")
            return
        }
        guard case .map = claims, let hcert = claims[.int(-260)], let payload = hcert[.unsigned(1)], case .map = payload else {
            result.fail(.cwt, "the signed content is not a CWT with a health certificate (claim -260, key 1)")
            return
        }
        result.payload = payload
        result.issuerCountry = claims[.unsigned(1)]?.textValue
        if let iat = claims[.unsigned(6)].flatMap(Self.numericDate) { result.issuedAt = iat }
        if let exp = claims[.unsigned(4)].flatMap(Self.numericDate) { result.expiresAt = exp }
        checkTimes(&result, signer: signer, now: now)

        let violations = DCCSchema.bundled.violations(of: payload)
        if !violations.isEmpty { result.fail(.schema, violations.joined(separator: "; ")) }
        if let (kind, entry) = DCCPayload.entry(of: payload) {
            result.kind = kind
            result.uvci = entry[.text("ci")]?.textValue
            if !signer.mayBeUsed(for: kind) {
                let allowed = (signer.allowedKinds ?? []).map(\.rawValue).sorted().joined(separator: ", ")
                result.fail(.ekuMismatch, "the signer may sign \(allowed.isEmpty ? "no DCC" : allowed) certificates, not \(kind.rawValue)")
            }
        }
        let unknown = ValueSets.bundled.unknownCodes(in: payload)
        if !unknown.isEmpty { result.fail(.valueSet, "codes not in the DCC value sets: \(unknown.joined(separator: ", "))") }
        if let uvci = result.uvci, revokedHashes.contains(Self.revocationHash(uvci: uvci)) {
            result.fail(.revoked, "certificate \(uvci) has been revoked")
        }
    }

    private func checkTimes(_ result: inout Result, signer: SignerCertificate, now: Date) {
        guard let iat = result.issuedAt, let exp = result.expiresAt else {
            result.fail(.cwt, "the issued-at (6) or expiry (4) claim is missing or not a number")
            return
        }
        if now > exp { result.fail(.expired, "expired on \(exp.ISO8601Format())") }
        if iat > now.addingTimeInterval(clockSkew) { result.fail(.notYetValid, "issued at \(iat.ISO8601Format()), later than now") }
        if iat < signer.notBefore || exp > signer.notAfter {
            result.fail(.signerValidity, "the signer certificate is valid \(signer.notBefore.ISO8601Format()) – \(signer.notAfter.ISO8601Format()), which does not cover the certificate")
        }
    }

    static func numericDate(_ value: CBOR) -> Date? {
        if let n = value.intValue { return Date(timeIntervalSince1970: TimeInterval(n)) }
        if case .double(let d) = value, d.isFinite { return Date(timeIntervalSince1970: d) }
        return nil
    }

    /// Lower-case hexadecimal, as kids are shown everywhere (logs, key files, the API).
    public static func hex(_ bytes: [UInt8]) -> String { Hex.string(bytes) }
}
