@preconcurrency import Crypto
import Foundation

/// Turns a DCC payload into the `HC1:` text of a QR code: CWT claims → COSE_Sign1 (ES256) → zlib → Base45 → prefix.
public final class DCCIssuer: Sendable {
    public let signer: SignerCertificate
    public let issuerCountry: String
    private let key: P256.Signing.PrivateKey

    public init(signer: SignerCertificate, key: P256.Signing.PrivateKey, issuerCountry: String = "VN") throws {
        guard case .p256(let publicKey) = signer.publicKey, publicKey.rawRepresentation == key.publicKey.rawRepresentation else {
            throw IssuingError.keyDoesNotMatchCertificate
        }
        self.signer = signer
        self.key = key
        self.issuerCountry = issuerCountry
    }

    public enum IssuingError: Error, Equatable, CustomStringConvertible {
        case keyDoesNotMatchCertificate
        case notAllowed(CertificateKind)
        case outsideSignerValidity
        case invalidPayload([String])

        public var description: String {
            switch self {
            case .keyDoesNotMatchCertificate: "the signing key does not belong to the signer certificate"
            case .notAllowed(let kind): "the signer certificate may not sign \(kind.rawValue) certificates"
            case .outsideSignerValidity: "the certificate's validity must lie within the signer certificate's"
            case .invalidPayload(let reasons): "the payload does not match the DCC schema: \(reasons.joined(separator: "; "))"
            }
        }
    }

    /// Signs `payload`. The payload is checked against the schema and the value sets first: Sentinel never signs what a verifier
    /// would reject. `expiresAt` is capped at the signer's notAfter (hcert spec §5.3).
    public func issue(payload: CBOR, issuedAt: Date, expiresAt: Date, validate: Bool = true) throws -> String {
        guard let (kind, _) = DCCPayload.entry(of: payload) else { throw IssuingError.invalidPayload(["exactly one of v, t, r"]) }
        guard signer.mayBeUsed(for: kind) else { throw IssuingError.notAllowed(kind) }
        guard issuedAt >= signer.notBefore, issuedAt < signer.notAfter else { throw IssuingError.outsideSignerValidity }
        if validate {
            let violations = DCCSchema.bundled.violations(of: payload) + ValueSets.bundled.unknownCodes(in: payload).map { "unknown code \($0)" }
            guard violations.isEmpty else { throw IssuingError.invalidPayload(violations) }
        }
        let claims = DCCPayload.claims(payload: payload, issuer: issuerCountry, issuedAt: issuedAt,
                                       expiresAt: min(expiresAt, signer.notAfter))
        let cose = try COSESign1.signES256(payload: claims.encoded(), keyID: signer.keyID, key: key)
        let compressed = Zlib.compress(cose)
        return "HC1:" + Base45.encode(compressed)
    }
}
