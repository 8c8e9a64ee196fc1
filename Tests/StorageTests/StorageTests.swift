import Domain
import Foundation
import SQLKit
import Storage
import Testing
import TestSupport

@Suite struct DatabaseURLTests {
    @Test func parsesTheThreeForms() throws {
        #expect(try DatabaseURL(parsing: "sqlite://sentinel.sqlite") == .sqliteFile(path: "sentinel.sqlite"))
        #expect(try DatabaseURL(parsing: "sqlite::memory:") == .sqliteMemory)
        #expect(try DatabaseURL(parsing: "postgres://u:p%40ss@db.local:6543/sentinel")
                == .postgres(host: "db.local", port: 6543, username: "u", password: "p@ss", database: "sentinel", requireTLS: false))
    }

    @Test func refusesUnknownAndIncompleteURLs() {
        for bad in ["mysql://x/y", "postgres://host/", "postgres:///db", "sqlite://", ""] {
            #expect(throws: DatabaseURL.Invalid.self, "\(bad)") { try DatabaseURL(parsing: bad) }
        }
    }

    @Test func neverPrintsThePassword() throws {
        let url = try DatabaseURL(parsing: "postgres://u:secret@h:5432/d")
        #expect(!url.description.contains("secret"))
    }
}

@Suite struct MigratorTests {
    @Test(arguments: TestDatabases.kinds)
    func appliesEverythingOnceAndASecondRunChangesNothing(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            let first = try await Migrator().migrate(db)
            #expect(first == Migrations.all.map(\.id))
            let second = try await Migrator().migrate(db)
            #expect(second.isEmpty)
            #expect(try await Migrator().appliedIDs(db) == Set(Migrations.all.map(\.id)))
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func refusesADatabaseMigratedByANewerBinary(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await db.write { try await $0.raw("INSERT INTO schema_migrations (id, name, applied_at) VALUES (9999, 'future', \(bind: Date()))").run() }
            await #expect(throws: Migrator.DatabaseNewerThanBinary.self) { try await Migrator().migrate(db) }
            await #expect(throws: Migrator.DatabaseNewerThanBinary.self) { try await Migrator().checkNotNewer(db) }
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func aFailedWriteLeavesNothingBehind(kind: DatabaseKind) async throws {
        struct Boom: Error {}
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            await #expect(throws: Boom.self) {
                try await db.write { sql in
                    try await Settings.set("half", "done", on: sql)
                    throw Boom()
                }
            }
            #expect(try await db.read { try await Settings.get("half", on: $0) } == nil)
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func theAuditLogRefusesUpdatesAndDeletes(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await db.write {
                try await $0.raw("INSERT INTO audit_log (at, action, entity, outcome) VALUES (\(bind: Date()), 'read', 'person', 'ok')").run()
            }
            await #expect(throws: (any Error).self) {
                try await db.write { try await $0.raw("UPDATE audit_log SET outcome = 'forged'").run() }
            }
            await #expect(throws: (any Error).self) {
                try await db.write { try await $0.raw("DELETE FROM audit_log").run() }
            }
            let rows = try await db.read { try await $0.raw("SELECT outcome FROM audit_log").all() }
            #expect(try rows.map { try $0.decode(column: "outcome", as: String.self) } == ["ok"])
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func concurrentWritesAllLand(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask { try await db.write { try await Settings.set("k\(i)", "\(i)", on: $0) } }
                }
                try await group.waitForAll()
            }
            let count = try await db.read { try await $0.raw("SELECT COUNT(*) AS n FROM settings").first()!.decode(column: "n", as: Int.self) }
            #expect(count == 40)
        }
    }
}

@Suite struct ScopeFilterTests {
    /// The scope predicate runs inside every scoped list: it must be an index lookup, not a scan.
    @Test func scopePredicateUsesTheClosureIndexOnSQLite() async throws {
        try await TestDatabases.with(.sqlite) { db in
            try await Migrator().migrate(db)
            let plan = try await db.read { sql in
                try await sql.raw("EXPLAIN QUERY PLAN SELECT id FROM accounts WHERE \(ScopeFilter(scopeCode: "731").predicate("scope_code"))")
                    .all().map { try $0.decode(column: "detail", as: String.self) }
            }
            #expect(plan.contains { $0.contains("area_closure") && $0.contains("ancestor=?") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN area_closure") }, "\(plan)")
        }
    }
}

