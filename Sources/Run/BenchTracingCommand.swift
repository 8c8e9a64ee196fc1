import ArgumentParser
import ContactTracing
import Foundation
import SQLKit
import Storage

/// Measures tracing in-process against the hand-written reference query, on the same database in the same run
/// (scripts/bench-tracing.sh adds the same through the HTTP API). Hidden: a tool for docs/performance.md.
struct BenchTracingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-tracing", abstract: "Time tracing against its reference SQL.",
                                                    shouldDisplay: false)

    @Option(help: "Traced people (the seeded F0 cases first, or see --present).") var people: Int = 200
    @Flag(help: "Trace people checked in on the window's last day (every 1009th person id) instead of the F0 cases: a simulated epidemic's F0 are isolated and have few check-ins in the window, while anyone out and about may test positive tomorrow.")
    var present = false
    @Option(help: "Days in each exposure window, ending at the last check-in.") var days: Int = 21
    @Option(help: "Rounds over the people.") var rounds: Int = 3
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let database = try await Database.open(try db.resolve(Environment.reader), logger: Environment.logger("sentinel.bench"))
        let rules = try TracingRules.bundled()
        let engine = TracingEngine(rules: rules)
        let (persons, end) = try await database.read { sql -> ([Int64], Date) in
            let end = try await sql.raw("SELECT MAX(checked_in_at) AS t FROM checkins").first()!.decode(column: "t", as: Date?.self) ?? Date()
            let chosen: SQLQueryString = present ? """
                SELECT DISTINCT person_id FROM checkins WHERE checked_in_at >= \(bind: end.addingTimeInterval(-86400)) AND person_id % 1009 = 7
                ORDER BY person_id LIMIT \(bind: people)
                """ : "SELECT person_id FROM cases WHERE classification = 'F0' ORDER BY id LIMIT \(bind: people)"
            var ids = try await sql.raw(chosen).all().map { try $0.decode(column: "person_id", as: Int64.self) }
            if ids.count < people {
                ids += try await sql.raw("SELECT person_id FROM checkins WHERE checked_in_at >= \(bind: end.addingTimeInterval(-86400)) LIMIT \(bind: people - ids.count)")
                    .all().map { try $0.decode(column: "person_id", as: Int64.self) }
            }
            return (ids, end)
        }
        let window = DateInterval(start: end.addingTimeInterval(-Double(days) * 86400), end: end)
        var engineTimes: [Double] = [], referenceTimes: [Double] = []
        var presences = 0, candidates = 0, referenceRows = 0
        var candidateCounts: [Double] = []
        let clock = ContinuousClock()
        for round in 0..<rounds {
            for person in persons {
                // Alternate which goes first, so neither always meets a warmer cache.
                for which in (round + Int(person)) % 2 == 0 ? [0, 1] : [1, 0] {
                    let started = clock.now
                    if which == 0 {
                        let outcome = try await database.read { try await engine.trace(person: person, window: window, on: $0) }
                        engineTimes.append(Self.ms(clock.now - started))
                        if round == 0 {
                            presences += outcome.presences.count
                            candidates += outcome.candidates.count
                            candidateCounts.append(Double(outcome.candidates.count))
                        }
                    } else {
                        let rows = try await database.read { try await TracingReference.run(kind: database.kind, person: person, window: window, rules: rules, on: $0) }
                        referenceTimes.append(Self.ms(clock.now - started))
                        if round == 0 { referenceRows += rows.count }
                    }
                }
            }
        }
        let n = Double(max(persons.count, 1))
        print(String(format: "database %@ · %d traced people × %d rounds · window %d days · mean %.1f presences, %.0f candidates (reference %.0f rows)",
                     database.kind == .sqlite ? "SQLite" : "PostgreSQL", persons.count, rounds, days, Double(presences) / n, Double(candidates) / n,
                     Double(referenceRows) / n))
        let c = Self.percentiles(candidateCounts)
        print(String(format: "candidates per traced person: median %.0f, p99 %.0f", c.p50, c.p99))
        let e = Self.percentiles(engineTimes), r = Self.percentiles(referenceTimes)
        print(String(format: "| engine (in-process) | %.2f ms | %.2f ms | %.2f ms |", e.p50, e.p99, e.mean))
        print(String(format: "| reference SQL       | %.2f ms | %.2f ms | %.2f ms |", r.p50, r.p99, r.mean))
        print(String(format: "engine / reference: p50 %.2f×, p99 %.2f×", e.p50 / r.p50, e.p99 / r.p99))
        await database.close()
    }

    static func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

    static func percentiles(_ values: [Double]) -> (p50: Double, p99: Double, mean: Double) {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return (0, 0, 0) }
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))] }
        return (at(0.5), at(0.99), sorted.reduce(0, +) / Double(sorted.count))
    }
}
