import Accounts
import Domain
import Foundation
import People
import SQLKit
import Storage

/// A traced candidate as the investigator sees it: who, why, and what was decided.
public struct TracedCandidate: Sendable, Codable, Equatable {
    public let personId: Int64
    public let fullName: String
    public let birthYear: Int?
    public let phone: String?
    public let communeCode: String?
    /// The candidate's own case, if it has one already.
    public let classification: Classification?
    public let rank: Int
    public let score: Double
    public let overlapMinutes: Double
    public let sharedVenues: Int
    public let sources: [Candidate.Source]
    public let evidence: [Evidence]
    public let decision: String
}

public struct TracedVenue: Sendable, Codable, Equatable {
    public let venueId: Int64
    public let name: String
    public let type: VenueType
    public let from: Date
    public let to: Date
}

/// One tracing run, stored, with a page of its ranked candidates: a factory worker's run has tens of thousands, which
/// no one reads at once and no phone could load (one such run was 94 MB of JSON), so they are read by rank in pages.
public struct TraceRun: Sendable, Codable, Equatable {
    public let runId: Int64
    public let caseId: Int64
    public let windowFrom: Date
    public let windowTo: Date
    public let marginMinutes: Int
    /// The traced case's presences in the window: the places it visited.
    public let presences: [TracedVenue]
    /// Every candidate the run found.
    public let candidateCount: Int
    /// Those the page's filter keeps (`candidateCount` when there is none).
    public let matching: Int
    /// The page: `candidates` are the matching ones from rank position `offset`, at most `limit` of them.
    public let offset: Int
    public let limit: Int
    public let candidates: [TracedCandidate]
}

/// Which candidates of a run to show: a page by rank, optionally only one decision or a least shared time.
public struct CandidatePage: Sendable, Codable, Equatable {
    public static let defaultLimit = 200
    public static let maxLimit = 2000

    public var offset: Int
    public var limit: Int
    public var decision: String?
    public var minMinutes: Double?

    public init(offset: Int = 0, limit: Int = CandidatePage.defaultLimit, decision: String? = nil, minMinutes: Double? = nil) {
        self.offset = offset
        self.limit = limit
        self.decision = decision
        self.minMinutes = minMinutes
    }

    public func validated() throws -> CandidatePage {
        var v = Validator()
        v.require(offset >= 0, "offset", "0 or more")
        v.require((1...Self.maxLimit).contains(limit), "limit", "1 to \(Self.maxLimit)")
        v.require(decision.map { ["pending", "confirmed", "rejected"].contains($0) } ?? true, "decision", "pending, confirmed or rejected")
        v.require(minMinutes.map { $0.isFinite && $0 >= 0 } ?? true, "minMinutes", "0 or more minutes")
        try v.check()
        return self
    }

    var filters: Bool { decision != nil || minMinutes != nil }
}

public struct TraceRequest: Sendable, Codable, Equatable {
    public var from: Date?
    public var to: Date?
    public var marginMinutes: Int?
    /// How many of the ranked candidates the answer carries (all are stored): `CandidatePage.defaultLimit` when absent.
    public var limit: Int?
    public init(from: Date? = nil, to: Date? = nil, marginMinutes: Int? = nil, limit: Int? = nil) {
        self.from = from
        self.to = to
        self.marginMinutes = marginMinutes
        self.limit = limit
    }
}

public enum Decision: String, Sendable, Codable { case confirmed, rejected }

public struct ContactDecision: Sendable, Codable, Equatable {
    public var runId: Int64
    public var personIds: [Int64]
    public var decision: Decision
    public var quarantineSetting: QuarantineSetting?
    public init(runId: Int64, personIds: [Int64], decision: Decision, quarantineSetting: QuarantineSetting? = nil) {
        self.runId = runId
        self.personIds = personIds
        self.decision = decision
        self.quarantineSetting = quarantineSetting
    }
}

public struct DecisionOutcome: Sendable, Codable, Equatable {
    public let personId: Int64
    public let decision: Decision
    /// For a confirmed contact: its case (created, upgraded or already there).
    public let caseId: Int64?
    public let classification: Classification?
    public let created: Bool
}

