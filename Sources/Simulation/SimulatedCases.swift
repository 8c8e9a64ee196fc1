import ContactTracing
import Domain
import Foundation
import Laboratory
import SQLKit
import Storage

/// A confirmed case as the epidemic produced it, ready for the case store.
struct SimulatedCase: Sendable {
    let person: Int64
    let commune: String
    let facts: CaseFacts
}

/// A household member quarantined because of a confirmed case.
struct SimulatedContact: Sendable {
    let person: Int64
    let source: Int64
    let commune: String
    let facts: CaseFacts
}

extension Simulator {
    /// The epidemic's records: each day's confirmed cases (F0, or a quarantined F1 upgraded with its history) with
    /// severity, place of care and outcome, their household contacts as F1 in home quarantine linked to the case,
    /// and the laboratory's work: each confirmation's individual positive RT-PCR, the positive pool that screening
    /// found it in (when it had no symptoms and was not in quarantine), and negative screening pools around it. Through the case
    /// store's own insert (one transaction per day) after the same validation as user input; samples in bulk.
    func writeEpidemic(_ epidemic: Epidemic, _ model: ProvinceModel, personBase: Int64) async throws -> SimulationSummary.Phase {
        // An interrupted run wrote part of this phase: it starts again from nothing.
        try await database.write { db in try await Self.removeRecords(personBase: personBase, on: db) }
        // After the removal: the same ids as an uninterrupted run (unless someone collected a sample meanwhile).
        let sampleBase = try await database.read { db in
            try await db.raw("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM samples").first()!.decode(column: "n", as: Int64.self)
        }
        let rules = try await database.read { try await QuarantineRuleBook.table(on: $0) }
        let total = epidemic.confirmed.reduce(0) { $0 + $1.count } + epidemic.quarantined.reduce(0) { $0 + $1.count }
        progress.begin("cases", total: total)
        var rng = SimRandom(seed: options.seed).fork(4)
        var lab = LabRows(base: sampleBase)
        var residents: [[Int32]] = Array(repeating: [], count: model.communes.count)
        for i in model.commune.indices { residents[Int(model.commune[i])].append(Int32(i)) }
        let stamp = self.stamp
        var written = 0
        for day in 0..<options.days {
            guard let dayName = LocalDay.adding(day - options.days + 1, to: options.lastDay) else { continue }
            func name(_ d: Int16) -> String { LocalDay.adding(Int(d) - day, to: dayName)! }
            var cases: [SimulatedCase] = []
            for person in epidemic.confirmed[day] {
                let j = Int(person)
                let sampled = max(Int(epidemic.eligibleOn[j]), day - 3)
                let commune = Int(model.commune[j])
                let sampledAt = LocalDay.start(name(Int16(sampled)))!
                // Screening around the case: two pools of ten neighbours, negative (no one infectious that day); and
                // when screening found the case itself (no symptoms, not in quarantine), its pool was positive first.
                for _ in 0..<2 {
                    let pool = neighbours(of: commune, count: 10, on: sampled, besides: j, epidemic, residents, &rng)
                    lab.add(people: pool.map { personBase + Int64($0) }, positive: false, commune: model.communes[commune].code,
                            sampled: sampledAt, resulted: sampledAt, reason: .screening, &rng)
                }
                if epidemic.onsetOn[j] == Epidemic.never, epidemic.isolatedFrom[j] >= epidemic.confirmedOn[j] {
                    let pool = [j] + neighbours(of: commune, count: 9, on: sampled, besides: j, epidemic, residents, &rng)
                    lab.add(people: pool.map { personBase + Int64($0) }, positive: true, commune: model.communes[commune].code,
                            sampled: LocalDay.start(name(Int16(sampled - 1)))!, resulted: LocalDay.start(name(Int16(sampled - 1)))!,
                            reason: .screening, &rng)
                    // Everyone of the pool is tested again alone: the others are negative.
                    for m in pool.dropFirst() {
                        lab.add(people: [personBase + Int64(m)], positive: false, commune: model.communes[commune].code, sampled: sampledAt,
                                resulted: sampledAt, reason: .screening, &rng)
                    }
                }
                // Why the case came to be tested: symptoms (registered from the phone), a contact in quarantine (the
                // station registers it), or screening (its pool was positive).
                let reason: TestReason = epidemic.isolatedFrom[j] < epidemic.confirmedOn[j] ? .f1
                    : epidemic.onsetOn[j] != Epidemic.never ? .symptoms : .screening
                let tube = lab.add(people: [personBase + Int64(j)], positive: true, commune: model.communes[commune].code,
                                   sampled: sampledAt, resulted: LocalDay.start(dayName)!, reason: reason, &rng)
                var facts = clinicalCourse(age: Int(model.age[j]), symptomatic: epidemic.onsetOn[j] != Epidemic.never, confirmed: day, &rng)
                    .facts { name(Int16($0)) }
                facts.confirmedOn = dayName
                facts.sampledOn = name(Int16(sampled))
                facts.testReference = tube
                facts.isolatedOn = dayName
                if epidemic.onsetOn[j] <= Int16(day) { facts.onsetOn = name(epidemic.onsetOn[j]) }
                cases.append(SimulatedCase(person: personBase + Int64(j), commune: model.communes[Int(model.commune[j])].code, facts: facts))
            }
            var contacts: [SimulatedContact] = []
            for (member, source) in epidemic.quarantined[day] {
                var facts = CaseFacts()
                facts.lastExposureOn = dayName
                facts.quarantineSetting = .home
                facts.quarantineStart = dayName
                contacts.append(SimulatedContact(person: personBase + Int64(member), source: personBase + Int64(source),
                                                 commune: model.communes[Int(model.commune[Int(member)])].code, facts: facts))
            }
            for facts in cases.map(\.facts) + contacts.map(\.facts) {
                var v = Validator()
                facts.validate(into: &v)
                try v.check()
            }
            try await database.write { [cases, contacts] db in
                var caseOf: [Int64: Int64] = [:]
                for c in cases {
                    caseOf[c.person] = try await CaseStore.confirming(person: c.person, commune: c.commune, facts: c.facts,
                                                                      reason: "xét nghiệm RT-PCR dương tính \(c.facts.testReference!)", by: nil,
                                                                      rules: rules, now: stamp, on: db)
                }
                for contact in contacts {
                    let id: Int64
                    do {
                        id = try await CaseStore.insert(person: contact.person, as: .f1, commune: contact.commune, facts: contact.facts,
                                                        reason: "cùng hộ gia đình với ca bệnh", by: nil, rules: rules, now: stamp, on: db)
                    } catch is CaseExists {
                        continue  // one case per person: quarantined before, or a case already
                    }
                    guard let source = caseOf[contact.source] else { continue }
                    try await db.raw("""
                        INSERT INTO case_sources (case_id, source_case_id, kind, exposure_from, exposure_to, linked_at)
                        VALUES (\(bind: id), \(bind: source), 'household', \(bind: LocalDay.start(contact.facts.lastExposureOn!)!),
                                \(bind: LocalDay.start(contact.facts.lastExposureOn!)!.addingTimeInterval(86_400)), \(bind: stamp))
                        """).run()
                }
            }
            written += cases.count + contacts.count
            progress.advance(by: cases.count + contacts.count)
        }
        try await lab.write(to: database)
        return .init(name: "cases", rows: written, seconds: progress.end())
    }

