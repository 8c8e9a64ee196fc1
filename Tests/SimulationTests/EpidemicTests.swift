import ContactTracing
import Domain
import Foundation
import Geography
@testable import Simulation
import Storage
import Testing
import TestSupport

/// The epidemic on its own (no rows written): infections come from contact, the reported curve has the real shape.
@Suite struct EpidemicTests {
    /// Simulates days ending 2021-09-30.
    static func run(people: Int, days: Int, from: String, seed: UInt64 = 11) async throws -> (Epidemic, ProvinceModel, [Int]) {
        try await TestDatabases.with(.sqlite) { db in
            try await Migrator().migrate(db)
            try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
            var options = SimulationOptions()
            options.seed = seed
            options.people = people
            options.days = days
            options.lastDay = "2021-09-30"
            options.epidemicFrom = from
            let simulator = Simulator(database: db, options: options, progress: ProgressReporter(quiet: true))
            let model = try await simulator.provinceModel()
            let (_, epidemic) = try await simulator.simulateDays(model, personBase: 1, venueBase: 1, writingFrom: days)
            let target = try ReportedSeries.bundled().reported(from: from, count: days)
            return (epidemic, model, target)
        }
    }

    @Test(arguments: ["2021-09-01", "2021-07-15", "2021-11-01"])
    func theReportedCurveFollowsTheRealSeries(from: String) async throws {
        let (epidemic, _, target) = try await Self.run(people: 20_000, days: 28, from: from)
        let reported = epidemic.confirmed.map { Double($0.count) }
        let r = pearson(reported, target.map(Double.init))
        print("from \(from): r = \(r), reported \(reported.map { Int($0) }), infections \(epidemic.infections), shortfall \(epidemic.shortfall), seeded \(epidemic.seeded), multipliers \(epidemic.multipliers.map { String(format: "%.2f", $0) })")
        #expect(r >= 0.8, "Pearson \(r) between the simulated and the reported daily cases")
        let everyone = epidemic.confirmed.joined()
        #expect(Set(everyone).count == everyone.count, "someone was reported twice")
        let total = reported.reduce(0, +)
        #expect(Double(epidemic.shortfall) <= 0.05 * total, "reports short of infections: \(epidemic.shortfall) of \(total)")
    }

    /// Every infection checked against the movements it came from, regenerated independently of the epidemic's own
    /// bookkeeping: the infector was infectious that day and either shared the household or was at the same place at
    /// an overlapping time; confirmed people never go out after their confirmation; later reports come from
    /// infections made during the simulation, not from the seed.
    @Test func everyInfectionComesFromAContactThatHappened() async throws {
        let days = 21
        let (epidemic, model, _) = try await Self.run(people: 20_000, days: days, from: "2021-09-01", seed: 3)
        let movement = Movement(model: model, seed: 3)
        var presences = DayPresences()
        var checked = 0
        for day in 0..<days {
            let midnight = LocalDay.start(LocalDay.adding(day - days + 1, to: "2021-09-30")!)!
            let dow = Calendar(identifier: .gregorian).dateComponents(in: LocalDay.timeZone, from: midnight).weekday!
            movement.presences(day: day, dow: dow, into: &presences) { epidemic.staysHome($0, on: day) }
            var visits: [Int32: [(venue: Int32, from: Double, to: Double)]] = [:]
            for k in 0..<presences.count {
                let dwell = Double(model.venues[Int(presences.venue[k])].dwellMinutes * 60)
                let to = presences.outAt[k].isNaN ? presences.inAt[k] + dwell : presences.outAt[k]
                visits[presences.person[k], default: []].append((presences.venue[k], presences.inAt[k], to))
                #expect(epidemic.confirmedOn[Int(presences.person[k])] > Int16(day), "a confirmed case went out")
            }
            for j in model.age.indices where epidemic.infectedOn[j] == Int16(day) {
                let source = Int(epidemic.infector[j])
                try #require(source >= 0, "infection without a source on day \(day)")
                #expect(epidemic.infectiousFrom[source] <= Int16(day) && Int16(day) < epidemic.infectiousUntil[source])
                if epidemic.infectedAt[j] < 0 {
                    #expect(model.household[j] == model.household[source], "a home infection outside the household")
                } else {
                    let venue = epidemic.infectedAt[j]
                    let mine = visits[Int32(j)]?.filter { $0.venue == venue } ?? []
                    let theirs = visits[Int32(source)]?.filter { $0.venue == venue } ?? []
                    let met = mine.contains { a in theirs.contains { b in min(a.to, b.to) > max(a.from, b.from) } }
                    #expect(met, "infected at venue \(venue) without overlapping its source there")
                }
                checked += 1
            }
        }
        #expect(checked > 50, "\(checked) infections checked")
        let late = epidemic.confirmed.suffix(7).joined()
        let fromSimulation = late.filter { epidemic.infectedOn[Int($0)] >= 0 }.count
        #expect(Double(fromSimulation) >= 0.8 * Double(late.count), "\(fromSimulation) of \(late.count) late reports infected during the simulation")
    }
}

