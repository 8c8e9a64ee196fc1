import Foundation
import Logging
import SQLKit

/// Applies pending migrations, each in its own transaction, and refuses a database that a newer binary
/// has already migrated (running old code on a newer schema can corrupt data silently).
public struct Migrator: Sendable {
    public let migrations: [Migration]
    private let logger: Logger

    public init(migrations: [Migration] = Migrations.all, logger: Logger = Logger(label: "sentinel.migrate")) {
        precondition(
            zip(migrations, migrations.dropFirst()).allSatisfy { $0.id < $1.id },
            "migration ids must be strictly increasing")
        self.migrations = migrations
        self.logger = logger
    }

    public struct DatabaseNewerThanBinary: Error, CustomStringConvertible {
        public let unknown: [Int]
        public let newestKnown: Int
        public var description: String {
            "the database has migrations \(unknown.map(String.init).joined(separator: ", ")) that this binary does not know "
                + "(it knows up to \(newestKnown)); it was migrated by a newer Sentinel. Run that version, or restore a backup."
        }
    }

    /// Applies what is pending and returns the ids it applied (empty when the schema is current).
    @discardableResult
    public func migrate(_ database: Database) async throws -> [Int] {
        try await database.write { db in
            try await db.raw(SQLQueryString(stringLiteral: Migration.expand(
                "CREATE TABLE IF NOT EXISTS schema_migrations (id BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at {TS} NOT NULL)",
                for: database.kind))).run()
        }
        let applied = try await appliedIDs(database)
        let known = Set(migrations.map(\.id))
        let unknown = applied.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw DatabaseNewerThanBinary(unknown: unknown, newestKnown: migrations.last?.id ?? 0)
        }
        var done: [Int] = []
        for migration in migrations where !applied.contains(migration.id) {
            let ran = try await database.write { db -> Bool in
                if database.kind == .postgres {
                    // Two servers starting at once: the second waits, then sees the migration applied.
                    try await db.raw("SELECT pg_advisory_xact_lock(7461)").run()
                    let rows = try await db.raw("SELECT id FROM schema_migrations WHERE id = \(bind: migration.id)").all()
                    if !rows.isEmpty { return false }
                }
                for statement in migration.statements(for: database.kind) {
                    try await db.raw(SQLQueryString(stringLiteral: statement)).run()
                }
                try await db.raw(
                    "INSERT INTO schema_migrations (id, name, applied_at) VALUES (\(bind: migration.id), \(bind: migration.name), \(bind: Date()))"
                ).run()
                return true
            }
            if ran {
                logger.info("applied migration", metadata: ["id": "\(migration.id)", "name": "\(migration.name)"])
                done.append(migration.id)
            }
        }
        return done
    }

    /// Throws `DatabaseNewerThanBinary` without changing anything.
    public func checkNotNewer(_ database: Database) async throws {
        let unknown = try await appliedIDs(database).subtracting(migrations.map(\.id)).sorted()
        if !unknown.isEmpty { throw DatabaseNewerThanBinary(unknown: unknown, newestKnown: migrations.last?.id ?? 0) }
    }

    public func appliedIDs(_ database: Database) async throws -> Set<Int> {
        try await database.read { db in
            let rows = try await db.raw("SELECT id FROM schema_migrations").all()
            return Set(try rows.map { try $0.decode(column: "id", as: Int.self) })
        }
    }
}