/// The investigation of a case: run tracing, keep the run and its evidence, confirm or reject candidates (confirmed
/// ones become F1/F2 cases assigned to their commune's health station and are notified), declared contacts.
public struct Investigation: Sendable {
    public let database: Database
    public let engine: TracingEngine
    public let cases: CaseStore

    public init(database: Database, engine: TracingEngine, cases: CaseStore) {
        self.database = database
        self.engine = engine
        self.cases = cases
    }

    public static let maxWindow: TimeInterval = 31 * 86400

    public func trace(_ caseID: Int64, _ request: TraceRequest = TraceRequest(), by principal: Principal, trace: RequestTrace,
                      now: Date = Date()) async throws -> TraceRun {
        let record = try await cases.located(caseID, .traceCases, principal, trace)
        guard record.classification.contactsAre != nil else {
            throw CaseConflict("Case \(caseID) is \(record.classification.rawValue): only F0 (for F1) and F1 (for F2) cases are traced.")
        }
        if let margin = request.marginMinutes, !(0...240).contains(margin) {
            throw ValidationFailure([FieldError("marginMinutes", "0 to 240")])
        }
        let page = try CandidatePage(limit: request.limit ?? CandidatePage.defaultLimit).validated()
        let window = try await self.window(of: record, request, now: now)
        let outcome = try await database.read { db in
            let declared = try await db.raw("SELECT person_id FROM declared_contacts WHERE case_id = \(bind: caseID)").all()
                .map { try $0.decode(column: "person_id", as: Int64.self) }
            return try await engine.trace(person: record.personId, window: window, marginMinutes: request.marginMinutes,
                                          declared: Set(declared), on: db)
        }
        let runID = try await database.write { db in
            let row = try await db.raw("""
                INSERT INTO trace_runs (case_id, run_at, run_by, window_from, window_to, margin_minutes, candidate_count)
                VALUES (\(bind: caseID), \(bind: now), \(bind: principal.accountID), \(bind: window.start), \(bind: window.end),
                        \(bind: outcome.marginMinutes), \(bind: outcome.candidates.count))
                RETURNING id
                """).first()!
            let runID = try row.decode(column: "id", as: Int64.self)
            try await Self.store(outcome.candidates, run: runID, on: db)
            for p in outcome.presences {
                try await db.raw("""
                    INSERT INTO trace_run_presences (run_id, venue_id, present_from, present_to)
                    VALUES (\(bind: runID), \(bind: p.venueId), \(bind: p.from), \(bind: p.to))
                    ON CONFLICT DO NOTHING
                    """).run()
            }
            if record.classification == .f0 {
                for p in outcome.presences {
                    try await db.raw("""
                        INSERT INTO venue_exposures (venue_id, case_id, exposed_from, exposed_to, commune_code, flagged_at)
                        SELECT v.id, \(bind: caseID), \(bind: p.from), \(bind: p.to), v.commune_code, \(bind: now) FROM venues v
                        WHERE v.id = \(bind: p.venueId)
                        ON CONFLICT DO NOTHING
                        """).run()
                }
            }
            try await AuditLog.append(AuditEntry(principal: principal, action: "trace", entity: "case", entityID: String(caseID),
                                                 areaCode: record.communeCode, context: trace, outcome: "ok:\(outcome.candidates.count) candidates"), on: db)
            return runID
        }
        return try await database.read { db in
            try await Self.describe(run: runID, case: caseID, window: window, margin: outcome.marginMinutes, presences: outcome.presences,
                                    venues: outcome.venues, candidates: Array(outcome.candidates.prefix(page.limit)), decisions: [:],
                                    total: outcome.candidates.count, matching: outcome.candidates.count, page: page, on: db)
        }
    }