/// The epidemic as rows: cases, contacts, tests and counts in the database, checked with SQL against each other.
@Suite struct EpidemicRecordsTests {
    @Test(arguments: TestDatabases.kinds)
    func theEpidemicIsWrittenAsCasesContactsAndTests(kind: DatabaseKind) async throws {
        var options = SimulationOptions()
        options.people = 20_000
        options.days = 7
        options.lastDay = "2021-09-07"
        options.epidemicFrom = "2021-09-01"
        let quotas = try ReportedSeries.bundled().quotas(from: "2021-09-01", count: 7, people: 20_000)
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            _ = try await Simulator(database: db, options: options, progress: ProgressReporter(quiet: true)).run()
            try await db.read { sql in
                // Each day's confirmed cases are that day's scaled report.
                var perDay: [String: Int] = [:]
                for row in try await sql.raw("SELECT confirmed_on, COUNT(*) AS n FROM cases WHERE classification = 'F0' GROUP BY confirmed_on").all() {
                    perDay[try row.decode(column: "confirmed_on", as: String.self)] = try row.decode(column: "n", as: Int.self)
                }
                let days = (0..<7).map { LocalDay.adding($0, to: "2021-09-01")! }
                #expect(days.map { perDay[$0] ?? 0 } == quotas, "confirmed per day \(perDay) against the scaled report \(quotas)")
                // Every F0 has its evidence: one individual positive RT-PCR, resulted on the confirmation day, named by the case.
                let unproven = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM cases c WHERE c.classification = 'F0' AND NOT EXISTS (
                        SELECT 1 FROM person_tests t JOIN samples s ON s.id = t.sample_id JOIN sample_results r ON r.sample_id = s.id
                        WHERE t.person_id = c.person_id AND t.outcome = 'positive' AND r.outcome = 'positive' AND s.pooled = 0
                          AND s.tube_barcode = c.test_reference AND t.method = 'rt_pcr' AND s.collected_at <= t.resulted_at)
                    """).first()!.decode(column: "n", as: Int.self)
                #expect(unproven == 0)
                let positives = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM person_tests t JOIN samples s ON s.id = t.sample_id WHERE s.pooled = 0 AND t.outcome = 'positive'
                    """).first()!.decode(column: "n", as: Int.self)
                #expect(positives == quotas.reduce(0, +), "one individual positive test per confirmed case")
                // Every F1 is a household member of a confirmed case (same address), quarantined from that day.
                let contacts = try await sql.raw("SELECT COUNT(*) AS n FROM cases WHERE classification = 'F1'").first()!.decode(column: "n", as: Int.self)
                let linked = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM cases c JOIN case_sources l ON l.case_id = c.id JOIN cases s ON s.id = l.source_case_id
                    JOIN persons p ON p.id = c.person_id JOIN persons q ON q.id = s.person_id
                    WHERE c.classification = 'F1' AND l.kind = 'household' AND s.classification = 'F0' AND p.address = q.address
                      AND c.quarantine_start = s.confirmed_on AND c.quarantine_end IS NOT NULL
                    """).first()!.decode(column: "n", as: Int.self)
                #expect(contacts > 0 && linked == contacts, "\(linked) of \(contacts) contacts linked to their household's case")
                // Confirmed people stay home from their confirmation on.
                var outAfter = 0
                for row in try await sql.raw("""
                    SELECT k.checked_in_at, c.confirmed_on FROM checkins k JOIN cases c ON c.person_id = k.person_id WHERE c.classification = 'F0'
                    """).all() {
                    let at = try row.decode(column: "checked_in_at", as: Date.self)
                    if LocalDay.string(at) >= (try row.decode(column: "confirmed_on", as: String.self)) { outAfter += 1 }
                }
                #expect(outAfter == 0)
                // Pools: a positive pool makes every member `retest` and holds a confirmed case, every other member
                // tested alone negative afterwards; a negative pool makes every member negative.
                var pools = (positive: 0, negative: 0)
                for row in try await sql.raw("""
                    SELECT s.id, r.outcome, COUNT(*) AS members, SUM(CASE WHEN t.outcome = 'retest' THEN 1 ELSE 0 END) AS retests,
                           SUM(CASE WHEN t.outcome = 'negative' THEN 1 ELSE 0 END) AS negatives,
                           SUM(CASE WHEN c.classification = 'F0' THEN 1 ELSE 0 END) AS cases,
                           SUM(CASE WHEN EXISTS (SELECT 1 FROM person_tests u JOIN samples v ON v.id = u.sample_id
                                                 WHERE u.person_id = t.person_id AND v.pooled = 0 AND u.sampled_at > t.sampled_at) THEN 1 ELSE 0 END) AS alone
                    FROM samples s JOIN sample_results r ON r.sample_id = s.id JOIN person_tests t ON t.sample_id = s.id
                    LEFT JOIN cases c ON c.person_id = t.person_id
                    WHERE s.pooled = 1 GROUP BY s.id, r.outcome
                    """).all() {
                    let members = try row.decode(column: "members", as: Int.self)
                    #expect((2...10).contains(members))
                    if try row.decode(column: "outcome", as: String.self) == "positive" {
                        pools.positive += 1
                        #expect(try row.decode(column: "retests", as: Int.self) == members)
                        #expect(try row.decode(column: "cases", as: Int.self) >= 1)
                        #expect(try row.decode(column: "alone", as: Int.self) == members, "every member of a positive pool tested again alone")
                    } else {
                        pools.negative += 1
                        #expect(try row.decode(column: "negatives", as: Int.self) == members)
                    }
                }
                #expect(pools.positive > 0 && pools.negative > 0, "\(pools)")
                // Everyone sampled was registered before the sample was taken, once per tube, in the sample's commune,
                // for a reason that fits: pools from the commune's imported screening list, a confirmed case's own test
                // for symptoms (from the phone), as a quarantined contact, or after its positive pool (by the station).
                let unregistered = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM person_tests t JOIN samples s ON s.id = t.sample_id
                    WHERE (SELECT COUNT(*) FROM test_registrations g WHERE g.person_id = t.person_id AND g.code LIKE s.tube_barcode || '-%'
                             AND g.created_at < s.collected_at AND g.commune_code = s.commune_code) <> 1
                    """).first()!.decode(column: "n", as: Int.self)
                #expect(unregistered == 0)
                var reasons: [String: Int] = [:]
                for row in try await sql.raw("""
                    SELECT g.reason || '/' || g.source || '/' || CASE WHEN s.pooled = 1 THEN 'pool' WHEN c.test_reference = s.tube_barcode THEN 'case'
                           ELSE 'retest' END AS kind, COUNT(*) AS n
                    FROM test_registrations g JOIN samples s ON g.code LIKE s.tube_barcode || '-%'
                    LEFT JOIN cases c ON c.person_id = g.person_id GROUP BY 1
                    """).all() {
                    reasons[try row.decode(column: "kind", as: String.self)] = try row.decode(column: "n", as: Int.self)
                }
                let allowed: Set<String> = ["screening/import/pool", "symptoms/self/case", "f1/staff/case", "screening/staff/case", "screening/staff/retest"]
                #expect(Set(reasons.keys).isSubset(of: allowed) && reasons["screening/import/pool", default: 0] > 0
                        && reasons["symptoms/self/case", default: 0] > 0, "\(reasons)")
                // Declarations are flagged by the rules: symptoms of the respiratory rule carry it, a declared contact
                // is a quarantined F1 (or a case since), and flagged ones wait for the health station's call.
                let declarations = try await sql.raw("SELECT person_id, report_day, symptoms, exposures, flag_reasons, follow_up FROM health_declarations").all()
                #expect(declarations.count > 20_000 * 7 / 100, "\(declarations.count) declarations")
                var flagged = 0
                for row in declarations {
                    let symptoms = Set(try row.decode(column: "symptoms", as: String.self).split(separator: ",").map(String.init))
                    let reasons = try row.decode(column: "flag_reasons", as: String.self)
                    if !symptoms.isDisjoint(with: ["fever", "cough", "shortness_of_breath", "loss_of_taste_or_smell"]) {
                        #expect(reasons.contains("respiratory-symptom"))
                    }
                    #expect((try row.decode(column: "follow_up", as: String.self) == "pending") == !reasons.isEmpty)
                    if !reasons.isEmpty { flagged += 1 }
                    if try row.decode(column: "exposures", as: String.self).contains("contact_with_case") {
                        let quarantined = try await sql.raw("""
                            SELECT COUNT(*) AS n FROM cases WHERE person_id = \(bind: try row.decode(column: "person_id", as: Int64.self))
                              AND quarantine_start <= \(bind: try row.decode(column: "report_day", as: String.self))
                            """).first()!.decode(column: "n", as: Int.self)
                        #expect(quarantined == 1, "a declared contact without a quarantine")
                    }
                }
                #expect(flagged > 0)
                // The counts equal the records.
                #expect(try await Aggregates.current(on: sql) == Aggregates.recomputed(on: sql))
                let f0 = try await Aggregates.current(on: sql).filter { $0.key.measure == "f0_new" }.values.reduce(0, +)
                #expect(Int(f0) == quotas.reduce(0, +))
            }
        }
    }
}
