import Accounts
import ContactTracing
import Domain
import Foundation
import People
import SQLKit
import Storage

/// Samples from collection to result: tubes (single or pooled), reception at the laboratory, results entered or
/// imported, and each person's outcome. A positive pool flags every member for an individual retest; a negative
/// pool clears them all; a positive individual test confirms the person as a case (F0).
public struct LabStore: Sendable {
    public let database: Database
    let gate: AccessGate
    /// The stored table by default, read in each transaction that may open or change a case.
    let quarantineRules: QuarantineRuleSource
    /// Revokes what a corrected result invalidates (certificates); none in stores built without signing.
    let followUp: (any CorrectionFollowUp)?

    public init(database: Database, quarantineRules: QuarantineRuleSource = .stored, followUp: (any CorrectionFollowUp)? = nil) {
        self.database = database
        self.gate = AccessGate(database: database)
        self.quarantineRules = quarantineRules
        self.followUp = followUp
    }

    static let maxPool = 10

    // MARK: Sampling

    /// Stores a tube. Repeating a save with the same `clientId` returns the first one (`created` false).
    public func collect(_ request: NewSample, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> (Sample, created: Bool) {
        var new = request
        if let claims = new.people, !claims.isEmpty {
            guard claims.count <= Self.maxPool else { throw ValidationFailure([FieldError("people", "1 to \(Self.maxPool) people")]) }
            var normalised: [PersonClaim] = []
            for (index, claim) in claims.enumerated() {
                switch claim.normalised() {
                case .success(let claim): normalised.append(claim)
                case .failure(let error): throw ValidationFailure([FieldError("people[\(index)].\(error.field)", error.reason)])
                }
            }
            let ids = try await database.write { try await PersonStore.resolve(normalised, on: $0, now: now) }
            if let unknown = ids.firstIndex(where: { $0 == nil }) {
                throw ValidationFailure([FieldError("people[\(unknown)].personToken", "no person has this personal QR code")])
            }
            new.personIds += ids.compactMap { $0 }.filter { !new.personIds.contains($0) }
            new.people = nil
        }
        let tube = new.tubeBarcode.trimmingCharacters(in: .whitespaces)
        let clientId = new.clientId ?? UUID().uuidString
        let collectedAt = new.collectedAt ?? now
        var v = Validator()
        v.require((4...40).contains(tube.count) && tube.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) },
                  "tubeBarcode", "4–40 letters, digits, - _ .")
        v.require(!new.personIds.isEmpty && new.personIds.count <= Self.maxPool, "personIds", "1 to \(Self.maxPool) people")
        v.require(Set(new.personIds).count == new.personIds.count, "personIds", "each person once")
        v.require(!new.specimenType.isEmpty && new.specimenType.count <= 60, "specimenType", "required, at most 60 characters")
        v.require(collectedAt <= now.addingTimeInterval(300), "collectedAt", "not in the future")
        v.require(clientId.count <= 100, "clientId", "at most 100 characters")
        if let size = new.poolSize { v.require((2...Self.maxPool).contains(size) && size >= new.personIds.count, "poolSize", "2 to 10, and no fewer than the people in it") }
        if let lat = new.latitude { v.require((-90...90).contains(lat), "latitude", "−90 to 90") }
        if let lon = new.longitude { v.require((-180...180).contains(lon), "longitude", "−180 to 180") }
        try v.check()

