import Domain
import Foundation
import SQLKit

/// A negative test of a contact under follow-up (F1 or F2, not yet released) is attached to its quarantine: a `test`
/// event in the case's history, so the commune health station sees the quarantine's tests where it follows it up
/// and decides the release on them. Written by the laboratory in the result's own transaction.
extension CaseStore {
    public struct NegativeTest: Sendable {
        public let person: Int64
        public let sampledOn: String
        public let tube: String
        public let pooled: Bool
        public init(person: Int64, sampledOn: String, tube: String, pooled: Bool) {
            self.person = person
            self.sampledOn = sampledOn
            self.tube = tube
            self.pooled = pooled
        }
    }

    /// Returns the ids of the cases that got an event.
    @discardableResult
    public static func attachNegativeTests(_ tests: [NegativeTest], by accountID: Int64, now: Date, on db: any SQLDatabase) async throws -> [Int64] {
        var attached: [Int64] = []
        for start in stride(from: 0, to: tests.count, by: 500) {
            let slice = Array(tests[start..<min(start + 500, tests.count)])
            let rows = try await db.raw("""
                SELECT id, person_id FROM cases
                WHERE person_id IN (\(binds: Array(Set(slice.map(\.person))))) AND classification IN ('F1', 'F2') AND follow_up <> 'released'
                """).all()
            var cases: [Int64: [Int64]] = [:]
            for row in rows { cases[try row.decode(column: "person_id", as: Int64.self), default: []].append(try row.decode(column: "id", as: Int64.self)) }
            guard !cases.isEmpty else { continue }
            var insert = db.insert(into: "case_events").columns("case_id", "kind", "day", "detail", "recorded_at", "recorded_by")
            for test in slice {
                for id in cases[test.person] ?? [] {
                    let detail = "Xét nghiệm âm tính: ống \(test.tube)\(test.pooled ? " (mẫu gộp)" : ""), lấy mẫu \(test.sampledOn)"
                    insert = insert.values([id, CaseEventKind.test.rawValue, test.sampledOn, detail, now, accountID] as [any Encodable & Sendable])
                    attached.append(id)
                }
            }
            try await insert.run()
        }
        return attached
    }
}
