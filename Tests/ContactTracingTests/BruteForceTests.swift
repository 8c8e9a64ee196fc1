import Domain
import Foundation
import SQLKit
import Storage
import Testing
import TestSupport
import ContactTracing
import Simulation

/// Generated presences with known times, traced through the engine (SQL + ranking) and compared with a brute-force
/// computation that compares every pair of presences in memory.
@Suite struct BruteForceTests {
    typealias Rng = SimRandom

    struct Row { let person: Int64; let venue: Int64; let checkIn: Int; let checkOut: Int? }

    /// Midnight, 2021-09-01, Asia/Ho_Chi_Minh; everything happens on a 5-minute grid over three days, so touching and
    /// identical intervals are common.
    static let origin = 1_630_429_200
    static let venueTypes: [(VenueType, Int)] = [(.market, 60), (.restaurant, 60), (.business, 480), (.school, 420), (.transport, 30), (.other, 5)]

    static func generate(seed: UInt64, people: Int, rows count: Int) -> [Row] {
        var rng = Rng(seed: seed)
        var rows: [Row] = []
        for _ in 0..<count {
            let person = Int64(rng.int(1...people))
            let venue = Int64(rng.int(1...venueTypes.count))
            let checkIn = origin + rng.int(0...(3 * 24 * 12)) * 300
            let checkOut: Int? = rng.chance(0.3) ? nil : checkIn + rng.int(0...(rng.chance(0.05) ? 200 : 36)) * 300
            rows.append(Row(person: person, venue: venue, checkIn: checkIn, checkOut: checkOut))
            if rng.chance(0.05) {
                // The same person checked in twice at once (two phones, a double scan).
                rows.append(Row(person: person, venue: venue, checkIn: checkIn, checkOut: checkOut.map { $0 + 300 }))
            }
        }
        return rows
    }

    static func load(_ rows: [Row], people: Int, into db: Database) async throws {
        try await db.write { sql in
            let now = Date()
            for (i, (type, dwell)) in venueTypes.enumerated() {
                try await sql.raw("""
                    INSERT INTO venues (id, token, name, name_folded, venue_type, address, commune_code, dwell_minutes, status, created_at, updated_at)
                    VALUES (\(bind: Int64(i + 1)), \(bind: "tok\(i)"), \(bind: "Venue \(i)"), \(bind: "venue \(i)"), \(bind: type.rawValue), 'x', '25993',
                            \(bind: dwell), 'approved', \(bind: now), \(bind: now))
                    """).run()
            }
            for p in 1...people {
                try await sql.raw("""
                    INSERT INTO persons (id, full_name, name_folded, qr_token, created_at, updated_at)
                    VALUES (\(bind: Int64(p)), \(bind: "P\(p)"), \(bind: "p\(p)"), \(bind: "q\(p)"), \(bind: now), \(bind: now))
                    """).run()
            }
            for start in stride(from: 0, to: rows.count, by: 100) {
                var insert = sql.insert(into: "checkins").columns("event_id", "venue_id", "person_id", "commune_code", "checked_in_at", "checked_out_at", "received_at")
                for (i, row) in rows[start..<min(start + 100, rows.count)].enumerated() {
                    insert = insert.values(SQLBind("e\(start + i)"), SQLBind(row.venue), SQLBind(row.person), SQLBind("25993"),
                                           SQLBind(Date(timeIntervalSince1970: TimeInterval(row.checkIn))),
                                           SQLBind(row.checkOut.map { Date(timeIntervalSince1970: TimeInterval($0)) }), SQLBind(now))
                }
                try await insert.run()
            }
            if db.kind == .postgres {
                // Explicit ids were given: move the sequences past them.
                try await sql.raw("SELECT setval('venues_id_seq', 100), setval('persons_id_seq', 1000)").run()
            }
        }
    }

    struct Expected: Equatable, CustomStringConvertible {
        let person: Int64
        let overlapSeconds: Int
        let sharedVenues: Int
        let score: Double
        var description: String { "p\(person) \(overlapSeconds)s \(sharedVenues)v \(score)" }
    }