        if let existing = try await sample(clientId: clientId) {
            // A replay answers only the station that may see the tube: in its area and, when bound, of its facility.
            try await requireSampling(principal, existing, trace: trace)
            guard existing.tubeBarcode == tube else { throw SampleConflict(detail: "clientId \(clientId) was used for tube \(existing.tubeBarcode).") }
            return (existing, false)
        }
        let people = try await database.read { try await PersonRegistry.fetch(new.personIds, on: $0) }
        let missing = Set(new.personIds).subtracting(people.map(\.id))
        guard missing.isEmpty else { throw ValidationFailure([FieldError("personIds", "no such person: \(missing.sorted().map(String.init).joined(separator: ", "))")]) }
        let site = try await siteFacts(new.siteId)
        guard let commune = site?.commune ?? new.communeCode ?? people.first?.communeCode, AreaCode.level(of: commune) == .commune else {
            throw ValidationFailure([FieldError("communeCode", "the commune where the sample is taken")])
        }
        try await gate.require(principal, .collectSamples, area: commune, entity: "sample", entityID: nil, trace: trace)
        let pooled = new.personIds.count > 1 || new.poolSize != nil
        let poolMax = pooled ? (new.poolSize ?? site?.poolMax ?? Self.maxPool) : 1
        guard new.personIds.count <= poolMax else {
            throw ValidationFailure([FieldError("personIds", "the pool holds at most \(poolMax)")])
        }
        let status: Sample.Status = pooled && new.personIds.count < poolMax ? .open : .closed
        try await database.write { db in
            if let used = try await db.raw("SELECT id, collected_at FROM samples WHERE tube_barcode = \(bind: tube)").first() {
                throw TubeAlreadyUsed(tubeBarcode: tube, sampleId: try used.decode(column: "id", as: Int64.self),
                                      collectedAt: try used.decode(column: "collected_at", as: Date.self))
            }
            let row = try await db.raw("""
                INSERT INTO samples (tube_barcode, client_id, site_id, commune_code, method, specimen, pooled, pool_max, status, collected_at,
                                     collected_by, latitude, longitude, facility_id)
                VALUES (\(bind: tube), \(bind: clientId), \(bind: new.siteId), \(bind: commune), \(bind: new.method.rawValue), \(bind: new.specimenType),
                        \(bind: pooled ? 1 : 0), \(bind: poolMax), \(bind: status.rawValue), \(bind: collectedAt), \(bind: principal.accountID),
                        \(bind: new.latitude), \(bind: new.longitude), \(bind: principal.facilityID))
                RETURNING id
                """).first()!
            let id = try row.decode(column: "id", as: Int64.self)
            for person in new.personIds {
                try await db.raw("INSERT INTO sample_members (sample_id, person_id, added_at) VALUES (\(bind: id), \(bind: person), \(bind: now))").run()
            }
            try await Aggregates.added(.samples, keys: [id], on: db)
            try await AuditLog.append(AuditEntry(principal: principal, action: "collect", entity: "sample", entityID: tube, areaCode: commune,
                                                 context: trace), on: db)
        }
        return (try await sample(tube: tube)!, true)
    }

    /// Adds a person to an open pool; a full or closed pool refuses.
    public func addMember(_ person: Int64, to tube: String, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> Sample {
        let current = try await require(tube)
        try await requireSampling(principal, current, trace: trace)
        guard current.pooled else { throw SampleConflict(detail: "Tube \(tube) holds one person's sample, not a pool.") }
        guard current.status == .open else { throw SampleConflict(detail: "The pool in tube \(tube) is closed.") }
        guard current.personIds.count < current.poolMax else { throw SampleConflict(detail: "The pool in tube \(tube) is full (\(current.poolMax)).") }
        guard !current.personIds.contains(person) else { throw SampleConflict(detail: "Person \(person) is already in tube \(tube).") }
        guard try await database.read({ try await PersonRegistry.fetch([person], on: $0) }).count == 1 else {
            throw ValidationFailure([FieldError("personId", "no such person")])
        }
        try await database.write { db in
            try await Aggregates.tracking(.samples, keys: [current.id], on: db) {
                try await db.raw("INSERT INTO sample_members (sample_id, person_id, added_at) VALUES (\(bind: current.id), \(bind: person), \(bind: now))").run()
            }
            if current.personIds.count + 1 >= current.poolMax {
                try await db.raw("UPDATE samples SET status = 'closed' WHERE id = \(bind: current.id) AND status = 'open'").run()
            }
            try await AuditLog.append(AuditEntry(principal: principal, action: "pool_add", entity: "sample", entityID: tube,
                                                 areaCode: current.communeCode, context: trace), on: db)
        }
        return try await require(tube)
    }

    /// Closes an open pool before it is full.
    public func close(_ tube: String, by principal: Principal, trace: RequestTrace) async throws -> Sample {
        let current = try await require(tube)
        try await requireSampling(principal, current, trace: trace)
        try await database.write { db in
            try await db.raw("UPDATE samples SET status = 'closed' WHERE id = \(bind: current.id) AND status = 'open'").run()
        }
        return try await require(tube)
    }

    // MARK: Laboratory

    /// Reception by batch scan: each tube is received, or refused when it was never collected (or already in).
    public func receive(_ tubes: [String], by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> [TubeOutcome] {
        try await gate.require(principal, .recordResults, entity: "sample", trace: trace)
        guard tubes.count <= 5000 else { throw ValidationFailure([FieldError("tubes", "at most 5000 per scan")]) }
        var out: [TubeOutcome] = []
        var scope = BatchScope(gate: gate, principal: principal, permission: .recordResults, entity: "sample", trace: trace)
        for tube in tubes {
            guard let sample = try await sample(tube: tube) else {
                out.append(TubeOutcome(tubeBarcode: tube, status: "refused", reason: "never collected", line: nil)); continue
            }
            guard try await scope.allows(sample.communeCode) else {
                out.append(TubeOutcome(tubeBarcode: tube, status: "refused", reason: "outside your area", line: nil)); continue
            }
            guard sample.status == .open || sample.status == .closed else {
                out.append(TubeOutcome(tubeBarcode: tube, status: "refused", reason: "already \(sample.status.rawValue)", line: nil)); continue
            }
            try await database.write { db in
                try await db.raw("""
                    UPDATE samples SET status = 'received', received_at = \(bind: now), received_by = \(bind: principal.accountID)
                    WHERE id = \(bind: sample.id)
                    """).run()
            }
            out.append(TubeOutcome(tubeBarcode: tube, status: "received", reason: nil, line: nil))
        }
        return out
    }

    /// A validated result waiting to be written.
    struct PendingResult {
        let sample: Sample
        let input: ResultInput
        let resultedAt: Date
        let source: String
        let messageId: String?
    }

    /// Records a tube's result and expands it to its people. A second result for a tube is refused: a correction is
    /// a separate, audited action with a reason (`correct`).
    @discardableResult
    public func record(_ input: ResultInput, for tube: String, source: String = "manual", messageId: String? = nil, by principal: Principal,
                       trace: RequestTrace, now: Date = Date()) async throws -> [PersonTest] {
        try Self.validate(input, now: now)
        let sample = try await require(tube)
        try await gate.require(principal, .recordResults, area: sample.communeCode, entity: "sample", entityID: tube, trace: trace)
        let pending = try Self.pending(sample, input, source: source, messageId: messageId, now: now)
        let ruleSource = quarantineRules
        try await database.write { db in
            try await Self.apply([pending], by: principal, rules: try await ruleSource.table(on: db), now: now, on: db)
            try await AuditLog.append(AuditEntry(principal: principal, action: "result:\(input.result.rawValue)", entity: "sample", entityID: tube,
                                                 areaCode: sample.communeCode, context: trace), on: db)
        }
        return try await tests(sample: sample.id)
    }

    static func validate(_ input: ResultInput, now: Date) throws {
        var v = Validator()
        v.require((input.ct ?? []).count <= 10 && (input.ct ?? []).allSatisfy { (0...50).contains($0.value) && !$0.target.isEmpty && $0.target.count <= 60 },
                  "ct", "at most 10 values of 0–50, each with its target")
        v.require((input.operator ?? "").count <= 100, "operator", "at most 100 characters")
        v.require((input.resultedAt ?? now) <= now.addingTimeInterval(300), "resultedAt", "not in the future")
        try v.check()
    }

    /// Checks a result against its sample's state; throws what the API answers.
    static func pending(_ sample: Sample, _ input: ResultInput, source: String, messageId: String?, now: Date) throws -> PendingResult {
        guard sample.result == nil else { throw SampleConflict(detail: "Tube \(sample.tubeBarcode) already has a result (\(sample.result!.rawValue)).") }
        let resultedAt = input.resultedAt ?? now
        guard resultedAt >= sample.collectedAt else { throw ValidationFailure([FieldError("resultedAt", "not before the sample was collected")]) }
        return PendingResult(sample: sample, input: input, resultedAt: resultedAt, source: source, messageId: messageId)
    }

    static func personOutcome(pooled: Bool, _ result: LabOutcome) -> PersonTest.Outcome {
        switch (pooled, result) {
        case (_, .negative): .negative
        case (true, _): .retest
        case (false, .positive): .positive
        case (false, .invalid): .invalid
        }
    }

    /// Writes results and their expansion to people, in multi-row statements: one tube or a whole instrument batch.
    static func apply(_ items: [PendingResult], by principal: Principal, rules: QuarantineRuleTable, now: Date, on db: any SQLDatabase) async throws {
        guard !items.isEmpty else { return }
        // Re-checked inside the transaction: another result may have committed since the sample was read.
        for chunk in stride(from: 0, to: items.count, by: 900).map({ items[$0..<min($0 + 900, items.count)] }) {
            if let row = try await db.raw("SELECT sample_id FROM sample_results WHERE sample_id IN (\(binds: chunk.map(\.sample.id))) LIMIT 1").first() {
                let id = try row.decode(column: "sample_id", as: Int64.self)
                let tube = chunk.first { $0.sample.id == id }?.sample.tubeBarcode ?? String(id)
                throw SampleConflict(detail: "Tube \(tube) already has a result.")
            }
        }
        let encoder = JSONEncoder()
        for chunk in stride(from: 0, to: items.count, by: 400).map({ items[$0..<min($0 + 400, items.count)] }) {
            var insert = db.insert(into: "sample_results")
                .columns("sample_id", "outcome", "ct_json", "source", "message_id", "operator", "resulted_at", "recorded_by")
            for item in chunk {
                let ct = String(decoding: try encoder.encode(item.input.ct ?? []), as: UTF8.self)
                insert = insert.values([item.sample.id, item.input.result.rawValue, ct, item.source, item.messageId, item.input.operator,
                                        item.resultedAt, principal.accountID] as [any Encodable & Sendable])
            }
            try await insert.run()
            try await db.raw("UPDATE samples SET status = 'resulted' WHERE id IN (\(binds: chunk.map(\.sample.id)))").run()
        }
        let people = Dictionary(try await PersonRegistry.fetch(Array(Set(items.flatMap(\.sample.personIds))), on: db).map { ($0.id, $0) },
                                uniquingKeysWith: { a, _ in a })
        var rows: [[any Encodable & Sendable]] = []
        var texts: [(person: Int64?, phone: String, template: String, body: String)] = []
        var negatives: [CaseStore.NegativeTest] = []
        for item in items {
            let outcome = personOutcome(pooled: item.sample.pooled, item.input.result)
            for id in item.sample.personIds {
                guard let person = people[id] else { continue }
                rows.append([id, item.sample.id, outcome.rawValue, item.sample.method.rawValue, item.sample.collectedAt, item.resultedAt,
                             person.communeCode ?? item.sample.communeCode])
                if outcome == .positive && item.sample.method == .rtPCR {
                    try await CaseStore.confirmPositive(person: id, commune: person.communeCode ?? item.sample.communeCode,
                                                        resultDay: LocalDay.string(item.resultedAt), sampledOn: LocalDay.string(item.sample.collectedAt),
                                                        reference: item.sample.tubeBarcode, by: principal.accountID, rules: rules, now: now, on: db)
                }
                if outcome == .negative {
                    negatives.append(.init(person: id, sampledOn: LocalDay.string(item.sample.collectedAt), tube: item.sample.tubeBarcode, pooled: item.sample.pooled))
                }
                if let phone = person.phones.first {
                    texts.append((id, phone, "test_result_\(outcome.rawValue)", message(outcome, tube: item.sample.tubeBarcode)))
                }
            }
        }
        for start in stride(from: 0, to: rows.count, by: 400) {
            var insert = db.insert(into: "person_tests")
                .columns("person_id", "sample_id", "outcome", "method", "sampled_at", "resulted_at", "commune_code")
            for row in rows[start..<min(start + 400, rows.count)] { insert = insert.values(row) }
            try await insert.run()
        }
        try await Aggregates.added(.results, keys: items.map(\.sample.id), on: db)
        try await CaseStore.attachNegativeTests(negatives, by: principal.accountID, now: now, on: db)
        try await Outbox.enqueue(texts, now: now, on: db)
    }

    static func message(_ outcome: PersonTest.Outcome, tube: String) -> String {
        switch outcome {
        case .negative: "Sở Y tế: kết quả xét nghiệm COVID-19 (mẫu \(tube)) của bạn: ÂM TÍNH."
        case .positive: "Sở Y tế: kết quả xét nghiệm COVID-19 (mẫu \(tube)) của bạn: DƯƠNG TÍNH. Trạm y tế sẽ liên hệ; hãy tự cách ly."
        case .invalid: "Sở Y tế: mẫu xét nghiệm \(tube) của bạn không cho kết quả; vui lòng đến lấy mẫu lại."
        case .retest: "Sở Y tế: mẫu gộp \(tube) có bạn cần xét nghiệm lại từng người; vui lòng đến điểm lấy mẫu để lấy mẫu đơn."
        }
    }

    /// Imports instrument output (HL7 v2 ORU^R01): every message gets an answer; a bad message, an unknown tube,
    /// a tube outside the caller's area or a second result is refused with its line and the rest of the batch is
    /// kept. Tubes are read and written in bulk, a thousand per transaction.
    public func importHL7(_ text: String, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> [TubeOutcome] {
        try await gate.require(principal, .recordResults, entity: "sample", trace: trace)
        return try await importResults(ORUReader.results(text), source: "hl7", by: principal, trace: trace, now: now)
    }

    /// Imports an instrument's or LIS's CSV export (`InstrumentCSV`), with the same answers as HL7: one per row.
    public func importCSV(_ text: String, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> [TubeOutcome] {
        try await gate.require(principal, .recordResults, entity: "sample", trace: trace)
        return try await importResults(InstrumentCSV.results(text), source: "csv", by: principal, trace: trace, now: now)
    }

    /// Either format, told apart by its first segment (HL7 starts with MSH).
    public func importInstrumentFile(_ text: String, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> [TubeOutcome] {
        InstrumentCSV.looksLikeCSV(text) ? try await importCSV(text, by: principal, trace: trace, now: now)
            : try await importHL7(text, by: principal, trace: trace, now: now)
    }

    func importResults(_ items: [Result<InstrumentResult, HL7Parser.Rejection>], source: String, by principal: Principal, trace: RequestTrace,
                       now: Date) async throws -> [TubeOutcome] {
        var out: [TubeOutcome?] = []
        var parsed: [(index: Int, result: InstrumentResult)] = []
        for item in items {
            switch item {
            case .failure(let rejection):
                out.append(TubeOutcome(tubeBarcode: "", status: "refused", reason: rejection.reason, line: rejection.line))
            case .success(let result):
                parsed.append((out.count, result))
                out.append(nil)
            }
        }
        var scope = BatchScope(gate: gate, principal: principal, permission: .recordResults, entity: "sample", trace: trace)
        let ruleSource = quarantineRules
        for start in stride(from: 0, to: parsed.count, by: 1000) {
            let chunk = parsed[start..<min(start + 1000, parsed.count)]
            let samples = try await samples(tubes: chunk.map(\.result.tubeBarcode))
            var pending: [PendingResult] = []
            var corrections: [(Sample, CorrectionInput, String?)] = []
            var seen = Set<String>()
            for (index, result) in chunk {
                func refuse(_ reason: String) {
                    out[index] = TubeOutcome(tubeBarcode: result.tubeBarcode, status: "refused", reason: reason, line: result.line)
                }
                guard let sample = samples[result.tubeBarcode] else { refuse(SampleNotFound(tubeBarcode: result.tubeBarcode).detail); continue }
                guard seen.insert(result.tubeBarcode).inserted else { refuse("Tube \(result.tubeBarcode) appears twice in this batch."); continue }
                guard try await scope.allows(sample.communeCode) else { refuse("Tube \(result.tubeBarcode) lies outside your area."); continue }
                let input = ResultInput(result: result.outcome, ct: result.ctValues, operator: result.operatorName,
                                        resultedAt: result.observedAt.map { min($0, now) })
                if result.corrected, let earlier = sample.result {
                    // OBX-11 "C": the instrument corrects a result it sent before.
                    guard earlier != result.outcome || sample.ctValues != result.ctValues else {
                        refuse("Tube \(result.tubeBarcode) already has this result (\(earlier.rawValue)); the correction changes nothing."); continue
                    }
                    let reason = (source == "hl7" ? "instrument correction (OBX-11 C)" : "correction in an instrument file, line \(result.line)")
                        + (result.messageControlID.map { ", message \($0)" } ?? "")
                    corrections.append((sample, CorrectionInput(result: result.outcome, ct: result.ctValues, operator: result.operatorName, reason: reason),
                                        result.messageControlID))
                    out[index] = TubeOutcome(tubeBarcode: result.tubeBarcode, status: "corrected", reason: nil, line: result.line)
                    continue
                }
                do {
                    try Self.validate(input, now: now)
                    pending.append(try Self.pending(sample, input, source: source, messageId: result.messageControlID, now: now))
                    out[index] = TubeOutcome(tubeBarcode: result.tubeBarcode, status: "recorded", reason: nil, line: result.line)
                } catch let conflict as SampleConflict {
                    refuse(conflict.detail)
                } catch let failure as ValidationFailure {
                    refuse(failure.errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))
                }
            }
            let followUp = followUp
            let revoked = try await database.write { db in
                let rules = try await ruleSource.table(on: db)
                try await Self.apply(pending, by: principal, rules: rules, now: now, on: db)
                try await AuditLog.append(AuditEntry(principal: principal, action: "import_results", entity: "sample",
                                                     entityID: "\(pending.count) tubes", context: trace), on: db)
                var revoked: [String] = []
                for (sample, correction, messageId) in corrections {
                    let effects = try await Self.applyCorrection(sample, correction, reason: correction.reason, source: source, messageId: messageId,
                                                                 by: principal, rules: rules, followUp: followUp, now: now, on: db)
                    try await AuditLog.append(AuditEntry(principal: principal, action: "result_correction:\(effects.previous.rawValue)>\(correction.result.rawValue)",
                                                         entity: "sample", entityID: sample.tubeBarcode, areaCode: sample.communeCode, context: trace), on: db)
                    revoked += effects.revoked
                }
                return revoked
            }
            followUp?.committed(revoked: revoked)
        }
        return out.compactMap { $0 }
    }

    /// For batches (reception scans, instrument files, lists): whether the caller may act in each commune, asked
    /// once per commune through the gate, so a refusal is audited like any other, once rather than per row.
    struct BatchScope {
        let gate: AccessGate
        let principal: Principal
        let permission: Permission
        let entity: String
        let trace: RequestTrace
        private var answers: [String: Bool] = [:]

        init(gate: AccessGate, principal: Principal, permission: Permission, entity: String, trace: RequestTrace) {
            self.gate = gate
            self.principal = principal
            self.permission = permission
            self.entity = entity
            self.trace = trace
        }

        mutating func allows(_ area: String) async throws -> Bool {
            if let known = answers[area] { return known }
            do {
                try await gate.require(principal, permission, area: area, entity: entity, entityID: nil, trace: trace)
                answers[area] = true
            } catch is AccessDenied {
                answers[area] = false
            }
            return answers[area]!
        }
    }

    // MARK: Reading

    /// A person's tests, newest first (audited).
    public func tests(person: Int64, by principal: Principal, trace: RequestTrace) async throws -> [PersonTest] {
        _ = try await PersonRegistry(database: database).get(person, by: principal, trace: trace)
        try await gate.require(principal, .readTests, entity: "person_tests", trace: trace)
        let rows = try await database.read { db in
            try await db.raw("\(unsafeRaw: Self.testSelect) WHERE t.person_id = \(bind: person) ORDER BY t.resulted_at DESC").all()
        }
        return try rows.map(Self.decodeTest)
    }

    public func sample(_ tube: String, by principal: Principal, trace: RequestTrace) async throws -> Sample {
        let sample = try await require(tube)
        try await gate.require(principal, .readTests, area: sample.communeCode, entity: "sample", entityID: tube, trace: trace)
        return sample
    }

    /// The tube for its slip: the station that took it (samples.collect) or staff who read tests, in its area.
    public func slip(_ tube: String, by principal: Principal, trace: RequestTrace) async throws -> Sample {
        let sample = try await require(tube)
        if principal.role.may(.collectSamples) {
            try await requireSampling(principal, sample, trace: trace)
        } else {
            try await gate.require(principal, .readTests, area: sample.communeCode, entity: "sample", entityID: tube, trace: trace)
        }
        return sample
    }

    /// The sampling side acts on a tube in its area, and — for an account bound to a facility — of its facility
    /// (a station does not reopen or read another station's tubes; laboratories work across facilities).
    func requireSampling(_ principal: Principal, _ sample: Sample, trace: RequestTrace) async throws {
        try await gate.require(principal, .collectSamples, area: sample.communeCode, entity: "sample", entityID: sample.tubeBarcode, trace: trace)
        try await gate.requireFacility(principal, .collectSamples, owner: sample.facilityId, entity: "sample", entityID: sample.tubeBarcode,
                                       area: sample.communeCode, trace: trace)
    }

    func tests(sample id: Int64) async throws -> [PersonTest] {
        let rows = try await database.read { db in
            try await db.raw("\(unsafeRaw: Self.testSelect) WHERE t.sample_id = \(bind: id) ORDER BY t.person_id").all()
        }
        return try rows.map(Self.decodeTest)
    }

    static let testSelect = """
        SELECT t.id, t.person_id, s.tube_barcode, s.pooled, t.method, t.outcome, t.sampled_at, t.resulted_at, t.corrected_at
        FROM person_tests t JOIN samples s ON s.id = t.sample_id
        """

    static func decodeTest(_ row: any SQLRow) throws -> PersonTest {
        PersonTest(id: try row.decode(column: "id", as: Int64.self), personId: try row.decode(column: "person_id", as: Int64.self),
                   tubeBarcode: try row.decode(column: "tube_barcode", as: String.self), pooled: try row.decode(column: "pooled", as: Int.self) != 0,
                   method: TestMethod(rawValue: try row.decode(column: "method", as: String.self)) ?? .rtPCR,
                   outcome: PersonTest.Outcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .invalid,
                   sampledAt: try row.decode(column: "sampled_at", as: Date.self), resultedAt: try row.decode(column: "resulted_at", as: Date.self),
                   correctedAt: try row.decode(column: "corrected_at", as: Date?.self))
    }

    func require(_ tube: String) async throws -> Sample {
        guard let sample = try await sample(tube: tube) else { throw SampleNotFound(tubeBarcode: tube) }
        return sample
    }

    func sample(tube: String) async throws -> Sample? {
        try await load("s.tube_barcode", tube)
    }

    /// Many tubes at once, by barcode (two queries per call).
    func samples(tubes: [String]) async throws -> [String: Sample] {
        guard !tubes.isEmpty else { return [:] }
        return try await database.read { db in
            let rows = try await db.raw("\(unsafeRaw: Self.sampleSelect) WHERE s.tube_barcode IN (\(binds: tubes))").all()
            let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }
            var members: [Int64: [Int64]] = [:]
            if !ids.isEmpty {
                for row in try await db.raw("SELECT sample_id, person_id FROM sample_members WHERE sample_id IN (\(binds: ids)) ORDER BY added_at, person_id").all() {
                    members[try row.decode(column: "sample_id", as: Int64.self), default: []].append(try row.decode(column: "person_id", as: Int64.self))
                }
            }
            var out: [String: Sample] = [:]
            for row in rows {
                let sample = try Self.decodeSample(row, members: members[try row.decode(column: "id", as: Int64.self)] ?? [])
                out[sample.tubeBarcode] = sample
            }
            return out
        }
    }

    static let sampleSelect = """
        SELECT s.id, s.tube_barcode, s.method, s.specimen, s.pooled, s.pool_max, s.status, s.commune_code, s.collected_at, s.facility_id,
               s.latitude, s.longitude, r.outcome, r.ct_json, r.resulted_at
        FROM samples s LEFT JOIN sample_results r ON r.sample_id = s.id
        """

    static func decodeSample(_ row: any SQLRow, members: [Int64]) throws -> Sample {
        let ct = try row.decode(column: "ct_json", as: String?.self).flatMap { try? JSONDecoder().decode([CtValue].self, from: Data($0.utf8)) }
        return Sample(id: try row.decode(column: "id", as: Int64.self), tubeBarcode: try row.decode(column: "tube_barcode", as: String.self),
                      method: TestMethod(rawValue: try row.decode(column: "method", as: String.self)) ?? .rtPCR,
                      specimenType: try row.decode(column: "specimen", as: String.self),
                      pooled: try row.decode(column: "pooled", as: Int.self) != 0, poolMax: try row.decode(column: "pool_max", as: Int.self),
                      status: Sample.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .closed, personIds: members,
                      communeCode: try row.decode(column: "commune_code", as: String.self),
                      collectedAt: try row.decode(column: "collected_at", as: Date.self),
                      result: try row.decode(column: "outcome", as: String?.self).flatMap(LabOutcome.init(rawValue:)),
                      ctValues: ct ?? [], resultedAt: try row.decode(column: "resulted_at", as: Date?.self),
                      facilityId: try row.decode(column: "facility_id", as: String?.self),
                      latitude: try row.decode(column: "latitude", as: Double?.self), longitude: try row.decode(column: "longitude", as: Double?.self))
    }

    func sample(clientId: String) async throws -> Sample? {
        try await load("s.client_id", clientId)
    }

    private func load(_ column: String, _ value: String) async throws -> Sample? {
        try await database.read { db in
            guard let row = try await db.raw("\(unsafeRaw: Self.sampleSelect) WHERE \(unsafeRaw: column) = \(bind: value)").first() else { return nil }
            let id = try row.decode(column: "id", as: Int64.self)
            let members = try await db.raw("SELECT person_id FROM sample_members WHERE sample_id = \(bind: id) ORDER BY added_at, person_id").all()
                .map { try $0.decode(column: "person_id", as: Int64.self) }
            return try Self.decodeSample(row, members: members)
        }
    }

    private func siteFacts(_ id: Int64?) async throws -> (commune: String, poolMax: Int)? {
        guard let id else { return nil }
        return try await database.read { db in
            guard let row = try await db.raw("SELECT commune_code, pool_max FROM test_sites WHERE id = \(bind: id)").first() else {
                throw ValidationFailure([FieldError("siteId", "no such site")])
            }
            return (try row.decode(column: "commune_code", as: String.self), try row.decode(column: "pool_max", as: Int.self))
        }
    }
}