    /// The exposure window: given, or from the rules (F0: days before onset/sampling to isolation; F1: from its first
    /// exposure to the start of its quarantine).
    func window(of record: CaseRecord, _ request: TraceRequest, now: Date) async throws -> DateInterval {
        var start = request.from, end = request.to
        if start == nil || end == nil {
            let f = record.facts
            let computed: DateInterval?
            if record.classification == .f0 {
                computed = engine.rules.defaultWindow(onset: f.onsetOn, sampled: f.sampledOn, confirmed: f.confirmedOn, isolated: f.isolatedOn, now: now)
            } else {
                let firstExposure = try await database.read { db in
                    try await db.raw("SELECT MIN(exposure_from) AS first FROM case_sources WHERE case_id = \(bind: record.id)").first()?
                        .decode(column: "first", as: Date?.self)
                }
                let from = firstExposure ?? f.lastExposureOn.flatMap(LocalDay.start)
                let to = (f.quarantineStart ?? f.isolatedOn).flatMap { LocalDay.adding(1, to: $0) }.flatMap(LocalDay.start) ?? now
                computed = from.flatMap { $0 < to ? DateInterval(start: $0, end: to) : nil }
            }
            start = start ?? computed?.start
            end = end ?? computed?.end
        }
        guard let start, let end else {
            throw ValidationFailure([FieldError("from", "the case has no dates to compute its exposure window: give from and to")])
        }
        var v = Validator()
        v.require(start < end, "to", "after from")
        v.require(end.timeIntervalSince(start) <= Self.maxWindow, "to", "a window of at most 31 days")
        try v.check()
        return DateInterval(start: start, end: end)
    }

    static func store(_ candidates: [Candidate], run: Int64, on db: any SQLDatabase) async throws {
        for start in stride(from: 0, to: candidates.count, by: 200) {
            var insert = db.insert(into: "trace_candidates")
                .columns("run_id", "person_id", "rank", "score", "overlap_minutes", "shared_venues", "sources", "evidence", "decision")
            for c in candidates[start..<min(start + 200, candidates.count)] {
                insert = insert.values(SQLBind(run), SQLBind(c.personId), SQLBind(c.rank), SQLBind(c.score), SQLBind(c.overlapMinutes),
                                       SQLBind(c.sharedVenues), SQLBind(c.sources.map(\.rawValue).joined(separator: ",")),
                                       SQLBind(EvidenceCodec.encode(c.evidence)), SQLBind("pending"))
            }
            try await insert.run()
        }
    }