    /// Up to `count` residents of a commune other than the case, none infected or isolated on that day (they would not
    /// test negative). The case itself is left out even when its infection has run its course by then.
    func neighbours(of commune: Int, count: Int, on day: Int, besides source: Int, _ epidemic: Epidemic, _ residents: [[Int32]],
                    _ rng: inout SimRandom) -> [Int] {
        var chosen: [Int] = []
        let people = residents[commune]
        for _ in 0..<(count * 3) where chosen.count < count && !people.isEmpty {
            let m = Int(rng.pick(people))
            let d = Int16(day)
            let infected = epidemic.infectedOn[m] <= d && d < epidemic.infectiousUntil[m]
            if m != source, !infected, !epidemic.staysHome(m, on: day), !chosen.contains(m) { chosen.append(m) }
        }
        return chosen
    }

    /// Severity from age (older people more often severe), place of care from severity, and the outcome — death for
    /// some severe and critical cases, recovery after an illness of its severity's length — when it falls within the
    /// simulated days. Days are relative to the first simulated day.
    func clinicalCourse(age: Int, symptomatic: Bool, confirmed day: Int, _ rng: inout SimRandom) -> ClinicalCourse {
        var course = ClinicalCourse()
        if !symptomatic {
            course.severity = .asymptomatic
        } else {
            let grave = age >= 65 ? 0.25 : age >= 50 ? 0.10 : 0.03
            let u = rng.unit()
            course.severity = u < grave * 0.3 ? .critical : u < grave ? .severe : u < grave + 0.15 ? .moderate : .mild
        }
        switch course.severity {
        case .asymptomatic, .mild: course.carePlace = rng.chance(0.7) ? .home : .tier1
        case .moderate: course.carePlace = .tier2
        case .severe, .critical: course.carePlace = .tier3
        }
        let dies = switch course.severity {
        case .critical: rng.chance(0.5)
        case .severe: rng.chance(0.2)
        default: age >= 65 && rng.chance(0.01)
        }
        let illness: ClosedRange<Int> = switch course.severity {
        case .asymptomatic, .mild: 7...14
        case .moderate: 10...21
        case .severe, .critical: 14...28
        }
        let length = rng.int(dies ? 3...15 : illness)
        if day + length < options.days {
            course.outcome = dies ? .died : .recovered
            course.outcomeDay = day + length
        }
        return course
    }

