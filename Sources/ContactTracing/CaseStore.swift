import Accounts
import Domain
import Foundation
import People
import SQLKit
import Storage

/// The case registry: one case per person, its classification history, facts, the commune station's follow-up.
/// Every read of a case is audited; every change is audited in the same transaction.
public struct CaseStore: Sendable {
    public let database: Database
    /// The stored table by default, read in each transaction that computes a planned end.
    public let quarantineRules: QuarantineRuleSource
    let gate: AccessGate

    public init(database: Database, quarantineRules: QuarantineRuleSource = .stored) {
        self.database = database
        self.quarantineRules = quarantineRules
        self.gate = AccessGate(database: database)
    }

    // MARK: Opening and changing cases

    public func open(_ new: NewCase, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> CaseRecord {
        var v = Validator()
        let facts = new.facts ?? CaseFacts()
        facts.validate(into: &v)
        if new.classification == .f0 { v.require(facts.confirmedOn != nil, "facts.confirmedOn", "required for F0") }
        v.require((new.reason ?? "").count <= 500, "reason", "at most 500 characters")
        try v.check()
        guard let person = try await database.read({ try await PersonRegistry.fetch([new.personId], on: $0).first }) else {
            throw ValidationFailure([FieldError("personId", "no such person")])
        }
        guard let commune = (new.communeCode?.isEmpty == false ? new.communeCode : nil) ?? person.communeCode,
              AreaCode.level(of: commune) == .commune else {
            throw ValidationFailure([FieldError("communeCode", "the commune managing the case (the person has none on record)")])
        }
        try await gate.require(principal, .manageCases, area: commune, entity: "case", entityID: nil, trace: trace)
        return try await database.write { db in
            _ = try await Aggregates.tracking(.cases, keys: [new.personId], on: db) {
                try await Self.insert(person: new.personId, as: new.classification, commune: commune, facts: facts,
                                      reason: new.reason ?? "opened", by: principal.accountID, rules: try await quarantineRules.table(on: db), now: now, on: db)
            }
            let record = try await Self.record(person: new.personId, on: db)!
            try await AuditLog.append(AuditEntry(principal: principal, action: "create:\(new.classification.rawValue)", entity: "case",
                                                 entityID: String(record.id), areaCode: commune, context: trace), on: db)
            return record
        }
    }

    /// Inserts a case (inside the caller's transaction) with its first history entry. Throws `CaseExists`. No access
    /// check: for the stores here and for trusted bulk writers (the simulator) that validated their input.
    @discardableResult
    public static func insert(person: Int64, as classification: Classification, commune: String, facts: CaseFacts, reason: String,
                       by account: Int64?, rules: QuarantineRuleTable, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        if let existing = try await db.raw("SELECT id FROM cases WHERE person_id = \(bind: person)").first() {
            throw CaseExists(caseId: try existing.decode(column: "id", as: Int64.self))
        }
        let reported = classification == .f0 ? (facts.confirmedOn ?? LocalDay.string(now)) : LocalDay.string(now)
        let quarantine = plannedQuarantine(classification, facts, rules)
        let row = try await db.raw("""
            INSERT INTO cases (person_id, classification, commune_code, reported_on, confirmed_on, test_reference, onset_on, sampled_on,
                               isolated_on, severity, care_place, outcome, outcome_on, last_exposure_on, vaccinated, quarantine_setting,
                               quarantine_place, quarantine_start, quarantine_end, quarantine_rule, released_on, follow_up,
                               created_at, updated_at, created_by)
            VALUES (\(bind: person), \(bind: classification.rawValue), \(bind: commune), \(bind: reported), \(bind: facts.confirmedOn),
                    \(bind: facts.testReference), \(bind: facts.onsetOn), \(bind: facts.sampledOn), \(bind: facts.isolatedOn),
                    \(bind: facts.severity?.rawValue), \(bind: facts.carePlace?.rawValue), \(bind: facts.outcome?.rawValue), \(bind: facts.outcomeOn),
                    \(bind: facts.lastExposureOn), \(bind: facts.vaccinated.map { $0 ? 1 : 0 }), \(bind: facts.quarantineSetting?.rawValue),
                    \(bind: facts.quarantinePlace), \(bind: facts.quarantineStart), \(bind: quarantine.end), \(bind: quarantine.rule),
                    \(bind: facts.releasedOn), \(bind: facts.quarantineStart == nil ? CaseFollowUp.pending.rawValue : CaseFollowUp.inQuarantine.rawValue),
                    \(bind: now), \(bind: now), \(bind: account))
            RETURNING id
            """).first()!
        let id = try row.decode(column: "id", as: Int64.self)
        try await history(id, classification, reason: reason, by: account, now: now, on: db)
        return id
    }

    static func history(_ id: Int64, _ classification: Classification, reason: String, by account: Int64?, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO case_classifications (case_id, classification, changed_at, changed_by, reason)
            VALUES (\(bind: id), \(bind: classification.rawValue), \(bind: now), \(bind: account), \(bind: reason))
            """).run()
    }

    /// The planned end of quarantine from the rule table, unless entered by hand (when no rule applies).
    static func plannedQuarantine(_ classification: Classification, _ facts: CaseFacts, _ rules: QuarantineRuleTable) -> (end: String?, rule: String?) {
        guard classification == .f1 || classification == .f2, let start = facts.quarantineStart, let setting = facts.quarantineSetting,
              let planned = rules.plannedEnd(for: classification, setting: setting, vaccinated: facts.vaccinated, start: start)
        else { return (facts.quarantineEnd, nil) }
        return (facts.quarantineEnd ?? planned.end, facts.quarantineEnd == nil ? "\(planned.rule.days) ngày — \(planned.rule.document)" : nil)
    }

    /// Sets the facts given (others unchanged); recomputes the planned end of quarantine.
    public func update(_ id: Int64, facts changes: CaseFacts, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> CaseRecord {
        var v = Validator()
        changes.validate(into: &v)
        try v.check()
        let current = try await located(id, .manageCases, principal, trace)
        let merged = current.facts.merging(changes)
        var check = Validator()
        merged.validate(into: &check)
        try check.check()
        return try await database.write { db in
            try await Aggregates.tracking(.cases, keys: [current.personId], on: db) {
                try await Self.write(merged, of: current, now: now, rules: try await quarantineRules.table(on: db), on: db)
            }
            try await AuditLog.append(AuditEntry(principal: principal, action: "update", entity: "case", entityID: String(id),
                                                 areaCode: current.communeCode, context: trace), on: db)
            return try await Self.record(id: id, on: db)!
        }
    }

    /// A positive individual test makes the person a confirmed case: a new F0, or an F1/F2/suspected case upgraded to
    /// F0 with the test as evidence (history kept). An existing F0 keeps its confirmation. Inside the caller's
    /// transaction; returns the case id.
    @discardableResult
    public static func confirmPositive(person: Int64, commune: String, resultDay: String, sampledOn: String, reference: String,
                                       by account: Int64?, rules: QuarantineRuleTable, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        try await Aggregates.tracking(.cases, keys: [person], on: db) {
            try await confirmingPositive(person: person, commune: commune, resultDay: resultDay, sampledOn: sampledOn, reference: reference,
                                         by: account, rules: rules, now: now, on: db)
        }
    }

    /// As `confirmPositive`, without counting: for a caller that tracks the counts of a larger change itself.
    public static func confirmingPositive(person: Int64, commune: String, resultDay: String, sampledOn: String, reference: String,
                                   by account: Int64?, rules: QuarantineRuleTable, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        var facts = CaseFacts()
        facts.confirmedOn = resultDay
        facts.sampledOn = sampledOn
        facts.testReference = reference
        return try await confirming(person: person, commune: commune, facts: facts, reason: "positive test \(reference)", by: account, rules: rules,
                                    now: now, on: db)
    }

    /// Makes the person a confirmed case with these facts (inside the caller's transaction): a new F0, or an
    /// F1/F2/suspected case upgraded to F0 (history kept, an earlier sampling day kept). An existing F0 keeps its
    /// confirmation. No access check, no count deltas: for the stores here and trusted bulk writers (the simulator).
    @discardableResult
    public static func confirming(person: Int64, commune: String, facts new: CaseFacts, reason: String,
                                  by account: Int64?, rules: QuarantineRuleTable, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        guard let current = try await record(person: person, on: db) else {
            return try await insert(person: person, as: .f0, commune: commune, facts: new, reason: reason, by: account, rules: rules, now: now, on: db)
        }
        guard current.classification != .f0 else { return current.id }
        var facts = current.facts.merging(new)
        facts.sampledOn = current.facts.sampledOn ?? new.sampledOn
        try await write(facts, of: current, classification: .f0, now: now, rules: rules, on: db)
        try await history(current.id, .f0, reason: reason, by: account, now: now, on: db)
        return current.id
    }

    static func write(_ facts: CaseFacts, of current: CaseRecord, classification: Classification? = nil, now: Date, rules: QuarantineRuleTable,
                      on db: any SQLDatabase) async throws {
        let classification = classification ?? current.classification
        // A hand-entered end is kept only while no rule computes one.
        var facts = facts
        if current.quarantineRule != nil, facts.quarantineEnd == current.facts.quarantineEnd { facts.quarantineEnd = nil }
        let quarantine = plannedQuarantine(classification, facts, rules)
        try await db.update("cases")
            .set("classification", to: classification.rawValue)
            .set("confirmed_on", to: facts.confirmedOn).set("test_reference", to: facts.testReference).set("onset_on", to: facts.onsetOn)
            .set("sampled_on", to: facts.sampledOn).set("isolated_on", to: facts.isolatedOn).set("severity", to: facts.severity?.rawValue)
            .set("care_place", to: facts.carePlace?.rawValue).set("outcome", to: facts.outcome?.rawValue).set("outcome_on", to: facts.outcomeOn)
            .set("last_exposure_on", to: facts.lastExposureOn).set("vaccinated", to: facts.vaccinated.map { $0 ? 1 : 0 })
            .set("quarantine_setting", to: facts.quarantineSetting?.rawValue).set("quarantine_place", to: facts.quarantinePlace)
            .set("quarantine_start", to: facts.quarantineStart).set("quarantine_end", to: quarantine.end).set("quarantine_rule", to: quarantine.rule)
            .set("released_on", to: facts.releasedOn).set("updated_at", to: now)
            .where("id", .equal, current.id).run()
    }

    /// Changes the classification (e.g. F1 → F0), keeping the history. F0 needs its confirmation date.
    public func reclassify(_ id: Int64, to classification: Classification, reason: String, facts changes: CaseFacts = CaseFacts(),
                           by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> CaseRecord {
        var v = Validator()
        v.require(!reason.trimmingCharacters(in: .whitespaces).isEmpty && reason.count <= 500, "reason", "why the classification changes")
        changes.validate(into: &v)
        try v.check()
        let current = try await located(id, .manageCases, principal, trace)
        guard current.classification != classification else { throw CaseConflict("The case is already \(classification.rawValue).") }
        let merged = current.facts.merging(changes)
        if classification == .f0, merged.confirmedOn == nil {
            throw ValidationFailure([FieldError("facts.confirmedOn", "required for F0")])
        }
        return try await database.write { db in
            try await Aggregates.tracking(.cases, keys: [current.personId], on: db) {
                try await Self.write(merged, of: current, classification: classification, now: now, rules: try await quarantineRules.table(on: db), on: db)
                let reported = classification == .f0 ? merged.confirmedOn! : LocalDay.string(now)
                try await db.raw("UPDATE cases SET reported_on = \(bind: reported) WHERE id = \(bind: id)").run()
                try await Self.history(id, classification, reason: reason, by: principal.accountID, now: now, on: db)
            }
            try await AuditLog.append(AuditEntry(principal: principal, action: "reclassify:\(current.classification.rawValue)>\(classification.rawValue)",
                                                 entity: "case", entityID: String(id), areaCode: current.communeCode, context: trace), on: db)
            return try await Self.record(id: id, on: db)!
        }
    }

    // MARK: Follow-up by the commune health station

    /// Records a call, quarantine start, test, release or note, and moves the follow-up state accordingly.
    public func record(_ kind: CaseEventKind, on id: Int64, day: String, detail: String, facts changes: CaseFacts = CaseFacts(),
                       by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> CaseRecord {
        var v = Validator()
        v.require(LocalDay.isValid(day), "day", "a day as YYYY-MM-DD")
        v.require(detail.count <= 1000, "detail", "at most 1000 characters")
        changes.validate(into: &v)
        try v.check()
        let current = try await located(id, .followUpCases, principal, trace)
        var facts = current.facts.merging(changes)
        let followUp: CaseFollowUp
        switch kind {
        case .call: followUp = current.followUp == .pending || current.followUp == .unreachable ? .contacted : current.followUp
        case .unreachable: followUp = current.followUp == .pending ? .unreachable : current.followUp
        case .quarantineStart:
            guard current.classification == .f1 || current.classification == .f2 else { throw CaseConflict("Only F1 and F2 contacts are quarantined.") }
            facts.quarantineStart = day
            guard facts.quarantineSetting != nil else { throw ValidationFailure([FieldError("facts.quarantineSetting", "home or centralised")]) }
            followUp = .inQuarantine
        case .release:
            guard current.followUp == .inQuarantine else { throw CaseConflict("The contact is not in quarantine.") }
            facts.releasedOn = day
            followUp = .released
        case .test, .note: followUp = current.followUp
        }
        let final = facts
        return try await database.write { db in
            try await Aggregates.tracking(.cases, keys: [current.personId], on: db) {
                try await Self.write(final, of: current, now: now, rules: try await quarantineRules.table(on: db), on: db)
            }
            try await db.raw("UPDATE cases SET follow_up = \(bind: followUp.rawValue) WHERE id = \(bind: id)").run()
            try await db.raw("""
                INSERT INTO case_events (case_id, kind, day, detail, recorded_at, recorded_by)
                VALUES (\(bind: id), \(bind: kind.rawValue), \(bind: day), \(bind: detail), \(bind: now), \(bind: principal.accountID))
                """).run()
            try await AuditLog.append(AuditEntry(principal: principal, action: "follow_up:\(kind.rawValue)", entity: "case", entityID: String(id),
                                                 areaCode: current.communeCode, context: trace), on: db)
            return try await Self.record(id: id, on: db)!
        }
    }

    // MARK: Reading

    /// The case, checked against the principal's permission and area. Refusals are audited by the gate.
    func located(_ id: Int64, _ permission: Permission, _ principal: Principal, _ trace: RequestTrace) async throws -> CaseRecord {
        guard let record = try await database.read({ try await Self.record(id: id, on: $0) }) else { throw CaseNotFound(id: id) }
        try await gate.require(principal, permission, area: record.communeCode, entity: "case", entityID: String(id), trace: trace)
        return record
    }

    /// The transmission chain around a case. Cases outside the principal's area show only their number.
    public func chain(_ id: Int64, by principal: Principal, trace: RequestTrace) async throws -> Chain {
        let record = try await located(id, .readCases, principal, trace)
        var chain = try await database.read { db in try await Chain.around(id, on: db) }
        let scope = ScopeFilter(principal)
        var covered: [String: Bool] = [:]
        for commune in Set(chain.nodes.map(\.communeCode)) {
            covered[commune] = try await database.read { try await scope.covers(commune, on: $0) }
        }
        for i in chain.nodes.indices where covered[chain.nodes[i].communeCode] != true { chain.nodes[i].label = "#\(chain.nodes[i].caseId)" }
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "read:chain", entity: "case", entityID: String(id),
                                                                 areaCode: record.communeCode, context: trace))
        return chain
    }

    public func detail(_ id: Int64, by principal: Principal, trace: RequestTrace) async throws -> CaseDetail {
        let record = try await located(id, .readCases, principal, trace)
        let detail = try await database.read { db in
            let person = try await PersonRegistry.fetch([record.personId], on: db)[0]
            let history = try await db.raw("""
                SELECT h.classification, h.changed_at, a.username, h.reason FROM case_classifications h LEFT JOIN accounts a ON a.id = h.changed_by
                WHERE h.case_id = \(bind: id) ORDER BY h.id
                """).all().map {
                ClassificationChange(classification: Classification(rawValue: try $0.decode(column: "classification", as: String.self)) ?? .suspected,
                                     changedAt: try $0.decode(column: "changed_at", as: Date.self),
                                     changedBy: try $0.decode(column: "username", as: String?.self), reason: try $0.decode(column: "reason", as: String.self))
            }
            let events = try await db.raw("""
                SELECT e.kind, e.day, e.detail, e.recorded_at, a.username FROM case_events e LEFT JOIN accounts a ON a.id = e.recorded_by
                WHERE e.case_id = \(bind: id) ORDER BY e.id
                """).all().map {
                CaseEvent(kind: CaseEventKind(rawValue: try $0.decode(column: "kind", as: String.self)) ?? .note, day: try $0.decode(column: "day", as: String.self),
                          detail: try $0.decode(column: "detail", as: String.self), recordedAt: try $0.decode(column: "recorded_at", as: Date.self),
                          recordedBy: try $0.decode(column: "username", as: String?.self))
            }
            return CaseDetail(record: record, person: person, history: history,
                              sources: try await Self.links("case_id", id, on: db), contacts: try await Self.links("source_case_id", id, on: db),
                              events: events, runs: try await Self.runs(of: id, on: db))
        }
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "read", entity: "case", entityID: String(id),
                                                                 areaCode: record.communeCode, context: trace))
        return detail
    }

    static func links(_ column: String, _ id: Int64, on db: any SQLDatabase) async throws -> [CaseLink] {
        try await db.raw("""
            SELECT case_id, source_case_id, kind, venue_id, exposure_from, exposure_to, overlap_minutes FROM case_sources
            WHERE \(ident: column) = \(bind: id) ORDER BY case_id, source_case_id
            """).all().map {
            CaseLink(caseId: try $0.decode(column: "case_id", as: Int64.self), sourceCaseId: try $0.decode(column: "source_case_id", as: Int64.self),
                     kind: try $0.decode(column: "kind", as: String.self), venueId: try $0.decode(column: "venue_id", as: Int64?.self),
                     exposureFrom: try $0.decode(column: "exposure_from", as: Date?.self), exposureTo: try $0.decode(column: "exposure_to", as: Date?.self),
                     overlapMinutes: try $0.decode(column: "overlap_minutes", as: Double?.self))
        }
    }

    static func runs(of id: Int64, on db: any SQLDatabase) async throws -> [TraceRunSummary] {
        try await db.raw("""
            SELECT r.id, r.run_at, r.window_from, r.window_to, r.margin_minutes, r.candidate_count,
                   (SELECT COUNT(*) FROM trace_candidates c WHERE c.run_id = r.id AND c.decision = 'confirmed') AS confirmed,
                   (SELECT COUNT(*) FROM trace_candidates c WHERE c.run_id = r.id AND c.decision = 'rejected') AS rejected
            FROM trace_runs r WHERE r.case_id = \(bind: id) ORDER BY r.id DESC
            """).all().map {
            TraceRunSummary(id: try $0.decode(column: "id", as: Int64.self), runAt: try $0.decode(column: "run_at", as: Date.self),
                            windowFrom: try $0.decode(column: "window_from", as: Date.self), windowTo: try $0.decode(column: "window_to", as: Date.self),
                            marginMinutes: try $0.decode(column: "margin_minutes", as: Int.self),
                            candidateCount: try $0.decode(column: "candidate_count", as: Int.self),
                            confirmed: try $0.decode(column: "confirmed", as: Int.self), rejected: try $0.decode(column: "rejected", as: Int.self))
        }
    }

    /// Cases in the principal's area (or a unit inside it), newest first. Personal data: the list is audited.
    public func list(_ filter: CaseFilter, by principal: Principal, trace: RequestTrace) async throws -> [CaseListItem] {
        try await gate.require(principal, .readCases, entity: "case", trace: trace)
        var v = Validator()
        if let from = filter.from { v.require(LocalDay.isValid(from), "from", "a day as YYYY-MM-DD") }
        if let to = filter.to { v.require(LocalDay.isValid(to), "to", "a day as YYYY-MM-DD") }
        v.require((1...5000).contains(filter.limit), "limit", "1 to 5000")
        v.require(filter.offset >= 0, "offset", "0 or more")
        try v.check()
        if let area = filter.areaCode {
            try await gate.require(principal, .readCases, area: area, entity: "case", entityID: nil, trace: trace)
        }
        var conditions: [SQLQueryString] = [ScopeFilter(principal).predicate("c.commune_code")]
        if let area = filter.areaCode { conditions.append(ScopeFilter(scopeCode: area).predicate("c.commune_code")) }
        if let c = filter.classification { conditions.append("c.classification = \(bind: c.rawValue)") }
        if let f = filter.followUp { conditions.append("c.follow_up = \(bind: f.rawValue)") }
        if let from = filter.from { conditions.append("c.reported_on >= \(bind: from)") }
        if let to = filter.to { conditions.append("c.reported_on <= \(bind: to)") }
        if let cluster = filter.clusterId { conditions.append("c.cluster_id = \(bind: cluster)") }
        let items = try await database.read { db in
            try await db.raw("""
                SELECT c.id, c.person_id, p.full_name, p.birth_year, p.phone, c.classification, c.commune_code, c.reported_on, c.follow_up,
                       c.severity, c.quarantine_end
                FROM cases c JOIN persons p ON p.id = c.person_id
                WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
                ORDER BY c.reported_on DESC, c.id DESC LIMIT \(bind: filter.limit) OFFSET \(bind: filter.offset)
                """).all().map(Self.listItem)
        }
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "list", entity: "case",
                                                                 areaCode: filter.areaCode ?? principal.scopeCode, context: trace))
        return items
    }

    /// The commune health station's queue: contacts in its area not yet released, those never reached first.
    public func queue(by principal: Principal, trace: RequestTrace, limit: Int = 500) async throws -> [CaseListItem] {
        try await gate.require(principal, .followUpCases, entity: "case", trace: trace)
        let items = try await database.read { db in
            try await db.raw("""
                SELECT c.id, c.person_id, p.full_name, p.birth_year, p.phone, c.classification, c.commune_code, c.reported_on, c.follow_up,
                       c.severity, c.quarantine_end
                FROM cases c JOIN persons p ON p.id = c.person_id
                WHERE c.follow_up IN ('pending', 'unreachable', 'contacted', 'in_quarantine') AND c.classification IN ('F1', 'F2')
                  AND \(ScopeFilter(principal).predicate("c.commune_code"))
                ORDER BY CASE c.follow_up WHEN 'pending' THEN 0 WHEN 'unreachable' THEN 1 WHEN 'contacted' THEN 2 ELSE 3 END, c.id
                LIMIT \(bind: limit)
                """).all().map(Self.listItem)
        }
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "read:queue", entity: "case", context: trace))
        return items
    }

    static func listItem(_ row: any SQLRow) throws -> CaseListItem {
        CaseListItem(
            id: try row.decode(column: "id", as: Int64.self), personId: try row.decode(column: "person_id", as: Int64.self),
            fullName: try row.decode(column: "full_name", as: String.self), birthYear: try row.decode(column: "birth_year", as: Int?.self),
            phone: try row.decode(column: "phone", as: String?.self),
            classification: Classification(rawValue: try row.decode(column: "classification", as: String.self)) ?? .suspected,
            communeCode: try row.decode(column: "commune_code", as: String.self), reportedOn: try row.decode(column: "reported_on", as: String.self),
            followUp: CaseFollowUp(rawValue: try row.decode(column: "follow_up", as: String.self)) ?? .pending,
            severity: try row.decode(column: "severity", as: String?.self).flatMap(Severity.init(rawValue:)),
            quarantineEnd: try row.decode(column: "quarantine_end", as: String?.self))
    }

    static let columns = """
        id, person_id, classification, commune_code, reported_on, cluster_id, confirmed_on, test_reference, onset_on, sampled_on, isolated_on,
        severity, care_place, outcome, outcome_on, last_exposure_on, vaccinated, quarantine_setting, quarantine_place, quarantine_start,
        quarantine_end, quarantine_rule, released_on, follow_up, created_at, updated_at
        """

    public static func record(id: Int64, on db: any SQLDatabase) async throws -> CaseRecord? {
        try await db.raw("SELECT \(unsafeRaw: columns) FROM cases WHERE id = \(bind: id)").first().map(decode)
    }

    public static func record(person: Int64, on db: any SQLDatabase) async throws -> CaseRecord? {
        try await db.raw("SELECT \(unsafeRaw: columns) FROM cases WHERE person_id = \(bind: person)").first().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> CaseRecord {
        var facts = CaseFacts()
        facts.confirmedOn = try row.decode(column: "confirmed_on", as: String?.self)
        facts.testReference = try row.decode(column: "test_reference", as: String?.self)
        facts.onsetOn = try row.decode(column: "onset_on", as: String?.self)
        facts.sampledOn = try row.decode(column: "sampled_on", as: String?.self)
        facts.isolatedOn = try row.decode(column: "isolated_on", as: String?.self)
        facts.severity = try row.decode(column: "severity", as: String?.self).flatMap(Severity.init(rawValue:))
        facts.carePlace = try row.decode(column: "care_place", as: String?.self).flatMap(CarePlace.init(rawValue:))
        facts.outcome = try row.decode(column: "outcome", as: String?.self).flatMap(Outcome.init(rawValue:))
        facts.outcomeOn = try row.decode(column: "outcome_on", as: String?.self)
        facts.lastExposureOn = try row.decode(column: "last_exposure_on", as: String?.self)
        facts.vaccinated = try row.decode(column: "vaccinated", as: Int?.self).map { $0 != 0 }
        facts.quarantineSetting = try row.decode(column: "quarantine_setting", as: String?.self).flatMap(QuarantineSetting.init(rawValue:))
        facts.quarantinePlace = try row.decode(column: "quarantine_place", as: String?.self)
        facts.quarantineStart = try row.decode(column: "quarantine_start", as: String?.self)
        facts.quarantineEnd = try row.decode(column: "quarantine_end", as: String?.self)
        facts.releasedOn = try row.decode(column: "released_on", as: String?.self)
        return CaseRecord(
            id: try row.decode(column: "id", as: Int64.self), personId: try row.decode(column: "person_id", as: Int64.self),
            classification: Classification(rawValue: try row.decode(column: "classification", as: String.self)) ?? .suspected,
            communeCode: try row.decode(column: "commune_code", as: String.self), reportedOn: try row.decode(column: "reported_on", as: String.self),
            clusterId: try row.decode(column: "cluster_id", as: Int64?.self), facts: facts,
            quarantineRule: try row.decode(column: "quarantine_rule", as: String?.self),
            followUp: CaseFollowUp(rawValue: try row.decode(column: "follow_up", as: String.self)) ?? .pending,
            createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}

extension CaseFacts {
    /// These facts with every field set in `changes` replaced.
    func merging(_ changes: CaseFacts) -> CaseFacts {
        var out = self
        out.confirmedOn = changes.confirmedOn ?? confirmedOn
        out.testReference = changes.testReference ?? testReference
        out.onsetOn = changes.onsetOn ?? onsetOn
        out.sampledOn = changes.sampledOn ?? sampledOn
        out.isolatedOn = changes.isolatedOn ?? isolatedOn
        out.severity = changes.severity ?? severity
        out.carePlace = changes.carePlace ?? carePlace
        out.outcome = changes.outcome ?? outcome
        out.outcomeOn = changes.outcomeOn ?? outcomeOn
        out.lastExposureOn = changes.lastExposureOn ?? lastExposureOn
        out.vaccinated = changes.vaccinated ?? vaccinated
        out.quarantineSetting = changes.quarantineSetting ?? quarantineSetting
        out.quarantinePlace = changes.quarantinePlace ?? quarantinePlace
        out.quarantineStart = changes.quarantineStart ?? quarantineStart
        out.quarantineEnd = changes.quarantineEnd ?? quarantineEnd
        out.releasedOn = changes.releasedOn ?? releasedOn
        return out
    }
}
