import Accounts
import ContactTracing
import Domain
import Foundation
import People
import SQLKit
import Storage

/// What a corrected result touches that the laboratory does not own — the certificates issued on the old result —
/// given to `LabStore` by whoever owns them (the server wires the certificate service), so the laboratory does not
/// depend on signing.
public protocol CorrectionFollowUp: Sendable {
    /// Inside the correction's transaction: revoke what stood on the old result — test certificates of these
    /// person tests, recovery certificates of these withdrawn cases. Returns the revoked certificates' UVCIs.
    func withdraw(tests: [Int64], cases: [Int64], reason: String, by principal: Principal, now: Date, on db: any SQLDatabase) async throws -> [String]
    /// After the transaction committed: the revocations are in force (verification reads them from memory).
    func committed(revoked: [String])
}

/// A laboratory's correction of a tube's result: the new result and why.
public struct CorrectionInput: Sendable, Codable, Equatable {
    public var result: LabOutcome
    public var ct: [CtValue]?
    public var `operator`: String?
    public var reason: String

    public init(result: LabOutcome, ct: [CtValue]? = nil, operator: String? = nil, reason: String) {
        self.result = result
        self.ct = ct
        self.operator = `operator`
        self.reason = reason
    }
}

/// What a correction changed, for the lab to see at once and for the API's answer.
public struct ResultCorrection: Sendable, Codable, Equatable {
    public let tubeBarcode: String
    public let previous: LabOutcome
    public let result: LabOutcome
    /// The people's tests from the tube, as they stand now.
    public let tests: [PersonTest]
    /// Cases confirmed (new F0, or upgraded) by a result corrected to positive.
    public let casesConfirmed: [Int64]
    /// Cases that left F0: their confirmation rested on the old positive result and on no other test.
    public let casesWithdrawn: [Int64]
    /// Cases still F0 whose confirmation now rests on another positive test of the person.
    public let confirmationsMoved: [Int64]
    public let certificatesRevoked: [String]
}

extension LabStore {
    /// Corrects a tube's result (audited, with a reason): the people's outcomes follow it (a pool's members between
    /// `retest` and `negative`), a confirmation that rested on it is withdrawn or a new one is made, certificates
    /// issued on the old result are revoked, the counts move, and each person whose outcome changed is told.
    public func correct(_ input: CorrectionInput, for tube: String, source: String = "manual", messageId: String? = nil, by principal: Principal,
                        trace: RequestTrace, now: Date = Date()) async throws -> ResultCorrection {
        let reason = try Self.validated(input, now: now)
        let sample = try await require(tube)
        try await gate.require(principal, .recordResults, area: sample.communeCode, entity: "sample", entityID: tube, trace: trace)
        let ruleSource = quarantineRules
        let followUp = followUp
        let effects = try await database.write { db in
            let effects = try await Self.applyCorrection(sample, input, reason: reason, source: source, messageId: messageId, by: principal,
                                                         rules: try await ruleSource.table(on: db), followUp: followUp, now: now, on: db)
            try await AuditLog.append(AuditEntry(principal: principal, action: "result_correction:\(effects.previous.rawValue)>\(input.result.rawValue)",
                                                 entity: "sample", entityID: tube, areaCode: sample.communeCode, context: trace), on: db)
            return effects
        }
        followUp?.committed(revoked: effects.revoked)
        return ResultCorrection(tubeBarcode: tube, previous: effects.previous, result: input.result, tests: try await tests(sample: sample.id),
                                casesConfirmed: effects.confirmed, casesWithdrawn: effects.withdrawn, confirmationsMoved: effects.moved,
                                certificatesRevoked: effects.revoked)
    }

    /// The reason, trimmed; throws what the API answers for a bad correction.
    static func validated(_ input: CorrectionInput, now: Date) throws -> String {
        let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        var v = Validator()
        v.require(!reason.isEmpty && reason.count <= 500, "reason", "why the result is corrected, at most 500 characters")
        try v.check()
        try validate(ResultInput(result: input.result, ct: input.ct, operator: input.operator), now: now)
        return reason
    }

