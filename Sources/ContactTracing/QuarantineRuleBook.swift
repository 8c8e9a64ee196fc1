import Accounts
import Domain
import Foundation
import SQLKit
import Storage

/// A quarantine rule as kept in the database: the rule, and who entered, ended or withdrew it.
public struct QuarantineRuleEntry: Codable, Sendable, Equatable {
    public let id: Int64
    public let classification: Classification
    public let setting: QuarantineSetting
    public let vaccinated: QuarantineRule.Vaccination
    public let days: Int
    public let effectiveFrom: String
    public let effectiveTo: String?
    public let document: String
    /// Nil for the rules Sentinel shipped with (nobody entered them here).
    public let createdAt: Date?
    public let createdBy: Int64?
    public let endedAt: Date?
    public let endReason: String?
    /// Entered by mistake and taken out of the table; kept to show what was there.
    public let withdrawn: Bool

    public var rule: QuarantineRule {
        QuarantineRule(classification: classification, setting: setting, vaccinated: vaccinated, days: days, effectiveFrom: effectiveFrom,
                       effectiveTo: effectiveTo, document: document)
    }

    public enum State: String, Sendable { case coming, inForce = "in_force", ended, withdrawn }

    public func state(on day: String) -> State {
        if withdrawn { return .withdrawn }
        if effectiveFrom > day { return .coming }
        return rule.applies(on: day) ? .inForce : .ended
    }

    /// The same class, setting and vaccination: two such rules may not cover the same day.
    func sameKind(_ other: QuarantineRule) -> Bool {
        classification == other.classification && setting == other.setting && vaccinated == other.vaccinated
    }
}

/// A rule as the CDC enters it from a new document. `supersedes` names the rule it replaces, which then ends the day
/// before this one begins (in the same transaction), so a change of guidance is one step. In JSON: the rule's members
/// and `supersedes`, side by side.
public struct NewQuarantineRule: Codable, Sendable, Equatable {
    public var rule: QuarantineRule
    public var supersedes: Int64?

    public init(_ rule: QuarantineRule, supersedes: Int64? = nil) {
        self.rule = rule
        self.supersedes = supersedes
    }

    enum Keys: String, CodingKey { case supersedes }

    public init(from decoder: any Decoder) throws {
        self.rule = try QuarantineRule(from: decoder)
        self.supersedes = try decoder.container(keyedBy: Keys.self).decodeIfPresent(Int64.self, forKey: .supersedes)
    }

    public func encode(to encoder: any Encoder) throws {
        try rule.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(supersedes, forKey: .supersedes)
    }
}

public struct QuarantineRuleNotFound: MissingRecord, Equatable {
    public let id: Int64
    public var detail: String { "No quarantine rule \(id)." }
}

/// The new rule covers days an existing rule of the same kind already covers.
public struct QuarantineRuleOverlap: ConflictingState, Equatable {
    public let existing: QuarantineRuleEntry
    public var detail: String {
        "Rule \(existing.id) (\(existing.days) days, \(existing.effectiveFrom) – \(existing.effectiveTo ?? "open-ended"), \(existing.document)) "
            + "already covers these days for the same class, setting and vaccination: end it first, or name it in supersedes."
    }
    public var fields: [FieldError] { [FieldError("effectiveFrom", "overlaps rule \(existing.id)")] }
}

/// Ending a rule later than it already ends, or a withdrawn one.
public struct QuarantineRuleClosed: ConflictingState, Equatable {
    public let detail: String
}

/// Where a store takes its quarantine rules from: the table in the database, read in the transaction that uses it (so
/// every server process sees an edit at once), or a fixed table (tests that need particular rules).
public enum QuarantineRuleSource: Sendable {
    case stored
    case fixed(QuarantineRuleTable)

    public func table(on db: any SQLDatabase) async throws -> QuarantineRuleTable {
        switch self {
        case .fixed(let table): table
        case .stored: try await QuarantineRuleBook.table(on: db)
        }
    }
}

/// The quarantine rule table as the provincial CDC keeps it: national guidance changes by dated documents, and each
/// change is a new rule with its document and effective dates, ending the one it replaces. Rules are province-wide,
/// so only an account scoped to the whole province may change them; every change is audited. Nothing is deleted.
public struct QuarantineRuleBook: Sendable {
    let database: Database
    let gate: AccessGate

    public init(database: Database) {
        self.database = database
        self.gate = AccessGate(database: database)
    }

