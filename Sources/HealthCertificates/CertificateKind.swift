/// The three kinds of DCC, with the key in the payload and the Extended Key Usage OIDs that let a signer sign them.
public enum CertificateKind: String, Sendable, CaseIterable, Codable {
    case vaccination, test, recovery

    /// The payload member holding the entry: `v`, `t` or `r`.
    public var payloadKey: String {
        switch self {
        case .vaccination: "v"
        case .test: "t"
        case .recovery: "r"
        }
    }

    public init?(payloadKey: String) {
        guard let kind = Self.allCases.first(where: { $0.payloadKey == payloadKey }) else { return nil }
        self = kind
    }

    /// `1.3.6.1.4.1.1847.2021.1.{1 test, 2 vaccination, 3 recovery}`, and the misspelled `…1.0.1847…` some early
    /// test certificates carry (hcert spec §5.1.1).
    public var extendedKeyUsageOIDs: [String] {
        let arc: String
        switch self {
        case .test: arc = "1"
        case .vaccination: arc = "2"
        case .recovery: arc = "3"
        }
        return ["1.3.6.1.4.1.1847.2021.1.\(arc)", "1.3.6.1.4.1.0.1847.2021.1.\(arc)"]
    }

    public static func fromExtendedKeyUsage(_ oid: String) -> CertificateKind? {
        allCases.first { $0.extendedKeyUsageOIDs.contains(oid) }
    }
}
