import Domain
import Foundation
import SQLKit

/// A laboratory corrects the positive result a confirmation rested on. A person is not a confirmed case on a result
/// the laboratory has taken back: the case moves to another positive test of the person if there is one, else it
/// leaves F0 — back to what it was before (an F1 stays an F1 in quarantine), or `suspected` when it was opened by
/// that result — with the reason in its history. What the investigation found from it (contacts, clusters) stays
/// for the investigators to review; the case's history says why.
extension CaseStore {
    /// Another positive individual test of the person the confirmation can rest on.
    public struct OtherPositive: Sendable {
        public let reference: String
        public let resultDay: String
        public let sampledOn: String
        public init(reference: String, resultDay: String, sampledOn: String) {
            self.reference = reference
            self.resultDay = resultDay
            self.sampledOn = sampledOn
        }
    }

    public enum Withdrawal: Sendable, Equatable {
        /// The person's case does not rest on this test (no case, not F0, or confirmed by another test).
        case untouched
        /// The confirmation now rests on another positive test.
        case movedTo(caseId: Int64, reference: String)
        /// The case left F0 for this classification.
        case withdrawn(caseId: Int64, to: Classification)
    }

    /// Inside the caller's transaction, without counting (the caller tracks the counts of the whole correction).
    public static func withdrawingConfirmation(person: Int64, reference: String, otherPositive: OtherPositive?, reason: String,
                                               by account: Int64?, rules: QuarantineRuleTable, now: Date,
                                               on db: any SQLDatabase) async throws -> Withdrawal {
        guard let current = try await record(person: person, on: db), current.classification == .f0,
              current.facts.testReference == reference else { return .untouched }
        var facts = current.facts
        if let other = otherPositive {
            facts.testReference = other.reference
            facts.confirmedOn = other.resultDay
            facts.sampledOn = other.sampledOn
            try await write(facts, of: current, now: now, rules: rules, on: db)
            try await history(current.id, .f0, reason: "confirmation now rests on test \(other.reference): \(reason)", by: account, now: now, on: db)
            return .movedTo(caseId: current.id, reference: other.reference)
        }
        let earlier = try await db.raw("""
            SELECT classification FROM case_classifications WHERE case_id = \(bind: current.id) ORDER BY id
            """).all().compactMap { Classification(rawValue: try $0.decode(column: "classification", as: String.self)) }
        // The classification before the last move to F0 (none: the case was opened as F0 by this test).
        let lastF0 = earlier.lastIndex(of: .f0) ?? earlier.endIndex
        let previous = earlier[..<lastF0].last.flatMap { $0 == .f0 ? nil : $0 } ?? .suspected
        facts.confirmedOn = nil
        facts.testReference = nil
        try await write(facts, of: current, classification: previous, now: now, rules: rules, on: db)
        try await history(current.id, previous, reason: "F0 withdrawn: \(reason)", by: account, now: now, on: db)
        return .withdrawn(caseId: current.id, to: previous)
    }
}