    struct CorrectionEffects: Sendable {
        var previous: LabOutcome
        var confirmed: [Int64] = []
        var withdrawn: [Int64] = []
        var moved: [Int64] = []
        var revoked: [String] = []
    }

    /// Writes one correction inside the caller's transaction (a hand correction, or an instrument's OBX-11 "C").
    static func applyCorrection(_ sample: Sample, _ input: CorrectionInput, reason: String, source: String, messageId: String?,
                                by principal: Principal, rules: QuarantineRuleTable, followUp: (any CorrectionFollowUp)?, now: Date,
                                on db: any SQLDatabase) async throws -> CorrectionEffects {
        // Read again under the transaction (locked on PostgreSQL): the result may have changed since the sample was read.
        let lock = DatabaseKind.of(db) == .postgres ? " FOR UPDATE" : ""
        guard let row = try await db.raw("""
            SELECT outcome, ct_json FROM sample_results WHERE sample_id = \(bind: sample.id)\(unsafeRaw: lock)
            """).first() else {
            throw SampleConflict(detail: "Tube \(sample.tubeBarcode) has no result yet: record it; there is nothing to correct.")
        }
        let previous = LabOutcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .invalid
        let previousCt = try row.decode(column: "ct_json", as: String.self)
        let ct = String(decoding: try JSONEncoder().encode(input.ct ?? []), as: UTF8.self)
        // Compared as values: the stored JSON's key order is the encoder's, not a fact about the result.
        let previousValues = (try? JSONDecoder().decode([CtValue].self, from: Data(previousCt.utf8))) ?? []
        guard previous != input.result || previousValues != (input.ct ?? []) else {
            throw SampleConflict(detail: "Tube \(sample.tubeBarcode) already has this result (\(previous.rawValue)); the correction changes nothing.")
        }
        var effects = CorrectionEffects(previous: previous)
        let before = personOutcome(pooled: sample.pooled, previous)
        let after = personOutcome(pooled: sample.pooled, input.result)
        let people = try await PersonRegistry.fetch(sample.personIds, on: db)
        let tag = "tube \(sample.tubeBarcode) corrected from \(previous.rawValue) to \(input.result.rawValue) — \(reason)"
        try await Aggregates.tracking(.results, keys: [sample.id], on: db) {
            try await Aggregates.tracking(.cases, keys: sample.personIds, on: db) {
                try await db.raw("""
                    INSERT INTO result_corrections (sample_id, previous_outcome, previous_ct_json, outcome, ct_json, reason, source, message_id,
                                                    corrected_at, corrected_by)
                    VALUES (\(bind: sample.id), \(bind: previous.rawValue), \(bind: previousCt), \(bind: input.result.rawValue), \(bind: ct),
                            \(bind: reason), \(bind: source), \(bind: messageId), \(bind: now), \(bind: principal.accountID))
                    """).run()
                try await db.raw("""
                    UPDATE sample_results SET outcome = \(bind: input.result.rawValue), ct_json = \(bind: ct),
                           operator = COALESCE(\(bind: input.operator), operator)
                    WHERE sample_id = \(bind: sample.id)
                    """).run()
                guard before != after else { return }
                try await db.raw("""
                    UPDATE person_tests SET outcome = \(bind: after.rawValue), corrected_at = \(bind: now) WHERE sample_id = \(bind: sample.id)
                    """).run()
                // Only an individual RT-PCR confirms a case (as when the result was first recorded).
                guard !sample.pooled, sample.method == .rtPCR else { return }
                for person in people {
                    let commune = person.communeCode ?? sample.communeCode
                    if after == .positive {
                        let id = try await CaseStore.confirmingPositive(
                            person: person.id, commune: commune, resultDay: try resultDay(of: sample, on: db),
                            sampledOn: LocalDay.string(sample.collectedAt), reference: sample.tubeBarcode, by: principal.accountID, rules: rules,
                            now: now, on: db)
                        effects.confirmed.append(id)
                    } else if before == .positive {
                        let other = try await otherPositive(person: person.id, besides: sample.id, on: db)
                        switch try await CaseStore.withdrawingConfirmation(person: person.id, reference: sample.tubeBarcode, otherPositive: other,
                                                                            reason: tag, by: principal.accountID, rules: rules, now: now, on: db) {
                        case .untouched: break
                        case .movedTo(let id, _): effects.moved.append(id)
                        case .withdrawn(let id, _): effects.withdrawn.append(id)
                        }
                    }
                }
            }
        }
        guard before != after else { return effects }
        let tests = try await db.raw("SELECT id FROM person_tests WHERE sample_id = \(bind: sample.id)").all()
            .map { try $0.decode(column: "id", as: Int64.self) }
        effects.revoked = try await followUp?.withdraw(tests: tests, cases: effects.withdrawn, reason: tag, by: principal, now: now, on: db) ?? []
        let texts = people.compactMap { person in
            person.phones.first.map { (Optional(person.id), $0, "test_result_corrected", "ĐÍNH CHÍNH — " + message(after, tube: sample.tubeBarcode)) }
        }
        try await Outbox.enqueue(texts, now: now, on: db)
        return effects
    }

