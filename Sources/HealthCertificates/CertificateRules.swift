import Foundation

/// How long each kind of certificate is valid, and who the issuer is; data with its sources, so the province can
/// change policy without a new release.
public struct CertificateRules: Codable, Sendable, Equatable {
    public struct Test: Codable, Sendable, Equatable { public var validityHours: Int; public var source: String }
    public struct Vaccination: Codable, Sendable, Equatable { public var validityDays: Int; public var source: String }
    public struct Recovery: Codable, Sendable, Equatable {
        public var validFromDaysAfterFirstPositive: Int
        public var validUntilDaysAfterFirstPositive: Int
        public var source: String
    }

    public var issuerName: String
    public var country: String
    public var test: Test
    public var vaccination: Vaccination
    public var recovery: Recovery

    public static func bundled() throws -> CertificateRules {
        guard let url = Bundle.module.url(forResource: "certificate-rules", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        let rules = try JSONDecoder().decode(CertificateRules.self, from: Data(contentsOf: url))
        guard rules.test.validityHours > 0, rules.vaccination.validityDays > 0,
              rules.recovery.validFromDaysAfterFirstPositive < rules.recovery.validUntilDaysAfterFirstPositive,
              rules.issuerName.count <= 80, rules.country.count == 2
        else { throw CocoaError(.fileReadCorruptFile) }
        return rules
    }

    /// The rules of a training database: the issuer says so in every certificate (within the schema's 80 characters).
    public func forTraining() -> CertificateRules {
        var rules = self
        rules.issuerName = String(("ĐÀO TẠO – KHÔNG CÓ GIÁ TRỊ – " + issuerName).prefix(80))
        return rules
    }
}
