// In-process benchmarks of the foundation's hot paths, each beside a reference where one exists.
import Accounts
import App
import Benchmark
import CheckIn
import Domain
import Foundation
import Geography
import People
import SQLKit
import Storage

/// A migrated SQLite file with Dong Nai's areas, built once for the suite.
actor Fixture {
    static let shared = Fixture()
    private var database: Database?
    private var areaStore: AreaStore?

    func areas() async throws -> AreaStore {
        if let areaStore { return areaStore }
        let store = AreaStore(database: try await get())
        _ = try await store.unit(code: "75", vintage: "2021")
        areaStore = store
        return store
    }

    func get() async throws -> Database {
        if let database { return database }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-bench-\(getpid()).sqlite").path
        try? FileManager.default.removeItem(atPath: path)
        let db = try await Database.open(.sqliteFile(path: path))
        try await Migrator().migrate(db)
        try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
        database = db
        return db
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(2))

    let names = ["Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Đức", "Phạm Thị Thu Hà"]
    Benchmark("TextFolding.fold (Vietnamese name)") { benchmark in
        for _ in benchmark.scaledIterations { for name in names { blackHole(TextFolding.fold(name)) } }
    }
    // Reference: Foundation's folding alone, without our đ/space handling.
    Benchmark("reference: String.folding(diacriticInsensitive)") { benchmark in
        for _ in benchmark.scaledIterations {
            for name in names { blackHole(name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)) }
        }
    }

    // The benchmark body runs once per sample: the store (and its in-memory snapshot) lives in the fixture, as in
    // the server, so that a sample measures a lookup and not a snapshot load.
    Benchmark("AreaStore.unit by code (in-memory snapshot)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let store = try await Fixture.shared.areas()
        for _ in benchmark.scaledIterations { blackHole(try await store.unit(code: "25993", vintage: "2021")) }
    }
    // Reference: the cheapest query the same pool can run.
    Benchmark("reference: SELECT 1 (SQLite, same pool)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let db = try await Fixture.shared.get()
        for _ in benchmark.scaledIterations { blackHole(try await db.read { try await $0.raw("SELECT 1 AS one").all() }) }
    }
    Benchmark("ScopeFilter.covers (SQLite)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let db = try await Fixture.shared.get()
        let scope = ScopeFilter(scopeCode: "731")
        for _ in benchmark.scaledIterations { blackHole(try await db.read { try await scope.covers("25993", on: $0) }) }
    }
    checkInBenchmarks()
}

// Check-in ingest: the store's full path (validation, venue and person resolution, idempotent insert) against the
// raw rate of inserting the same rows into the same table and indexes, in the same run.
actor CheckInFixture {
    static let shared = CheckInFixture()
    private var state: (Database, [String])?

    /// A database with 200 approved venues; returns it and their tokens.
    func get() async throws -> (Database, [String]) {
        if let state { return state }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-bench-checkin-\(getpid()).sqlite").path
        try? FileManager.default.removeItem(atPath: path)
        let db = try await Database.open(.sqliteFile(path: path))
        try await Migrator().migrate(db)
        try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
        let accounts = AccountStore(database: db, hasher: PasswordHasher(cost: 4))
        let officer = try await accounts.createAsOperator(
            NewAccount(username: "bench", displayName: "bench", password: "long-enough-pw", role: .admin, scopeCode: "75"), trace: .cli("bench")).principal
        let ids = try await VenueStore(database: db).registerAll(
            (0..<200).map { NewVenue(name: "Venue \($0)", type: .market, address: "", communeCode: "25993") }, by: officer, trace: .cli("bench"))
        let tokens = try await db.read { sql in
            try await sql.select().column("token").from("venues").where("id", .in, ids).all().map { try $0.decode(column: "token", as: String.self) }
        }
        state = (db, tokens)
        return (db, tokens)
    }
}

/// 1,000 events from 1,000 people (a tenth of them new each batch) spread over the venues, in random time order.
func makeBatch(_ tokens: [String], batch: Int) -> [CheckInSubmission] {
    let now = Date()
    return (0..<1000).map { i in
        let person = (batch * 100 + i) % 300_000
        return CheckInSubmission(
            eventId: UUID().uuidString, venueToken: tokens[Int.random(in: 0..<tokens.count)],
            person: PersonClaim(idNumber: String(format: "075%09d", person), name: "Người \(person)"),
            checkedInAt: now.addingTimeInterval(-Double.random(in: 0..<(20 * 86400))))
    }
}

let checkInBenchmarks: @Sendable () -> Void = {
    let config = Benchmark.Configuration(metrics: [.wallClock, .throughput, .peakMemoryResident], maxDuration: .seconds(5), maxIterations: 200)
    Benchmark("CheckInStore.ingest, 1,000-event batch (SQLite)", configuration: config) { benchmark in
        let (db, tokens) = try await CheckInFixture.shared.get()
        let store = CheckInStore(database: db)
        var batch = 0
        for _ in benchmark.scaledIterations {
            let events = makeBatch(tokens, batch: batch)
            batch += 1
            benchmark.startMeasurement()
            blackHole(try await store.ingest(events))
            benchmark.stopMeasurement()
        }
    }
    Benchmark("reference: raw INSERT of 1,000 check-in rows, same table and indexes (SQLite)", configuration: config) { benchmark in
        let (db, _) = try await CheckInFixture.shared.get()
        let venueIDs = try await db.read { try await $0.raw("SELECT id FROM venues").all().map { try $0.decode(column: "id", as: Int64.self) } }
        let personIDs = try await db.read { try await $0.raw("SELECT id FROM persons LIMIT 1000").all().map { try $0.decode(column: "id", as: Int64.self) } }
        guard !personIDs.isEmpty else { return }
        for _ in benchmark.scaledIterations {
            let now = Date()
            let rows = (0..<1000).map { i in
                (UUID().uuidString.lowercased(), venueIDs[Int.random(in: 0..<venueIDs.count)], personIDs[i % personIDs.count],
                 now.addingTimeInterval(-Double.random(in: 0..<(20 * 86400))))
            }
            benchmark.startMeasurement()
            try await db.write { sql in
                for start in stride(from: 0, to: rows.count, by: 250) {
                    var insert = sql.insert(into: "checkins")
                        .columns("event_id", "venue_id", "person_id", "commune_code", "checked_in_at", "checked_out_at", "received_at")
                    for row in rows[start..<start + 250] {
                        insert = insert.values(SQLBind(row.0), SQLBind(row.1), SQLBind(row.2), SQLBind("25993"), SQLBind(row.3),
                                               SQLBind(Date?.none), SQLBind(now))
                    }
                    try await insert.run()
                }
            }
            benchmark.stopMeasurement()
        }
    }
}