    /// The local day the tube was first resulted (a confirmation dates from it, not from the correction).
    static func resultDay(of sample: Sample, on db: any SQLDatabase) async throws -> String {
        let row = try await db.raw("SELECT resulted_at FROM sample_results WHERE sample_id = \(bind: sample.id)").first()
        return LocalDay.string(try row?.decode(column: "resulted_at", as: Date.self) ?? sample.collectedAt)
    }

    /// The person's earliest other positive individual RT-PCR, which a confirmation can rest on instead.
    static func otherPositive(person: Int64, besides sample: Int64, on db: any SQLDatabase) async throws -> CaseStore.OtherPositive? {
        guard let row = try await db.raw("""
            SELECT s.tube_barcode, t.resulted_at, t.sampled_at FROM person_tests t JOIN samples s ON s.id = t.sample_id
            WHERE t.person_id = \(bind: person) AND t.sample_id <> \(bind: sample) AND t.outcome = 'positive' AND s.pooled = 0
              AND t.method = 'rt_pcr'
            ORDER BY t.resulted_at, t.id LIMIT 1
            """).first() else { return nil }
        return CaseStore.OtherPositive(reference: try row.decode(column: "tube_barcode", as: String.self),
                                       resultDay: LocalDay.string(try row.decode(column: "resulted_at", as: Date.self)),
                                       sampledOn: LocalDay.string(try row.decode(column: "sampled_at", as: Date.self)))
    }
}

/// A correction as the lab's page lists it.
public struct CorrectionEntry: Sendable, Codable, Equatable {
    public let tubeBarcode: String
    public let previous: String
    public let result: String
    public let reason: String
    public let source: String
    public let correctedAt: Date
}

extension LabStore {
    /// The latest corrections of tubes in the caller's area, newest first.
    public func recentCorrections(by principal: Principal, trace: RequestTrace, limit: Int = 20) async throws -> [CorrectionEntry] {
        try await gate.require(principal, .recordResults, entity: "sample", trace: trace)
        let scope = ScopeFilter(principal).predicate("s.commune_code")
        return try await database.read { db in
            try await db.raw("""
                SELECT s.tube_barcode, r.previous_outcome, r.outcome, r.reason, r.source, r.corrected_at
                FROM result_corrections r JOIN samples s ON s.id = r.sample_id
                WHERE \(scope) ORDER BY r.corrected_at DESC, r.id DESC LIMIT \(bind: limit)
                """).all().map { row in
                CorrectionEntry(tubeBarcode: try row.decode(column: "tube_barcode", as: String.self),
                                previous: try row.decode(column: "previous_outcome", as: String.self),
                                result: try row.decode(column: "outcome", as: String.self), reason: try row.decode(column: "reason", as: String.self),
                                source: try row.decode(column: "source", as: String.self),
                                correctedAt: try row.decode(column: "corrected_at", as: Date.self))
            }
        }
    }
}