    /// Candidates with the people's names and existing cases, for the investigator.
    static func describe(run: Int64, case caseID: Int64, window: DateInterval, margin: Int, presences: [IndexPresence], venues: [Int64: VenueFacts],
                         candidates: [Candidate], decisions: [Int64: String], total: Int, matching: Int, page: CandidatePage,
                         on db: any SQLDatabase) async throws -> TraceRun {
        let ids = candidates.map(\.personId)
        let people = Dictionary(uniqueKeysWithValues: try await PersonRegistry.fetch(ids, on: db).map { ($0.id, $0) })
        var classes: [Int64: Classification] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let slice = Array(ids[start..<min(start + 500, ids.count)])
            for row in try await db.raw("SELECT person_id, classification FROM cases WHERE person_id IN (\(binds: slice))").all() {
                classes[try row.decode(column: "person_id", as: Int64.self)] = Classification(rawValue: try row.decode(column: "classification", as: String.self))
            }
        }
        return TraceRun(
            runId: run, caseId: caseID, windowFrom: window.start, windowTo: window.end, marginMinutes: margin,
            presences: presences.map {
                TracedVenue(venueId: $0.venueId, name: venues[$0.venueId]?.name ?? "", type: venues[$0.venueId]?.type ?? .other, from: $0.from, to: $0.to)
            },
            candidateCount: total, matching: matching, offset: page.offset, limit: page.limit,
            candidates: candidates.map { c in
                let p = people[c.personId]
                return TracedCandidate(personId: c.personId, fullName: p?.fullName ?? "", birthYear: p?.birthYear, phone: p?.phones.first,
                                       communeCode: p?.communeCode, classification: classes[c.personId], rank: c.rank, score: c.score,
                                       overlapMinutes: c.overlapMinutes, sharedVenues: c.sharedVenues, sources: c.sources, evidence: c.evidence,
                                       decision: decisions[c.personId] ?? "pending")
            })
    }

    /// A stored run, as it was computed, with the decisions taken since.
    public func run(_ runID: Int64, of caseID: Int64, page: CandidatePage = CandidatePage(), by principal: Principal,
                    trace: RequestTrace) async throws -> TraceRun {
        let page = try page.validated()
        let record = try await cases.located(caseID, .readCases, principal, trace)
        let result = try await database.read { db -> TraceRun in
            guard let run = try await db.raw("""
                SELECT window_from, window_to, margin_minutes, candidate_count FROM trace_runs WHERE id = \(bind: runID) AND case_id = \(bind: caseID)
                """).first() else { throw NotATraceRun(runID: runID) }
            let total = try run.decode(column: "candidate_count", as: Int.self)
            let condition = Self.pageCondition(run: runID, page)
            let matching = page.filters
                ? try await db.raw("SELECT COUNT(*) AS n FROM trace_candidates WHERE \(condition)").first()?.decode(column: "n", as: Int.self) ?? 0
                : total
            var candidates: [Candidate] = []
            var decisions: [Int64: String] = [:]
            for row in try await db.raw(Self.pageQuery(run: runID, page)).all() {
                let person = try row.decode(column: "person_id", as: Int64.self)
                let sources = try row.decode(column: "sources", as: String.self).split(separator: ",").compactMap { Candidate.Source(rawValue: String($0)) }
                candidates.append(Candidate(
                    personId: person, rank: try row.decode(column: "rank", as: Int.self), score: try row.decode(column: "score", as: Double.self),
                    overlapMinutes: try row.decode(column: "overlap_minutes", as: Double.self),
                    sharedVenues: try row.decode(column: "shared_venues", as: Int.self), sources: sources,
                    evidence: try EvidenceCodec.decode(try row.decode(column: "evidence", as: String.self))))
                decisions[person] = try row.decode(column: "decision", as: String.self)
            }
            let presences = try await db.raw("""
                SELECT venue_id, present_from, present_to FROM trace_run_presences WHERE run_id = \(bind: runID) ORDER BY present_from, venue_id
                """).all().map {
                IndexPresence(venueId: try $0.decode(column: "venue_id", as: Int64.self), from: try $0.decode(column: "present_from", as: Date.self),
                              to: try $0.decode(column: "present_to", as: Date.self))
            }
            // The places of the case's presences are named even when no candidate on this page met it there.
            let venueIDs = Array(Set(candidates.flatMap { $0.evidence.map(\.venueId) } + presences.map(\.venueId)))
            var venues: [Int64: VenueFacts] = [:]
            if !venueIDs.isEmpty {
                for row in try await db.raw("SELECT id, name, venue_type, dwell_minutes FROM venues WHERE id IN (\(binds: venueIDs))").all() {
                    let id = try row.decode(column: "id", as: Int64.self)
                    venues[id] = VenueFacts(id: id, name: try row.decode(column: "name", as: String.self),
                                            type: VenueType(rawValue: try row.decode(column: "venue_type", as: String.self)) ?? .other,
                                            dwellMinutes: try row.decode(column: "dwell_minutes", as: Int.self))
                }
            }
            let window = DateInterval(start: try run.decode(column: "window_from", as: Date.self), end: try run.decode(column: "window_to", as: Date.self))
            return try await Self.describe(run: runID, case: caseID, window: window, margin: try run.decode(column: "margin_minutes", as: Int.self),
                                           presences: presences,
                                           venues: venues, candidates: candidates, decisions: decisions, total: total, matching: matching,
                                           page: page, on: db)
        }
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "read:trace_run", entity: "case", entityID: String(caseID),
                                                                 areaCode: record.communeCode, context: trace))
        return result
    }

    /// A page of a run's candidates in rank order: read on `trace_candidates_by_rank` (a plan test keeps it there).
    static func pageQuery(run: Int64, _ page: CandidatePage) -> SQLQueryString {
        """
        SELECT person_id, rank, score, overlap_minutes, shared_venues, sources, evidence, decision FROM trace_candidates
        WHERE \(pageCondition(run: run, page)) ORDER BY rank LIMIT \(literal: page.limit) OFFSET \(literal: page.offset)
        """
    }

    static func pageCondition(run: Int64, _ page: CandidatePage) -> SQLQueryString {
        var condition: SQLQueryString = "run_id = \(bind: run)"
        if let decision = page.decision { condition = "\(condition) AND decision = \(bind: decision)" }
        if let minutes = page.minMinutes { condition = "\(condition) AND overlap_minutes >= \(bind: minutes)" }
        return condition
    }

    /// Confirms or rejects candidates of a run, in one transaction. Confirming makes each person a contact case of
    /// the next class (F0 → F1, F1 → F2), upgrades a less serious case, links it to this case, and notifies it.
    /// Confirming again changes nothing: a person has one case and one link per source.
    public func decide(_ caseID: Int64, _ request: ContactDecision, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws
        -> [DecisionOutcome]
    {
        var v = Validator()
        v.require(!request.personIds.isEmpty && request.personIds.count <= 2000, "personIds", "1 to 2000 people")
        try v.check()
        let source = try await cases.located(caseID, .traceCases, principal, trace)
        guard let contactClass = source.classification.contactsAre else {
            throw CaseConflict("Case \(caseID) is \(source.classification.rawValue): its contacts cannot be confirmed.")
        }
        let ruleSource = cases.quarantineRules
        return try await database.write { db in
            let rules = try await ruleSource.table(on: db)
            guard try await db.raw("SELECT 1 AS hit FROM trace_runs WHERE id = \(bind: request.runId) AND case_id = \(bind: caseID)").first() != nil else {
                throw NotATraceRun(runID: request.runId)
            }
            var rows: [Int64: any SQLRow] = [:]
            for start in stride(from: 0, to: request.personIds.count, by: 500) {
                let slice = Array(request.personIds[start..<min(start + 500, request.personIds.count)])
                for row in try await db.raw("""
                    SELECT person_id, decision, evidence, overlap_minutes, sources FROM trace_candidates
                    WHERE run_id = \(bind: request.runId) AND person_id IN (\(binds: slice))
                    """).all() { rows[try row.decode(column: "person_id", as: Int64.self)] = row }
            }
            let unknown = request.personIds.enumerated().filter { rows[$0.element] == nil }
            guard unknown.isEmpty else {
                throw ValidationFailure(unknown.prefix(20).map { FieldError("personIds[\($0.offset)]", "person \($0.element) is not a candidate of run \(request.runId)") })
            }
            var outcomes: [DecisionOutcome] = []
            let people = Dictionary(uniqueKeysWithValues: try await PersonRegistry.fetch(request.personIds, on: db).map { ($0.id, $0) })
            // Every confirmed person's case counts change (new F1/F2, or an upgrade) in this one transaction.
            let tracked: [any Encodable & Sendable] = request.decision == .confirmed ? request.personIds : []
            try await Aggregates.tracking(.cases, keys: tracked, on: db) {
                for person in request.personIds.sorted() {
                    let row = rows[person]!
                    let previous = try row.decode(column: "decision", as: String.self)
                    if request.decision == .rejected {
                        guard previous != Decision.confirmed.rawValue else {
                            throw CaseConflict("Person \(person) was confirmed as a contact: reclassify that case instead of rejecting it.")
                        }
                        try await Self.mark(request.runId, person, .rejected, principal, now, on: db)
                        outcomes.append(DecisionOutcome(personId: person, decision: .rejected, caseId: nil, classification: nil, created: false))
                        continue
                    }
                    let evidence = try EvidenceCodec.decode(try row.decode(column: "evidence", as: String.self))
                    let sources = try row.decode(column: "sources", as: String.self)
                    let outcome = try await Self.confirm(person: people[person], personID: person, as: contactClass, source: source, evidence: evidence,
                                                         sources: sources, overlap: try row.decode(column: "overlap_minutes", as: Double.self),
                                                         run: request.runId, setting: request.quarantineSetting, by: principal, rules: rules, now: now, on: db)
                    try await Self.mark(request.runId, person, .confirmed, principal, now, on: db)
                    outcomes.append(outcome)
                }
            }
            try await AuditLog.append(AuditEntry(principal: principal, action: "contacts:\(request.decision.rawValue)", entity: "case",
                                                 entityID: String(caseID), areaCode: source.communeCode, context: trace,
                                                 outcome: "ok:\(outcomes.count) people"), on: db)
            return outcomes
        }
    }

    static func mark(_ run: Int64, _ person: Int64, _ decision: Decision, _ principal: Principal, _ now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE trace_candidates SET decision = \(bind: decision.rawValue), decided_by = \(bind: principal.accountID), decided_at = \(bind: now)
            WHERE run_id = \(bind: run) AND person_id = \(bind: person)
            """).run()
    }

    static func confirm(person: Person?, personID: Int64, as contactClass: Classification, source: CaseRecord, evidence: [Evidence], sources: String,
                        overlap: Double, run: Int64, setting: QuarantineSetting?, by principal: Principal, rules: QuarantineRuleTable, now: Date,
                        on db: any SQLDatabase) async throws -> DecisionOutcome {
        let reason = "contact of case \(source.id) (\(source.classification.rawValue)), tracing run \(run)"
        var created = false, notify = false
        let existing = try await CaseStore.record(person: personID, on: db)
        var caseID = existing?.id
        var classification = existing?.classification ?? contactClass
        if let existing {
            if contactClass < existing.classification {
                // A more serious exposure upgrades the case (F2 → F1, suspected → F1); it never downgrades one. The
                // planned end of quarantine follows the new class's rule.
                try await CaseStore.write(existing.facts, of: existing, classification: contactClass, now: now, rules: rules, on: db)
                try await db.raw("UPDATE cases SET reported_on = \(bind: LocalDay.string(now)) WHERE id = \(bind: existing.id)").run()
                try await CaseStore.history(existing.id, contactClass, reason: reason, by: principal.accountID, now: now, on: db)
                classification = contactClass
                notify = true
            }
        } else {
            var venueCommune: String?
            if let venue = evidence.first?.venueId {
                venueCommune = try await db.raw("SELECT commune_code FROM venues WHERE id = \(bind: venue)").first()?.decode(column: "commune_code", as: String.self)
            }
            var facts = CaseFacts()
            facts.lastExposureOn = evidence.map(\.to).max().map { LocalDay.string(min($0, now)) } ?? LocalDay.string(now)
            facts.quarantineSetting = setting
            try await CaseStore.insert(person: personID, as: contactClass, commune: person?.communeCode ?? venueCommune ?? source.communeCode, facts: facts,
                                       reason: reason, by: principal.accountID, rules: rules, now: now, on: db)
            caseID = try await CaseStore.record(person: personID, on: db)?.id
            created = true
            notify = true
        }
        let kind = sources.contains("venue") ? "venue" : sources.contains("household") ? "household" : "declared"
        try await db.raw("""
            INSERT INTO case_sources (case_id, source_case_id, run_id, venue_id, exposure_from, exposure_to, overlap_minutes, kind, linked_at)
            VALUES (\(bind: caseID!), \(bind: source.id), \(bind: run), \(bind: evidence.first?.venueId), \(bind: evidence.map(\.from).min()),
                    \(bind: evidence.map(\.to).max()), \(bind: overlap), \(bind: kind), \(bind: now))
            ON CONFLICT DO NOTHING
            """).run()
        if notify, let phone = person?.phones.first {
            try await Outbox.enqueue(
                person: personID, phone: phone, template: "contact_notice",
                body: "Sở Y tế Đồng Nai: bạn được xác định là \(classification.rawValue) (tiếp xúc gần ca bệnh). Trạm Y tế xã sẽ liên hệ hướng dẫn cách ly và xét nghiệm. Vui lòng hạn chế tiếp xúc.",
                now: now, on: db)
        }
        return DecisionOutcome(personId: personID, decision: .confirmed, caseId: caseID, classification: classification, created: created)
    }

    /// A contact the case named during the interview; the next tracing run includes it.
    public func declare(_ caseID: Int64, person: Int64, relation: String, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws {
        let record = try await cases.located(caseID, .traceCases, principal, trace)
        var v = Validator()
        v.require(!relation.trimmingCharacters(in: .whitespaces).isEmpty && relation.count <= 100, "relation", "e.g. household, colleague (at most 100)")
        v.require(person != record.personId, "personId", "not the case's own person")
        try v.check()
        try await database.write { db in
            guard try await db.raw("SELECT 1 AS hit FROM persons WHERE id = \(bind: person)").first() != nil else {
                throw ValidationFailure([FieldError("personId", "no such person")])
            }
            try await db.raw("""
                INSERT INTO declared_contacts (case_id, person_id, relation, declared_at, declared_by)
                VALUES (\(bind: caseID), \(bind: person), \(bind: relation), \(bind: now), \(bind: principal.accountID))
                ON CONFLICT DO NOTHING
                """).run()
            try await AuditLog.append(AuditEntry(principal: principal, action: "declare_contact", entity: "case", entityID: String(caseID),
                                                 areaCode: record.communeCode, context: trace), on: db)
        }
    }
}

public struct NotATraceRun: MissingRecord, Equatable {
    public let runID: Int64
    public var detail: String { "No tracing run \(runID) for this case." }
}
