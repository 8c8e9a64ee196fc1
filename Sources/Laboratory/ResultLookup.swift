import Accounts
import Domain
import Foundation
import SQLKit

public struct ResultsNotFound: MissingRecord, Equatable {
    public init() {}
    public var detail: String { "No results for these details. Check the numbers given at sampling (or on the registration slip)." }
}

/// What a citizen sees of their own results.
public struct OwnResults: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public let tubeBarcode: String
        public let method: TestMethod
        public let pooled: Bool
        public let outcome: PersonTest.Outcome
        public let sampledAt: Date
        public let resultedAt: Date
        /// The UVCI of the test certificate standing for this result (none revoked by a correction).
        public let certificate: String?
        /// When the laboratory last corrected this result.
        public let correctedAt: Date?
    }
    public let name: String
    public let results: [Entry]
}

extension LabStore {
    /// A citizen looks up their results with the ID number and a phone number on record. Every miss — unknown ID,
    /// wrong phone, no result yet — gets the same answer, so the form cannot confirm who was tested. (The route
    /// limits tries per address.) Each successful read is audited.
    public func lookup(idNumber: String, phone: String, trace: RequestTrace) async throws -> OwnResults {
        guard let id = PersonIdentity.normalisedIDNumber(idNumber), let phone = PersonIdentity.normalisedPhone(phone) else {
            throw ResultsNotFound()
        }
        let found: (person: Int64, name: String, commune: String?)? = try await database.read { db in
            guard let row = try await db.raw("""
                SELECT p.id, p.full_name, p.commune_code FROM persons p
                WHERE p.id_number = \(bind: id)
                  AND (p.phone = \(bind: phone) OR EXISTS (SELECT 1 FROM person_phones x WHERE x.person_id = p.id AND x.phone = \(bind: phone)))
                """).first() else { return nil }
            return (try row.decode(column: "id", as: Int64.self), try row.decode(column: "full_name", as: String.self),
                    try row.decode(column: "commune_code", as: String?.self))
        }
        guard let found else { throw ResultsNotFound() }
        return try await results(of: found, trace: trace)
    }

    /// The same from the registration slip: its code and the person's date of birth (YYYY-MM-DD) or year of birth, as
    /// the person gave it. Every miss answers the same.
    public func lookup(registrationCode: String, birth: String, trace: RequestTrace) async throws -> OwnResults {
        let code = registrationCode.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        let birth = birth.trimmingCharacters(in: .whitespaces)
        let year = Int(birth.prefix(4))
        guard SlipCode.isWellFormed(code), let year, birth.count == 4 || LocalDay.isValid(birth) else { throw ResultsNotFound() }
        let found: (person: Int64, name: String, commune: String?)? = try await database.read { db in
            guard let row = try await db.raw("""
                SELECT p.id, p.full_name, p.commune_code, p.birth_date, p.birth_year FROM test_registrations r JOIN persons p ON p.id = r.person_id
                WHERE r.code = \(bind: code)
                """).first() else { return nil }
            let storedDate = try row.decode(column: "birth_date", as: String?.self)
            let storedYear = try row.decode(column: "birth_year", as: Int?.self) ?? storedDate.flatMap { Int($0.prefix(4)) }
            // A full date must match a full date on record; a year matches the year.
            let matches = birth.count == 10 && storedDate != nil ? storedDate == birth : storedYear == year
            guard matches else { return nil }
            return (try row.decode(column: "id", as: Int64.self), try row.decode(column: "full_name", as: String.self),
                    try row.decode(column: "commune_code", as: String?.self))
        }
        guard let found else { throw ResultsNotFound() }
        return try await results(of: found, trace: trace)
    }

    private func results(of found: (person: Int64, name: String, commune: String?), trace: RequestTrace) async throws -> OwnResults {
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT s.tube_barcode, t.method, s.pooled, t.outcome, t.sampled_at, t.resulted_at, t.corrected_at,
                       (SELECT c.uvci FROM certificates c WHERE c.source_type = 'test' AND c.source_id = CAST(t.id AS TEXT)
                          AND NOT EXISTS (SELECT 1 FROM certificate_revocations r WHERE r.uvci = c.uvci)
                        ORDER BY c.issued_at DESC LIMIT 1) AS uvci
                FROM person_tests t JOIN samples s ON s.id = t.sample_id
                WHERE t.person_id = \(bind: found.person) ORDER BY t.resulted_at DESC LIMIT 50
                """).all()
        }
        guard !rows.isEmpty else { throw ResultsNotFound() }
        try await AuditLog(database: database).append(AuditEntry(principal: nil, action: "lookup", entity: "person_tests",
                                                                 entityID: String(found.person), areaCode: found.commune, context: trace))
        return OwnResults(name: found.name, results: try rows.map { row in
            OwnResults.Entry(tubeBarcode: try row.decode(column: "tube_barcode", as: String.self),
                             method: TestMethod(rawValue: try row.decode(column: "method", as: String.self)) ?? .rtPCR,
                             pooled: try row.decode(column: "pooled", as: Int.self) != 0,
                             outcome: PersonTest.Outcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .invalid,
                             sampledAt: try row.decode(column: "sampled_at", as: Date.self),
                             resultedAt: try row.decode(column: "resulted_at", as: Date.self),
                             certificate: try row.decode(column: "uvci", as: String?.self),
                             correctedAt: try row.decode(column: "corrected_at", as: Date?.self))
        })
    }
}