/// Long exports read on a connection of their own with a small page cache, and still see what was committed.
@Suite struct DedicatedReaderTests {
    @Test(arguments: TestDatabases.kinds)
    func aDedicatedReaderSeesCommittedRowsWithASmallCache(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            let reader = try await db.dedicatedReader(cacheKiB: 2048)
            try await db.write { try await Settings.set("export.probe", "one", on: $0) }
            #expect(try await reader.read { try await Settings.get("export.probe", on: $0) } == "one")
            try await db.write { try await Settings.set("export.probe", "two", on: $0) }
            #expect(try await reader.read { try await Settings.get("export.probe", on: $0) } == "two", "each read sees the last commit")
            if kind == .sqlite {
                let cache = try await reader.read { try await $0.raw("PRAGMA cache_size").first()!.decode(column: "cache_size", as: Int.self) }
                let pooled = try await db.read { try await $0.raw("PRAGMA cache_size").first()!.decode(column: "cache_size", as: Int.self) }
                #expect(cache == -2048 && pooled == -65536, "export \(cache) KiB-ish, pooled readers \(pooled)")
            }
            // Its rows are read straight from SQLite's values (the fast path exports rely on), and read the same as decoded.
            let when = Date(timeIntervalSince1970: 1_636_000_000.5)
            let row = try await reader.read { db in
                try await db.raw("SELECT 'Nguyễn' AS t, 42 AS i, \(bind: when) AS d, NULL AS n").first()!
            }
            let values = RowReader(row)
            #expect(values.readsSQLiteValues == (kind == .sqlite))
            #expect(try values.text("t") == "Nguyễn" && values.integer("i") == 42 && values.text("n") == nil && values.integer("n") == nil)
            #expect(try values.instant("d").map { abs($0.timeIntervalSince(when)) < 0.001 } == true)
            #expect(try row.decode(column: "t", as: String.self) == "Nguyễn", "the ordinary decoding still works on such a row")
            // The pooled readers' rows too (tracing reads its co-visits through them).
            let pooled = try await db.read { try await $0.raw("SELECT 7 AS i").first()! }
            #expect(try RowReader(pooled).readsSQLiteValues == (kind == .sqlite) && RowReader(pooled).integer("i") == 7)
            await reader.close()
        }
    }
}

/// What keeps a long run of check-ins from growing the server's memory with the file (docs/performance.md, the soak).
@Suite struct MemoryMapTests {
    @Test func theWriterMapsNoPagesWhileReadersDo() async throws {
        try await TestDatabases.with(.sqlite) { db in
            let written = try await db.write { try await $0.raw("PRAGMA mmap_size").first()!.decode(column: "mmap_size", as: Int.self) }
            let read = try await db.read { try await $0.raw("PRAGMA mmap_size").first()!.decode(column: "mmap_size", as: Int.self) }
            #expect(written == 0, "every page the writer touched would stay in the process's RSS")
            #expect(read > 1 << 30, "tracing's readers read large tables through the memory map (\(read) bytes)")
        }
    }
}

/// On an SQLite file the write-ahead log is copied back by a connection of its own, not inside the writer's commits.
@Suite struct BackgroundCheckpointTests {
    @Test func theLogIsCheckpointedInTheBackgroundAndTheWriterWaitsLonger() async throws {
        try await TestDatabases.with(.sqlite) { db in
            try await Migrator().migrate(db)
            let threshold = try await db.write { try await $0.raw("PRAGMA wal_autocheckpoint").first()!.decode(column: "wal_autocheckpoint", as: Int.self) }
            #expect(threshold > 1000, "the writer leaves ordinary checkpoints to the background (\(threshold) pages)")
            let before = db.framesCheckpointedInBackground ?? -1
            for i in 0..<20 { try await db.write { try await Settings.set("checkpoint.probe.\(i)", String(repeating: "x", count: 2000), on: $0) } }
            var copied = before
            for _ in 0..<2_000 where copied <= before {
                try await Task.sleep(for: .milliseconds(5))
                copied = db.framesCheckpointedInBackground ?? -1
            }
            #expect(copied > before, "the background checkpointer copied the new frames back (\(before) → \(copied))")
            #expect(try await db.read { try await Settings.get("checkpoint.probe.19", on: $0) }?.count == 2000)
        }
    }

    @Test func withoutItTheWriterCheckpointsAsSQLiteDoes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try await Database.open(.sqliteFile(path: directory.appendingPathComponent("t.sqlite").path), backgroundCheckpoints: false)
        let threshold = try await db.write { try await $0.raw("PRAGMA wal_autocheckpoint").first()!.decode(column: "wal_autocheckpoint", as: Int.self) }
        #expect(threshold == 1000 && db.framesCheckpointedInBackground == nil)
        await db.close()
    }
}
