/// The signer certificates a verifier trusts, by kid. Several DSCs may share one truncated kid; every one is tried.
public struct TrustList: Sendable {
    public private(set) var signers: [[UInt8]: [SignerCertificate]] = [:]

    public init(_ certificates: [SignerCertificate] = []) {
        for certificate in certificates { add(certificate) }
    }

    public mutating func add(_ certificate: SignerCertificate) {
        if signers[certificate.keyID]?.contains(where: { $0.der == certificate.der }) == true { return }
        signers[certificate.keyID, default: []].append(certificate)
    }

    public func candidates(for keyID: [UInt8]) -> [SignerCertificate] { signers[keyID] ?? [] }

    public var all: [SignerCertificate] { signers.values.flatMap { $0 } }
}
