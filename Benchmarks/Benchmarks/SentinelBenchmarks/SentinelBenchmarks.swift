// In-process benchmarks of the foundation's hot paths, each beside a reference where one exists.
import Accounts
import App
import Benchmark
import Domain
import Foundation
import Geography
import SQLKit
import Storage

/// A migrated SQLite file with Dong Nai's areas, built once for the suite.
actor Fixture {
    static let shared = Fixture()
    private var database: Database?

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

    Benchmark("AreaStore.unit by code (SQLite)") { benchmark in
        let store = AreaStore(database: try await Fixture.shared.get())
        for _ in benchmark.scaledIterations { blackHole(try await store.unit(code: "25993", vintage: "2021")) }
    }
    // Reference: the cheapest query the same pool can run.
    Benchmark("reference: SELECT 1 (SQLite, same pool)") { benchmark in
        let db = try await Fixture.shared.get()
        for _ in benchmark.scaledIterations { blackHole(try await db.read { try await $0.raw("SELECT 1 AS one").all() }) }
    }
    Benchmark("ScopeFilter.covers (SQLite)") { benchmark in
        let db = try await Fixture.shared.get()
        let scope = ScopeFilter(scopeCode: "731")
        for _ in benchmark.scaledIterations { blackHole(try await db.read { try await scope.covers("25993", on: $0) }) }
    }
}
