@preconcurrency import Crypto
@preconcurrency import _CryptoExtras

/// COSE_Sign1 (RFC 9052 §4.2): `[protected bstr, unprotected map, payload bstr, signature bstr]`, tag 18, with the
/// algorithms the DCC allows: ES256 (−7, raw r‖s) for signing and verifying, PS256 (−37) for verifying others'.
public struct COSESign1: Sendable {
    public static let es256: Int64 = -7
    public static let ps256: Int64 = -37
    static let algorithmLabel = CBOR.unsigned(1)
    static let kidLabel = CBOR.unsigned(4)

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case cbor(CBORDecoder.Failure)
        case notSign1(String)

        public var description: String {
            switch self {
            case .cbor(let failure): failure.description
            case .notSign1(let why): "not a COSE_Sign1 structure: \(why)"
            }
        }
    }

    /// The protected header exactly as signed (its bytes, not a re-encoding).
    public let protectedBytes: [UInt8]
    public let protectedHeader: CBOR
    public let unprotectedHeader: CBOR
    public let payload: [UInt8]
    public let signature: [UInt8]

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> COSESign1 {
        let item: CBOR
        do { item = try CBORDecoder.decode(bytes) } catch { throw .cbor(error) }
        // Tolerate the CWT tag 61 some issuers put around the COSE tag 18 (test vector CO28); both are optional.
        var inner = item
        if case .tagged(61, let wrapped) = inner { inner = wrapped }
        if case .tagged(18, let wrapped) = inner { inner = wrapped }
        if case .tagged(let tag, _) = inner { throw .notSign1("unexpected tag \(tag)") }
        guard let parts = inner.arrayValue, parts.count == 4 else { throw .notSign1("expected an array of 4") }
        guard let protectedBytes = parts[0].bytesValue else { throw .notSign1("protected header is not a byte string") }
        guard case .map = parts[1] else { throw .notSign1("unprotected header is not a map") }
        guard let payload = parts[2].bytesValue else { throw .notSign1("payload is not a byte string") }
        guard let signature = parts[3].bytesValue else { throw .notSign1("signature is not a byte string") }
        let protectedHeader: CBOR
        if protectedBytes.isEmpty {
            protectedHeader = .map([])
        } else {
            do { protectedHeader = try CBORDecoder.decode(protectedBytes) } catch { throw .cbor(error) }
            guard case .map = protectedHeader else { throw .notSign1("protected header is not a map") }
        }
        return COSESign1(protectedBytes: protectedBytes, protectedHeader: protectedHeader,
                         unprotectedHeader: parts[1], payload: payload, signature: signature)
    }

    /// The algorithm from the protected header (the only place it counts).
    public var algorithm: Int64? { protectedHeader[Self.algorithmLabel]?.intValue }

    /// The key id: the protected one wins; the unprotected one is used only when the protected header has none
    /// (hcert spec §3.3.1, test vectors CO18–CO23).
    public var keyID: [UInt8]? {
        if let kid = protectedHeader[Self.kidLabel] { return kid.bytesValue }
        return unprotectedHeader[Self.kidLabel]?.bytesValue
    }

    /// Sig_structure = ["Signature1", protected, external_aad = h'', payload].
    public static func toBeSigned(protectedBytes: [UInt8], payload: [UInt8]) -> [UInt8] {
        CBOR.array([.text("Signature1"), .bytes(protectedBytes), .bytes([]), .bytes(payload)]).encoded()
    }

    public var toBeSigned: [UInt8] { Self.toBeSigned(protectedBytes: protectedBytes, payload: payload) }

    /// Whether the signature checks with `key` under the declared algorithm (a mismatched key type is a failure).
    public func isValid(with key: SignerPublicKey) -> Bool {
        let data = toBeSigned
        switch (algorithm, key) {
        case (Self.es256, .p256(let publicKey)):
            guard signature.count == 64, let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return publicKey.isValidSignature(sig, for: SHA256.hash(data: data))
        case (Self.ps256, .rsa(let publicKey)):
            return publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature),
                                              for: SHA256.hash(data: data), padding: .PSS)
        default:
            return false
        }
    }

    /// Signs `payload` with ES256 and returns the tagged COSE_Sign1 bytes, kid in the protected header.
    public static func signES256(payload: [UInt8], keyID: [UInt8], key: P256.Signing.PrivateKey) throws -> [UInt8] {
        let protectedBytes = CBOR.map([(algorithmLabel, .int(es256)), (kidLabel, .bytes(keyID))]).encoded()
        let signature = try key.signature(for: SHA256.hash(data: toBeSigned(protectedBytes: protectedBytes, payload: payload)))
        return CBOR.tagged(18, .array([.bytes(protectedBytes), .map([]), .bytes(payload), .bytes(Array(signature.rawRepresentation))])).encoded()
    }
}

/// A signer's public key, of a type the DCC allows.
public enum SignerPublicKey: Sendable {
    case p256(P256.Signing.PublicKey)
    case rsa(_RSA.Signing.PublicKey)
}