    /// Everything the epidemic phase writes about simulated people: cases and what hangs on them, samples, results,
    /// certificates issued from them, texts. Inside the caller's transaction.
    static func removeRecords(personBase: Int64, on db: any SQLDatabase) async throws {
        let cases: SQLQueryString = "SELECT id FROM cases WHERE person_id >= \(bind: personBase)"
        try await db.raw("DELETE FROM trace_candidates WHERE run_id IN (SELECT id FROM trace_runs WHERE case_id IN (\(cases)))").run()
        try await db.raw("DELETE FROM trace_candidates WHERE person_id >= \(bind: personBase)").run()
        try await db.raw("DELETE FROM trace_run_presences WHERE run_id IN (SELECT id FROM trace_runs WHERE case_id IN (\(cases)))").run()
        try await db.raw("DELETE FROM trace_runs WHERE case_id IN (\(cases))").run()
        for table in ["case_sources", "case_classifications", "case_events", "venue_exposures", "declared_contacts"] {
            try await db.raw("DELETE FROM \(ident: table) WHERE case_id IN (\(cases))").run()
        }
        try await db.raw("DELETE FROM case_sources WHERE source_case_id IN (\(cases))").run()
        try await db.raw("DELETE FROM cases WHERE person_id >= \(bind: personBase)").run()
        let certificates: SQLQueryString = "SELECT uvci FROM certificates WHERE person_id >= \(bind: personBase)"
        for table in ["certificate_complaints", "certificate_revocations"] {
            try await db.raw("DELETE FROM \(ident: table) WHERE uvci IN (\(certificates))").run()
        }
        try await db.raw("UPDATE certificates SET replaces = NULL WHERE person_id >= \(bind: personBase)").run()
        try await db.raw("DELETE FROM certificates WHERE person_id >= \(bind: personBase)").run()
        // The samples are known by their members, or — when an interrupted run wrote the tubes but not their members —
        // by the simulator's tubes (client id = barcode "SIM…"; a device's client id is a UUID). Listed first: the
        // rows that refer to them go before them.
        try await db.raw("DROP TABLE IF EXISTS simulated_samples").run()
        try await db.raw("""
            CREATE TEMPORARY TABLE simulated_samples AS
            SELECT sample_id FROM sample_members WHERE person_id >= \(bind: personBase)
            UNION SELECT id FROM samples WHERE tube_barcode LIKE 'SIM%' AND client_id = tube_barcode
            """).run()
        for table in ["person_tests", "sample_results", "sample_members"] {
            try await db.raw("DELETE FROM \(ident: table) WHERE sample_id IN (SELECT sample_id FROM simulated_samples)").run()
        }
        try await db.raw("DELETE FROM samples WHERE id IN (SELECT sample_id FROM simulated_samples)").run()
        try await db.raw("DROP TABLE simulated_samples").run()
        try await db.raw("DELETE FROM outbox WHERE person_id >= \(bind: personBase)").run()
        try await db.raw("DELETE FROM test_registrations WHERE code LIKE 'SIM%'").run()
    }
}

struct ClinicalCourse {
    var severity: Severity = .mild
    var carePlace: CarePlace = .home
    var outcome: Outcome?
    var outcomeDay: Int?