    /// Every pair (a presence of the traced person, a presence of someone else at the same venue), compared directly.
    static func bruteForce(_ rows: [Row], person: Int64, window: (Int, Int), margin: Int, rules: TracingRules) -> [Expected] {
        func end(_ r: Row) -> Int {
            let dwell = venueTypes[Int(r.venue) - 1].1 * 60
            let cap = max(rules.maxPresenceHours * 3600, dwell)
            return min(r.checkOut ?? r.checkIn + dwell, r.checkIn + cap)
        }
        var shared: [Int64: [Int64: [(Int, Int)]]] = [:]  // person → venue → overlap intervals
        for a in rows where a.person == person {
            let from = max(a.checkIn, window.0), to = min(end(a), window.1)
            guard from < to else { continue }
            for b in rows where b.person != person && b.venue == a.venue {
                let s = max(from - margin, b.checkIn), e = min(to + margin, end(b))
                if s < e { shared[b.person, default: [:]][a.venue, default: []].append((s, e)) }
            }
        }
        func unionLength(_ intervals: [(Int, Int)]) -> Int {
            // A sweep over the end points (the engine merges sorted intervals instead): time covered at least once.
            let events = intervals.flatMap { [($0.0, 1), ($0.1, -1)] }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            var depth = 0, covered = 0, last = 0
            for (t, delta) in events {
                if depth > 0 { covered += t - last }
                depth += delta
                last = t
            }
            return covered
        }
        var result: [Expected] = []
        for (candidate, venues) in shared {
            var score = 0.0
            for venue in venues.keys.sorted() {
                let minutes = Double(unionLength(venues[venue]!)) / 60
                score += minutes * rules.weight(venueTypes[Int(venue) - 1].0)
            }
            let overlap = unionLength(venues.values.flatMap { $0 })
            result.append(Expected(person: candidate, overlapSeconds: overlap, sharedVenues: venues.count, score: (score * 100).rounded() / 100))
        }
        return result.sorted {
            ($1.score, $1.sharedVenues, $1.overlapSeconds, $0.person) < ($0.score, $0.sharedVenues, $0.overlapSeconds, $1.person)
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func engineEqualsBruteForceOnRandomCases(kind: DatabaseKind) async throws {
        let people = 60
        let rows = Self.generate(seed: 20210901, people: people, rows: 700)
        var rules = try TracingRules.bundled()
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await Self.load(rows, people: people, into: db)
            var rng = Rng(seed: 7)
            var nonEmpty = 0
            for trial in 0..<300 {
                let person = Int64(rng.int(1...people))
                let start = Self.origin + rng.int(-12...(3 * 24 * 12)) * 300 + (rng.chance(0.5) ? 0 : rng.int(1...299))
                let end = start + rng.int(1...(48 * 12)) * 300
                let margin = [0, 5, 15][rng.int(0...2)]
                rules.marginMinutes = margin
                let window = DateInterval(start: Date(timeIntervalSince1970: TimeInterval(start)), end: Date(timeIntervalSince1970: TimeInterval(end)))
                let outcome = try await db.read { try await TracingEngine(rules: rules).trace(person: person, window: window, on: $0) }
                let expected = Self.bruteForce(rows, person: person, window: (start, end), margin: margin * 60, rules: rules)
                let got = outcome.candidates.map {
                    Expected(person: $0.personId, overlapSeconds: Int(($0.overlapMinutes * 60).rounded()), sharedVenues: $0.sharedVenues, score: $0.score)
                }
                #expect(got == expected, "trial \(trial): person \(person), window \(start)–\(end), margin \(margin)")
                #expect(outcome.candidates.map(\.rank) == outcome.candidates.indices.map { $0 + 1 })
                #expect(outcome.candidates.allSatisfy { c in c.evidence.allSatisfy { $0.from < $0.to && $0.venueId > 0 } })
                // The hand-written reference query of the benchmark answers the same question (the same people).
                let reference = try await db.read { try await TracingReference.run(kind: kind, person: person, window: window, rules: rules, on: $0) }
                #expect(Set(reference.map(\.personID)) == Set(expected.map(\.person)), "reference query, trial \(trial)")
                if !expected.isEmpty { nonEmpty += 1 }
                if got != expected { break }
            }
            #expect(nonEmpty > 100, "the generated data must give most trials some contacts (got \(nonEmpty))")
        }
    }

    @Test func theSameInputsGiveTheSameList() async throws {
        let rows = Self.generate(seed: 99, people: 30, rows: 400)
        let rules = try TracingRules.bundled()
        try await TestDatabases.with(.sqlite) { db in
            try await Migrator().migrate(db)
            try await Self.load(rows, people: 30, into: db)
            let window = DateInterval(start: Date(timeIntervalSince1970: TimeInterval(Self.origin)), duration: 3 * 86400)
            let first = try await db.read { try await TracingEngine(rules: rules).trace(person: 3, window: window, on: $0) }
            for _ in 0..<5 {
                let again = try await db.read { try await TracingEngine(rules: rules).trace(person: 3, window: window, on: $0) }
                #expect(again == first)
            }
            #expect(!first.candidates.isEmpty)
        }
    }
}