    /// Every rule, ended and withdrawn ones too, grouped by kind and in date order.
    public func list(for principal: Principal, trace: RequestTrace) async throws -> [QuarantineRuleEntry] {
        try await gate.require(principal, .readCases, entity: "quarantine_rule", trace: trace)
        return try await database.read { try await Self.entries(on: $0) }
    }

    public func add(_ new: NewQuarantineRule, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> QuarantineRuleEntry {
        try await requireManager(principal, entityID: nil, trace: trace)
        var rule = new.rule
        rule.document = rule.document.trimmedWhitespace
        let document = rule.document
        var v = Validator()
        v.require(rule.classification == .f1 || rule.classification == .f2, "classification", "F1 or F2: only contacts are quarantined by rule")
        v.require((1...60).contains(rule.days), "days", "between 1 and 60")
        v.require(LocalDay.isValid(rule.effectiveFrom), "effectiveFrom", "a day as YYYY-MM-DD")
        v.require(rule.effectiveTo.map { LocalDay.isValid($0) && $0 >= rule.effectiveFrom } ?? true, "effectiveTo", "a day on or after effectiveFrom")
        v.require((1...300).contains(document.count), "document", "the issuing document (number, date, what it says), at most 300 characters")
        try v.check()
        let kind = database.kind
        let id = try await database.write { db in
            try await Self.lock(kind, on: db)
            let entries = try await Self.entries(on: db)
            if let replaced = new.supersedes {
                guard let old = entries.first(where: { $0.id == replaced }) else { throw QuarantineRuleNotFound(id: replaced) }
                var problems = Validator()
                problems.require(!old.withdrawn, "supersedes", "rule \(replaced) was withdrawn")
                problems.require(old.sameKind(rule), "supersedes", "rule \(replaced) is for another class, setting or vaccination")
                problems.require(old.effectiveFrom < rule.effectiveFrom, "supersedes", "rule \(replaced) begins on \(old.effectiveFrom), not before this one")
                try problems.check()
                // A rule that already ends before this one begins needs no change.
                if let lastDay = LocalDay.adding(-1, to: rule.effectiveFrom), old.effectiveTo.map({ $0 > lastDay }) ?? true {
                    try await Self.close(old, lastDay: lastDay, reason: "superseded: \(document)", by: principal, trace: trace, now: now, on: db)
                }
            }
            let current = try await Self.entries(on: db).filter { !$0.withdrawn }
            if let clash = current.first(where: { $0.sameKind(rule) && Self.overlap($0.rule, rule) }) { throw QuarantineRuleOverlap(existing: clash) }
            // The whole table must still hold together (the same check as a bundled or fixed table).
            _ = try QuarantineRuleTable(current.map(\.rule) + [rule])
            let id = try await db.raw("""
                INSERT INTO quarantine_rules (classification, setting, vaccinated, days, effective_from, effective_to, document, created_at, created_by)
                VALUES (\(bind: rule.classification.rawValue), \(bind: rule.setting.rawValue), \(bind: rule.vaccinated.rawValue), \(bind: rule.days),
                        \(bind: rule.effectiveFrom), \(bind: rule.effectiveTo), \(bind: document), \(bind: now), \(bind: principal.accountID))
                RETURNING id
                """).first()!.decode(column: "id", as: Int64.self)
            try await AuditLog.append(AuditEntry(principal: principal, action: "create", entity: "quarantine_rule", entityID: String(id),
                                                 areaCode: principal.scopeCode, context: trace), on: db)
            return id
        }
        return try await entry(id)!
    }

    /// Ends a rule after `lastDay` — only earlier than it already ends. A last day before the rule began withdraws it
    /// (it was entered by mistake and never applied): it stays listed, out of the table.
    public func end(_ id: Int64, lastDay: String, reason: String, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws
        -> QuarantineRuleEntry
    {
        try await requireManager(principal, entityID: String(id), trace: trace)
        var v = Validator()
        let reason = reason.trimmedWhitespace
        v.require(LocalDay.isValid(lastDay), "lastDay", "a day as YYYY-MM-DD")
        v.require((1...500).contains(reason.count), "reason", "required, at most 500 characters")
        try v.check()
        let kind = database.kind
        try await database.write { db in
            try await Self.lock(kind, on: db)
            guard let rule = try await Self.entries(on: db).first(where: { $0.id == id }) else { throw QuarantineRuleNotFound(id: id) }
            try await Self.close(rule, lastDay: lastDay, reason: reason, by: principal, trace: trace, now: now, on: db)
        }
        return try await entry(id)!
    }

    public func entry(_ id: Int64) async throws -> QuarantineRuleEntry? {
        try await database.read { try await Self.entries(on: $0, id: id).first }
    }

    /// The rules in force on any day, for the stores computing planned ends: every rule not withdrawn, validated.
    public static func table(on db: any SQLDatabase) async throws -> QuarantineRuleTable {
        try QuarantineRuleTable(try await entries(on: db).filter { !$0.withdrawn }.map(\.rule))
    }

    // MARK: -

    private func requireManager(_ principal: Principal, entityID: String?, trace: RequestTrace) async throws {
        try await gate.require(principal, .manageQuarantineRules, entity: "quarantine_rule", trace: trace)
        // Quarantine rules hold for the whole province: a district's or commune's account may not change them.
        if AreaCode.level(of: principal.scopeCode) != .province {
            try await gate.deny(principal, .manageQuarantineRules, .scope, entity: "quarantine_rule", entityID: entityID, area: nil, trace: trace)
        }
    }

    private static func close(_ rule: QuarantineRuleEntry, lastDay: String, reason: String, by principal: Principal, trace: RequestTrace,
                              now: Date, on db: any SQLDatabase) async throws {
        guard !rule.withdrawn else { throw QuarantineRuleClosed(detail: "Rule \(rule.id) was withdrawn.") }
        if let end = rule.effectiveTo, lastDay > end {
            throw QuarantineRuleClosed(detail: "Rule \(rule.id) already ends on \(end); it can only be ended earlier.")
        }
        let withdraw = lastDay < rule.effectiveFrom
        // A withdrawn rule keeps its dates, to show what was entered.
        try await db.raw("""
            UPDATE quarantine_rules SET withdrawn = \(bind: withdraw), effective_to = \(bind: withdraw ? rule.effectiveTo : lastDay),
                ended_at = \(bind: now), ended_by = \(bind: principal.accountID), end_reason = \(bind: reason)
            WHERE id = \(bind: rule.id)
            """).run()
        try await AuditLog.append(AuditEntry(principal: principal, action: withdraw ? "withdraw" : "end:\(lastDay)", entity: "quarantine_rule",
                                             entityID: String(rule.id), areaCode: principal.scopeCode, context: trace), on: db)
    }

    /// On PostgreSQL two officers adding rules at once would each check the table without the other's row; the lock
    /// makes the second wait for the first. SQLite has one writer already.
    private static func lock(_ kind: DatabaseKind, on db: any SQLDatabase) async throws {
        if kind == .postgres { try await db.raw("LOCK TABLE quarantine_rules IN SHARE ROW EXCLUSIVE MODE").run() }
    }

    static func overlap(_ a: QuarantineRule, _ b: QuarantineRule) -> Bool {
        a.effectiveFrom <= (b.effectiveTo ?? "9999-12-31") && b.effectiveFrom <= (a.effectiveTo ?? "9999-12-31")
    }

    private static func entries(on db: any SQLDatabase, id: Int64? = nil) async throws -> [QuarantineRuleEntry] {
        let filter: SQLQueryString = id.map { "WHERE id = \(bind: $0)" } ?? ""
        return try await db.raw("""
            SELECT id, classification, setting, vaccinated, days, effective_from, effective_to, document, created_at, created_by, ended_at,
                   end_reason, withdrawn
            FROM quarantine_rules \(filter)
            ORDER BY classification, setting, vaccinated, effective_from, id
            """).all().map { row in
            func value<T: RawRepresentable<String>>(_ column: String, _ type: T.Type) throws -> T {
                let text = try row.decode(column: column, as: String.self)
                guard let value = T(rawValue: text) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "quarantine_rules.\(column) holds unknown \(text)"))
                }
                return value
            }
            return QuarantineRuleEntry(
                id: try row.decode(column: "id", as: Int64.self), classification: try value("classification", Classification.self),
                setting: try value("setting", QuarantineSetting.self), vaccinated: try value("vaccinated", QuarantineRule.Vaccination.self),
                days: try row.decode(column: "days", as: Int.self), effectiveFrom: try row.decode(column: "effective_from", as: String.self),
                effectiveTo: try row.decode(column: "effective_to", as: String?.self), document: try row.decode(column: "document", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Date?.self), createdBy: try row.decode(column: "created_by", as: Int64?.self),
                endedAt: try row.decode(column: "ended_at", as: Date?.self), endReason: try row.decode(column: "end_reason", as: String?.self),
                withdrawn: try row.decode(column: "withdrawn", as: Bool.self))
        }
    }
}