    func facts(day name: (Int) -> String) -> CaseFacts {
        var facts = CaseFacts()
        facts.severity = severity
        facts.carePlace = carePlace
        facts.outcome = outcome
        facts.outcomeOn = outcomeDay.map(name)
        return facts
    }
}

/// The confirmations' samples: one tube per person, collected in the morning of the sampling day, received at the
/// lab three hours later, resulted in the evening of the confirmation day, with Ct values for two targets. Each
/// person sampled was registered first: from the phone for symptoms (hours before), by the health station for a
/// contact or a retest, from the commune's imported list for a screening pool (the evening before).
struct LabRows {
    let base: Int64
    var samples: [[BulkValue]] = []
    var registrations: [[BulkValue]] = []
    var members: [[BulkValue]] = []
    var results: [[BulkValue]] = []
    var tests: [[BulkValue]] = []

    /// One tube: an individual sample (one person) or a pool of up to 10; returns the tube's barcode. A positive
    /// pool makes every member `retest` (a pool is never a positive person), a negative one every member negative.
    @discardableResult
    mutating func add(people: [Int64], positive: Bool, commune: String, sampled: Date, resulted: Date, reason: TestReason,
                      _ rng: inout SimRandom) -> String {
        let id = base + Int64(samples.count)
        let tube = "SIM" + Simulator.pad(Int(id), 9)
        let pooled = people.count > 1
        let collected = sampled.addingTimeInterval(Double(rng.int(7 * 3600...11 * 3600)))
        let result = max(resulted.addingTimeInterval(Double(rng.int(16 * 3600...21 * 3600))), collected.addingTimeInterval(4 * 3600))
        let n = 16 + 14 * rng.unit()
        let ct = positive
            ? "[{\"target\":\"N\",\"value\":\(String(format: "%.1f", n))},{\"target\":\"E\",\"value\":\(String(format: "%.1f", n + rng.unit() * 2))}]" : "[]"
        samples.append([.int(id), .text(tube), .text(tube), .text(commune), .text("rt_pcr"), .text("nasopharyngeal"), .int(pooled ? 1 : 0),
                        .int(pooled ? 10 : 1), .text("resulted"), .instant(collected), .instant(collected.addingTimeInterval(3 * 3600))])
        let outcome = positive ? "positive" : "negative"
        results.append([.int(id), .text(outcome), .text(ct), .text("manual"), .text("Mô phỏng"), .instant(result)])
        let source = pooled ? "import" : reason == .symptoms ? "self" : "staff"
        let registered = pooled ? sampled.addingTimeInterval(-4 * 3600) : collected.addingTimeInterval(-Double(rng.int(3600...30 * 3600)))
        for (k, person) in people.enumerated() {
            // "SIM" + the tube + the member: unique, and never a code a citizen could be given (theirs are 8 characters).
            registrations.append([.text("SIM" + Simulator.pad(Int(id), 9) + "-" + String(k)), .int(person), .text(reason.rawValue), .text(commune),
                                  .text(source), .instant(registered)])
            members.append([.int(id), .int(person), .instant(collected)])
            tests.append([.int(person), .int(id), .text(pooled && positive ? "retest" : outcome), .text("rt_pcr"), .instant(collected), .instant(result),
                          .text(commune)])
        }
        return tube
    }

    func write(to database: Database) async throws {
        try await database.bulkInsert("test_registrations", columns: ["code", "person_id", "reason", "commune_code", "source", "created_at"],
                                      rows: registrations)
        try await database.bulkInsert("samples", columns: ["id", "tube_barcode", "client_id", "commune_code", "method", "specimen", "pooled", "pool_max",
                                                           "status", "collected_at", "received_at"], rows: samples)
        try await database.bulkInsert("sample_members", columns: ["sample_id", "person_id", "added_at"], rows: members)
        try await database.bulkInsert("sample_results", columns: ["sample_id", "outcome", "ct_json", "source", "operator", "resulted_at"], rows: results)
        try await database.bulkInsert("person_tests", columns: ["person_id", "sample_id", "outcome", "method", "sampled_at", "resulted_at", "commune_code"],
                                      rows: tests)
        if database.kind == .postgres, !samples.isEmpty {
            try await database.write { try await $0.raw("SELECT setval('samples_id_seq', (SELECT MAX(id) FROM samples))").run() }
        }
    }
}
