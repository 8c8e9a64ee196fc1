import Accounts
import Domain
import Foundation
import SQLKit

public struct TestNotFound: MissingRecord, Equatable {
    public init() {}
    public var detail: String { "No such test result." }
}

/// Test certificates for individual RT-PCR results. Pooled results are never certified (a pool's result is not a
/// person's), nor rapid antigen tests (their DCC names the device from the EU's list, which Sentinel does not hold).
extension CertificateService {
    /// What a test certificate is made from: the person's result and the person.
    struct TestSource {
        let testId: Int64
        let personId: Int64
        let communeCode: String
        let outcome: String
        let method: String
        let pooled: Bool
        let sampledAt: Date
        let fullName: String
        let birthDate: String?
        let birthYear: Int?
    }

    static let testSelect = """
        SELECT t.id, t.person_id, t.commune_code, t.outcome, t.method, t.sampled_at, s.pooled,
               p.full_name, p.birth_date, p.birth_year, p.phone
        FROM person_tests t JOIN samples s ON s.id = t.sample_id JOIN persons p ON p.id = t.person_id
        """

    static func testSource(_ row: any SQLRow) throws -> TestSource {
        TestSource(testId: try row.decode(column: "id", as: Int64.self), personId: try row.decode(column: "person_id", as: Int64.self),
                   communeCode: try row.decode(column: "commune_code", as: String.self), outcome: try row.decode(column: "outcome", as: String.self),
                   method: try row.decode(column: "method", as: String.self), pooled: try row.decode(column: "pooled", as: Int.self) != 0,
                   sampledAt: try row.decode(column: "sampled_at", as: Date.self), fullName: try row.decode(column: "full_name", as: String.self),
                   birthDate: try row.decode(column: "birth_date", as: String?.self), birthYear: try row.decode(column: "birth_year", as: Int?.self))
    }

    func issueTest(testId: Int64, issuer: DCCIssuer, by principal: Principal, trace: RequestTrace, now: Date) async throws -> IssuedCertificate {
        let rows = try await database.read { db in try await db.raw("\(unsafeRaw: Self.testSelect) WHERE t.id = \(bind: testId)").all() }
        guard let row = rows.first else { throw TestNotFound() }
        let source = try Self.testSource(row)
        try await gate.require(principal, .readTests, area: source.communeCode, entity: "person_tests", entityID: String(testId), trace: trace)
        try await gate.require(principal, .issueCertificates, area: source.communeCode, entity: "certificate", entityID: nil, trace: trace)
        return try await store(try signTest(source, issuer: issuer, now: now), by: principal, trace: trace)
    }

    func signTest(_ source: TestSource, issuer: DCCIssuer, now: Date) throws -> Signed {
        guard !source.pooled else { throw NotCertifiable(detail: "Test \(source.testId) is a pooled sample's; only an individual result is certified.") }
        guard source.method == "rt_pcr" else { throw NotCertifiable(detail: "Only RT-PCR results are certified (a rapid test's certificate names its device).") }
        let result: String
        switch source.outcome {
        case "negative": result = "260415000"
        case "positive": result = "260373001"
        default: throw NotCertifiable(detail: "Test \(source.testId) has no conclusive result (\(source.outcome)).")
        }
        let expires = source.sampledAt.addingTimeInterval(TimeInterval(rules.test.validityHours) * 3600)
        guard expires > now else { throw NotCertifiable(detail: "Test \(source.testId) was sampled more than \(rules.test.validityHours) hours ago.") }
        let uvci = UVCI.random(country: rules.country)
        let (surname, given) = NameTransliteration.split(fullName: source.fullName)
        let person = DCCPayload.Person(surname: surname, givenNames: given,
                                       dateOfBirth: source.birthDate ?? source.birthYear.map(String.init) ?? "")
        let payload = DCCPayload.payload(person: person, kind: .test, entry: DCCPayload.testEntry(
            type: "LP6464-4", name: "SARS-CoV-2 RT-PCR", device: nil, sampledAt: source.sampledAt, result: result,
            centre: rules.issuerName, country: rules.country, issuer: rules.issuerName, uvci: uvci))
        let qr = try issuer.issue(payload: payload, issuedAt: now, expiresAt: expires)
        return Signed(uvci: uvci, kind: .test, personId: source.personId, sourceType: "test", sourceId: String(source.testId),
                      communeCode: source.communeCode, keyID: issuer.signer.keyID, qr: qr, payload: payload, issuedAt: now,
                      expiresAt: min(expires, issuer.signer.notAfter), replaces: nil)
    }

    /// Results nobody has certified yet; a result corrected after its certificate was issued is due again (the
    /// correction revoked the old one).
    func pendingTests(limit: Int, now: Date, on db: any SQLDatabase) async throws -> [(TestSource, String?)] {
        let since = now.addingTimeInterval(-TimeInterval(rules.test.validityHours) * 3600)
        return try await db.raw("""
            \(unsafeRaw: Self.testSelect)
            WHERE s.pooled = 0 AND t.method = 'rt_pcr' AND t.outcome IN ('positive', 'negative') AND t.sampled_at > \(bind: since)
              AND NOT EXISTS (SELECT 1 FROM certificates x WHERE x.source_type = 'test' AND x.source_id = CAST(t.id AS TEXT)
                              AND (t.corrected_at IS NULL OR x.issued_at > t.corrected_at))
            ORDER BY t.id LIMIT \(bind: limit)
            """).all().map { (try Self.testSource($0), try $0.decode(column: "phone", as: String?.self)) }
    }
}
