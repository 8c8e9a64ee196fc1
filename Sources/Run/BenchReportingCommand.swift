import Accounts
import ArgumentParser
import Domain
import Foundation
import Geography
import Reporting
import Storage

/// `sentinel bench-reporting`: on a simulated province, tops the cases up to `--cases` (bulk, spread over the last 90
/// days), rebuilds the daily counts, then times in one run: the dashboard's figures from the daily counts, the same
/// headline figures computed from the records, and the district maps. Hidden: a measuring tool for docs/performance.md.
struct BenchReportingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-reporting", shouldDisplay: false)

    @Option(help: "sqlite://FILE or postgres://… holding a simulated province.") var database: String
    @Option(help: "Cases the province should hold (added in bulk when fewer).") var cases = 100_000
    @Option(help: "Timed rounds of each read.") var rounds = 30
    @Option(help: "Rounds of the computation from the records (slow; 0 skips it).") var rawRounds = 3
    @Flag(help: "Keep the daily counts as they are instead of rebuilding them first.") var skipRebuild = false

    func run() async throws {
        let db = try await Database.open(try DatabaseURL(parsing: database), logger: Environment.logger("sentinel.bench"))
        do {
            try await measure(db)
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }

    func measure(_ db: Database) async throws {
        try await Migrator().migrate(db)
        let areas = AreaStore(database: db)
        try await BundledAreas.loadIfNeeded(into: areas)
        let lastDay = try await db.read { db in
            try await db.raw("SELECT MAX(checked_in_at) AS t FROM checkins").first()?.decode(column: "t", as: Date?.self)
        }.map(LocalDay.string) ?? LocalDay.string(Date())
        let added = try await topUpCases(db, lastDay: lastDay)
        let counts = try await db.read { db in
            (try await db.raw("SELECT COUNT(*) AS n FROM cases").first()!.decode(column: "n", as: Int.self),
             try await db.raw("SELECT COUNT(*) AS n FROM checkins").first()!.decode(column: "n", as: Int.self),
             try await db.raw("SELECT COUNT(*) AS n FROM persons").first()!.decode(column: "n", as: Int.self))
        }
        say("province: \(counts.2) people, \(counts.1) check-ins, \(counts.0) cases (\(added) added now); dashboard day \(lastDay)")

        var started = Date()
        if !skipRebuild {
            try await Aggregates.rebuild(db)
            let rebuild = Date().timeIntervalSince(started)
            let rows = try await db.read { try await $0.raw("SELECT COUNT(*) AS n FROM daily_counts").first()!.decode(column: "n", as: Int.self) }
            say(String(format: "aggregates rebuild (every measure from every record): %.1f s, %d daily counts", rebuild, rows))
        }

        let statistics = Statistics(database: db, areas: areas)
        let risk = RiskLevels(database: db, areas: areas, rules: try .bundled())
        let dashboard = Dashboard(database: db, statistics: statistics, risk: risk)
        let maps = EpidemicMaps(statistics: statistics, risk: risk, areas: areas, districts: try BoundaryReader.bundledDistricts(),
                                imported: BoundaryStore(database: db, areas: areas))
        let province = try await areas.unit(code: "75", vintage: Statistics.vintage)!
        let bienHoa = try await areas.unit(code: "731", vintage: Statistics.vintage)!

        func time(_ label: String, rounds: Int, _ body: () async throws -> Void) async throws -> [Double] {
            try await body()   // warm
            var samples: [Double] = []
            for _ in 0..<rounds {
                started = Date()
                try await body()
                samples.append(Date().timeIntervalSince(started) * 1000)
            }
            return samples
        }
        var table: [(String, [Double])] = []
        table.append(("dashboard figures, province (daily counts)", try await time("d", rounds: rounds) { _ = try await dashboard.snapshot(province, day: lastDay) }))
        table.append(("dashboard figures, Biên Hòa (daily counts)", try await time("d", rounds: rounds) { _ = try await dashboard.snapshot(bienHoa, day: lastDay) }))
        table.append(("live feed figures, province (uncached)", try await time("l", rounds: rounds) { _ = try await dashboard.computeLive(province, day: lastDay) }))
        table.append(("map incidence, province", try await time("m", rounds: rounds) { _ = try await maps.render(.incidence, unit: province, day: lastDay) }))
        table.append(("map risk, province", try await time("m", rounds: rounds) { _ = try await maps.render(.risk, unit: province, day: lastDay) }))
        table.append(("map incidence, Biên Hòa (communes)", try await time("m", rounds: rounds) { _ = try await maps.render(.incidence, unit: bienHoa, day: lastDay) }))

        // The same 28 days of headline figures, computed from the records with the very definitions the counts use (check-ins
        // read through their time index from the first day on), and checked equal to what the dashboard shows.
        let from = LocalDay.adding(-27, to: lastDay)!
        let sources = Array(Set(Dashboard.headlineMeasures.map(\.source))).sorted { $0.rawValue < $1.rawValue }
        var fromRecords: [Aggregates.Key: Int64] = [:]
        if rawRounds > 0 {
            let raw = try await time("r", rounds: rawRounds) {
                fromRecords = try await db.read { try await Aggregates.recomputed(on: $0, sources: sources, checkInsSince: LocalDay.start(from)) }
            }
            table.append(("headline figures from the records (28 days)", raw))
            let snapshot = try await dashboard.snapshot(province, day: lastDay)
            for headline in snapshot.headlines {
                let expected = fromRecords.filter { $0.key.measure == headline.measure && $0.key.day >= from && $0.key.day <= lastDay }.values.reduce(0, +)
                if expected != headline.last28 { say("MISMATCH \(headline.measure): dashboard \(headline.last28), records \(expected)") }
            }
        }
        say("| read | p50 | p95 | max |")
        say("|---|---|---|---|")
        for (label, samples) in table {
            let s = samples.sorted()
            func pct(_ p: Double) -> Double { s[min(s.count - 1, Int((Double(s.count) * p).rounded(.up)) - 1)] }
            say(String(format: "| %@ | %.1f ms | %.1f ms | %.1f ms |", label, pct(0.5), pct(0.95), s.last!))
        }
        if let raw = table.first(where: { $0.0.hasPrefix("headline figures from the records") })?.1 {
            let dash = table[0].1.sorted()[table[0].1.count / 2]
            let rawMedian = raw.sorted()[raw.count / 2]
            say(String(format: "records / daily counts (medians, province dashboard): %.0f×", rawMedian / dash))
        }
    }

    /// Adds cases in bulk until the province holds `cases`: 40 % F0 confirmed over the 90 days up to `lastDay` (recovered
    /// after 14 days, a few deaths), 50 % F1 and 10 % F2, each with its first history entry.
    func topUpCases(_ db: Database, lastDay: String) async throws -> Int {
        let existing = try await db.read { try await $0.raw("SELECT COUNT(*) AS n FROM cases").first()!.decode(column: "n", as: Int.self) }
        let wanted = cases - existing
        guard wanted > 0 else { return 0 }
        let people = try await db.read { db in
            try await db.raw("""
                SELECT id, commune_code FROM persons WHERE commune_code IS NOT NULL AND id NOT IN (SELECT person_id FROM cases)
                ORDER BY id LIMIT \(literal: wanted * 3)
                """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "commune_code", as: String.self)) }
        }
        var rng = SystemRandomNumberGenerator()
        let chosen = people.shuffled(using: &rng).prefix(wanted)
        let firstID = try await db.read { try await $0.raw("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM cases").first()!.decode(column: "n", as: Int64.self) }
        var caseRows: [[BulkValue]] = []
        var history: [[BulkValue]] = []
        let severities = ["asymptomatic", "mild", "mild", "mild", "moderate", "severe", "critical"]
        for (i, person) in chosen.enumerated() {
            let id = firstID + Int64(i)
            let ago = Int.random(in: 0...89)
            let day = LocalDay.adding(-ago, to: lastDay)!
            let at = LocalDay.start(day)!.addingTimeInterval(Double.random(in: 28_800...64_800))
            let roll = Double.random(in: 0..<1)
            let classification = roll < 0.4 ? "F0" : roll < 0.9 ? "F1" : "F2"
            let f0 = classification == "F0"
            let outcome: String? = f0 && ago > 14 ? (Double.random(in: 0..<1) < 0.01 ? "died" : "recovered") : nil
            caseRows.append([.int(id), .int(person.0), .text(classification), .text(person.1), .text(day), f0 ? .text(day) : .null,
                             f0 ? .text(severities.randomElement()!) : .null, f0 ? .text("home") : .null, outcome.map(BulkValue.text) ?? .null,
                             outcome == nil ? .null : .text(LocalDay.adding(14, to: day)!), .text(f0 ? "pending" : (Bool.random() ? "pending" : "in_quarantine")),
                             .instant(at), .instant(at)])
            history.append([.int(id), .text(classification), .instant(at), .text("bench-reporting")])
        }
        try await db.bulkInsert("cases", columns: ["id", "person_id", "classification", "commune_code", "reported_on", "confirmed_on", "severity",
                                                   "care_place", "outcome", "outcome_on", "follow_up", "created_at", "updated_at"], rows: caseRows)
        try await db.bulkInsert("case_classifications", columns: ["case_id", "classification", "changed_at", "reason"], rows: history)
        return caseRows.count
    }
}

/// A line on standard output, flushed at once so a long run shows its progress even when written to a file.
func say(_ line: String) {
    print(line)
    fflush(nil)
}
