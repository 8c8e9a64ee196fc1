import Accounts
import CheckIn
import ContactTracing
import Domain
import Foundation
import Geography
import Laboratory
import People
import SQLKit
import Storage
import Testing
import TestSupport

/// A small deterministic generator, so a failing history can be replayed from its seed.
struct SeededRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return state
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// Everything the stores write is counted as it is written; the counts must equal what a rebuild computes from the
/// records, on random histories that go through every write path (check-ins with replays, declarations, cases
/// opened, updated, reclassified, followed up, contacts confirmed from a trace, pooled and single samples, results
/// with pool expansion and automatic F0, corrections of results), with folds of a few deltas at a time in between.
@Suite struct AggregatesConsistencyTests {
    @Test(arguments: TestDatabases.kinds, [1, 2, 3] as [UInt64])
    func incrementalCountsEqualARebuildOnRandomHistories(kind: DatabaseKind, seed: UInt64) async throws {
        try await ReportingWorld.with(kind) { w in
            var rng = SeededRandom(seed)
            let now = Date()
            let venues = try await w.venues(4)
            let people = try await w.people(24)
            var events: [CheckInSubmission] = []
            var declarationIDs: [String] = []
            var done: [String: Int] = [:]
            var tube = 0
            var pools: [String] = []
            var unresulted: [String] = []
            var resulted: [String] = []
            func attempt(_ name: String, _ body: () async throws -> Void) async {
                do { try await body(); done[name, default: 0] += 1 } catch { done["refused " + name, default: 0] += 1 }
            }
            for step in 0..<120 {
                switch rng.int(0...10) {
                case 0, 1:
                    var batch: [CheckInSubmission] = []
                    for _ in 0..<rng.int(1...12) {
                        let person = rng.pick(people)
                        let at = now.addingTimeInterval(-Double(rng.int(600...(6 * 86_400))))
                        batch.append(CheckInSubmission(eventId: UUID().uuidString, venueToken: rng.pick(venues).token,
                                                       person: PersonClaim(idNumber: person.idNumber, name: person.fullName), checkedInAt: at,
                                                       checkedOutAt: rng.chance(0.7) ? at.addingTimeInterval(Double(rng.int(300...7_200))) : nil))
                    }
                    if !events.isEmpty && rng.chance(0.4) { batch.append(rng.pick(events)) }   // a replay
                    events += batch
                    await attempt("checkins") { _ = try await w.checkins.ingest(batch, now: now) }
                case 2:
                    let replay = !declarationIDs.isEmpty && rng.chance(0.3)
                    let id = replay ? rng.pick(declarationIDs) : UUID().uuidString
                    declarationIDs.append(id)
                    let person = rng.pick(people)
                    await attempt("declarations") {
                        _ = try await w.declarations.submit(DeclarationSubmission(
                            clientId: id, person: PersonClaim(idNumber: person.idNumber, name: person.fullName), communeCode: rng.pick(w.communes),
                            symptoms: rng.chance(0.3) ? [.fever] : [], exposures: rng.chance(0.2) ? [.contactWithCase] : [], travel: nil))
                    }
                case 3:
                    let person = rng.pick(people)
                    let classification = rng.pick(Classification.allCases)
                    var facts = CaseFacts()
                    if classification == .f0 { facts.confirmedOn = LocalDay.string(now.addingTimeInterval(-Double(rng.int(0...5)) * 86_400)) }
                    await attempt("open") {
                        _ = try await w.cases.open(NewCase(personId: person.id, classification: classification, communeCode: rng.pick(w.communes),
                                                           facts: facts), by: w.admin, trace: w.trace, now: now)
                    }
                case 4:
                    guard let id = try await w.someCase(&rng) else { continue }
                    var facts = CaseFacts()
                    if rng.chance(0.5) {
                        facts.outcome = rng.pick(Outcome.allCases)
                        facts.outcomeOn = LocalDay.string(now)
                    } else {
                        facts.severity = rng.pick(Severity.allCases)
                    }
                    await attempt("update") { _ = try await w.cases.update(id, facts: facts, by: w.admin, trace: w.trace, now: now) }
                case 5:
                    guard let id = try await w.someCase(&rng) else { continue }
                    var facts = CaseFacts()
                    facts.confirmedOn = LocalDay.string(now)
                    await attempt("reclassify") {
                        _ = try await w.cases.reclassify(id, to: rng.pick(Classification.allCases), reason: "test \(step)", facts: facts,
                                                         by: w.admin, trace: w.trace, now: now)
                    }
                case 6:
                    guard let id = try await w.someCase(&rng, classification: rng.chance(0.5) ? .f1 : .f2) else { continue }
                    var facts = CaseFacts()
                    facts.quarantineSetting = rng.pick(QuarantineSetting.allCases)
                    let kind: CaseEventKind = rng.chance(0.6) ? .quarantineStart : .release
                    await attempt("follow-up") {
                        _ = try await w.cases.record(kind, on: id, day: LocalDay.string(now.addingTimeInterval(-Double(rng.int(0...3)) * 86_400)),
                                                     detail: "", facts: facts, by: w.admin, trace: w.trace, now: now)
                    }
                case 7:
                    tube += 1
                    let code = "T\(seed)-\(tube)"
                    let pooled = rng.chance(0.5)
                    let members = pooled ? Array(Set((0..<rng.int(1...3)).map { _ in rng.pick(people).id })) : [rng.pick(people).id]
                    await attempt("collect") {
                        _ = try await w.lab.collect(NewSample(tubeBarcode: code, personIds: members, method: rng.chance(0.8) ? .rtPCR : .rapidAntigen,
                                                              specimenType: "nasopharyngeal", collectedAt: now.addingTimeInterval(-3_600),
                                                              communeCode: rng.pick(w.communes), poolSize: pooled ? 5 : nil),
                                                    by: w.admin, trace: w.trace, now: now)
                        if pooled { pools.append(code) }
                        unresulted.append(code)
                    }
                    if let pool = pools.last, rng.chance(0.5) {
                        await attempt("add to pool") { _ = try await w.lab.addMember(rng.pick(people).id, to: pool, by: w.admin, trace: w.trace, now: now) }
                    }
                case 8:
                    // Now and then the lab corrects a result it gave (cases confirmed or withdrawn, pools flipped).
                    if !resulted.isEmpty, rng.chance(0.3) {
                        let code = rng.pick(resulted)
                        let outcome: LabOutcome = rng.chance(0.5) ? .positive : rng.chance(0.8) ? .negative : .invalid
                        await attempt("correct") {
                            _ = try await w.lab.correct(CorrectionInput(result: outcome, reason: "re-read"), for: code, by: w.admin, trace: w.trace, now: now)
                        }
                        continue
                    }
                    guard !unresulted.isEmpty else { continue }
                    let code = unresulted.remove(at: rng.int(0...(unresulted.count - 1)))
                    let outcome: LabOutcome = rng.chance(0.4) ? .positive : rng.chance(0.8) ? .negative : .invalid
                    await attempt("result") {
                        _ = try await w.lab.record(ResultInput(result: outcome, resultedAt: now.addingTimeInterval(-60)), for: code, by: w.admin,
                                                   trace: w.trace, now: now)
                        resulted.append(code)
                    }
                case 9:
                    let travellers = (0..<rng.int(1...3)).map { _ in rng.pick(people) }
                    let entering = rng.chance(0.7)
                    await attempt("travel") {
                        _ = try await w.travel.record(TravelSubmission(
                            clientId: UUID().uuidString, checkpointId: w.checkpoint, direction: entering ? "entering" : "leaving",
                            crossedAt: now.addingTimeInterval(-Double(rng.int(60...(2 * 86_400)))), plate: "60A-\(100 + step).45", vehicleType: "car",
                            origin: entering ? "79" : rng.pick(w.communes), destination: entering ? rng.pick(w.communes) : "74",
                            occupants: Array(Set(travellers.map(\.idNumber))).map { id in
                                TravelSubmission.Occupant(person: PersonClaim(idNumber: id, name: travellers.first { $0.idNumber == id }!.fullName))
                            }), by: w.admin, trace: w.trace, now: now)
                    }
                default:
                    guard let f0 = try await w.someCase(&rng, classification: .f0) else { continue }
                    await attempt("trace and confirm") {
                        let run = try await w.investigation.trace(f0, by: w.admin, trace: w.trace, now: now)
                        let chosen = run.candidates.prefix(3).map(\.personId)
                        guard !chosen.isEmpty else { return }
                        _ = try await w.investigation.decide(f0, ContactDecision(runId: run.runId, personIds: chosen, decision: .confirmed,
                                                                                quarantineSetting: .home), by: w.admin, trace: w.trace, now: now)
                    }
                }
                if rng.chance(0.2) { try await Aggregates.fold(w.db, limit: rng.int(1...9)) }
                if step % 15 == 14 {
                    let (current, recomputed) = try await w.db.read { (try await Aggregates.current(on: $0), try await Aggregates.recomputed(on: $0)) }
                    #expect(current == recomputed, "seed \(seed), step \(step): \(Self.difference(current, recomputed))")
                }
            }
            for name in ["checkins", "declarations", "open", "update", "reclassify", "follow-up", "collect", "result", "correct", "trace and confirm", "travel"] {
                #expect(done[name, default: 0] > 0, "the history exercised \(name): \(done)")
            }

            // Independent totals straight from the tables.
            let totals = try await w.db.read { db in try await Aggregates.current(on: db) }
            func total(_ measure: Measure) -> Int64 { totals.filter { $0.key.measure == measure.rawValue }.values.reduce(0, +) }
            #expect(total(.checkins) == Int64(try await w.count("SELECT COUNT(*) AS n FROM checkins")))
            #expect(total(.declarations) == Int64(try await w.count("SELECT COUNT(*) AS n FROM health_declarations")))
            #expect(total(.f0New) == Int64(try await w.count("SELECT COUNT(*) AS n FROM cases WHERE classification = 'F0'")))
            #expect(total(.f0Community) + total(.f0InQuarantine) == total(.f0New))
            #expect(total(.personsSampled) == Int64(try await w.count("SELECT COUNT(*) AS n FROM sample_members")))
            #expect(total(.tests) == Int64(try await w.count("SELECT COUNT(*) AS n FROM person_tests WHERE outcome IN ('positive', 'negative')")))
            #expect(total(.crossings) == Int64(try await w.count("SELECT COUNT(*) AS n FROM travel_occupants")))
            #expect(total(.arrivals) == Int64(try await w.count("""
                SELECT COUNT(*) AS n FROM travel_occupants o JOIN travel_declarations t ON t.id = o.declaration_id WHERE t.direction = 'entering'
                """)))

            while try await Aggregates.fold(w.db, limit: 7) > 0 {}
            #expect(try await w.count("SELECT COUNT(*) AS n FROM count_deltas") == 0)
            let folded = try await w.db.read { try await Aggregates.current(on: $0) }
            #expect(folded == totals, "folding changes no figure")
            try await Aggregates.rebuild(w.db)
            #expect(try await w.db.read { try await Aggregates.current(on: $0) } == totals, "a rebuild changes no figure")

            // Purging old check-ins keeps their counts, through a rebuild too.
            let purged = try await w.checkins.purge(now: now.addingTimeInterval(25 * 86_400))
            #expect(purged > 0)
            try await Aggregates.rebuild(w.db)
            #expect(try await w.db.read { try await Aggregates.current(on: $0) } == totals, "purged check-ins are still counted")
        }
    }

    /// A database that gained the counts by migration has records and no counts: the first round of the job builds them.
    @Test(arguments: TestDatabases.kinds)
    func aDatabaseWithRecordsButNoCountsIsBuiltOnce(kind: DatabaseKind) async throws {
        try await ReportingWorld.with(kind) { w in
            let venues = try await w.venues(2)
            let people = try await w.people(3)
            let events = people.map { CheckInSubmission(eventId: UUID().uuidString, venueToken: venues[0].token,
                                                        person: PersonClaim(idNumber: $0.idNumber, name: $0.fullName), checkedInAt: Date().addingTimeInterval(-900)) }
            _ = try await w.checkins.ingest(events)
            try await w.db.write { db in
                try await db.raw("DELETE FROM count_deltas").run()
                try await db.raw("DELETE FROM daily_counts").run()
            }
            #expect(try await w.db.read { try await Aggregates.current(on: $0) }.isEmpty)
            #expect(try await Aggregates.buildIfNeverBuilt(w.db))
            let built = try await w.db.read { try await Aggregates.current(on: $0) }
            let recomputed = try await w.db.read { try await Aggregates.recomputed(on: $0) }
            #expect(built.values.reduce(0, +) == 3 && built == recomputed)
            #expect(try await Aggregates.buildIfNeverBuilt(w.db) == false, "once only")
        }
    }

    static func difference(_ a: [Aggregates.Key: Int64], _ b: [Aggregates.Key: Int64]) -> String {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted().prefix(8)
            .map { "\($0.measure) \($0.commune) \($0.day): incremental \(a[$0] ?? 0), rebuild \(b[$0] ?? 0)" }.joined(separator: "; ")
    }
}

/// Stores over one fresh database with the bundled areas and an administrator of the province.
struct ReportingWorld {
    let db: Database
    let admin: Principal
    let communes: [String]
    let checkins: CheckInStore
    let declarations: DeclarationStore
    let cases: CaseStore
    let investigation: Investigation
    let lab: LabStore
    let travel: TravelStore
    /// A checkpoint (in 26068, Biên Hòa) for the travel declarations.
    let checkpoint: Int64
    let trace = RequestTrace(route: "test", requestID: "t")

    static func with<T: Sendable>(_ kind: DatabaseKind, _ body: (ReportingWorld) async throws -> T) async throws -> T {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
            let accounts = AccountStore(database: db, hasher: PasswordHasher(cost: 4))
            let admin = try await accounts.createAsOperator(
                NewAccount(username: "cdc", displayName: "CDC", password: "long-enough-pw", role: .admin, scopeCode: "75"), trace: .cli("test")).principal
            let cases = CaseStore(database: db)
            let travel = TravelStore(database: db)
            let checkpoint = try await travel.createCheckpoint(NewCheckpoint(code: "BH-1", name: "Chốt", communeCode: "26068"), by: admin,
                                                               trace: .cli("test")).id
            return try await body(ReportingWorld(
                db: db, admin: admin, communes: ["25993", "26002", "26071", "26470"], checkins: CheckInStore(database: db),
                declarations: DeclarationStore(database: db, rules: try DeclarationStore.bundledRules()), cases: cases,
                investigation: Investigation(database: db, engine: TracingEngine(rules: try .bundled()), cases: cases),
                lab: LabStore(database: db), travel: travel, checkpoint: checkpoint))
        }
    }

    func venues(_ n: Int) async throws -> [Venue] {
        var result: [Venue] = []
        let store = VenueStore(database: db)
        for i in 0..<n {
            result.append(try await store.register(NewVenue(name: "Nơi \(i)", type: i % 2 == 0 ? .market : .business, address: "Khu phố \(i)",
                                                            communeCode: communes[i % communes.count]), by: admin, trace: trace))
        }
        return result
    }

    struct Someone { let id: Int64; let idNumber: String; let fullName: String }

    func people(_ n: Int) async throws -> [Someone] {
        let registry = PersonRegistry(database: db)
        var result: [Someone] = []
        for i in 0..<n {
            let idNumber = "0752000\(String(format: "%05d", i))"
            let person = try await registry.create(NewPerson(fullName: "Người Số \(i)", birthYear: 1960 + i, idNumber: idNumber,
                                                             communeCode: communes[i % communes.count]), by: admin, trace: trace)
            result.append(Someone(id: person.id, idNumber: idNumber, fullName: "Người Số \(i)"))
        }
        return result
    }

    func someCase(_ rng: inout SeededRandom, classification: Classification? = nil) async throws -> Int64? {
        let ids = try await db.read { db in
            try await db.raw("SELECT id, classification FROM cases ORDER BY id").all()
                .filter { classification == nil || (try? $0.decode(column: "classification", as: String.self)) == classification?.rawValue }
                .map { try $0.decode(column: "id", as: Int64.self) }
        }
        return ids.isEmpty ? nil : rng.pick(ids)
    }

    func count(_ sql: String) async throws -> Int {
        try await db.read { try await $0.raw("\(unsafeRaw: sql)").first()!.decode(column: "n", as: Int.self) }
    }
}
