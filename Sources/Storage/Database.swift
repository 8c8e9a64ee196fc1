import Foundation
import Logging
import Metrics
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The one handle every store uses. It hides which engine runs: SQLite (one writer connection and a few
/// readers over WAL, the default) or PostgreSQL (a `PostgresClient` pool).
///
/// Rule: inside a `write` closure use only the database it hands you; calling `read` or `write` from inside
/// would wait for the connection the closure already holds.
public final class Database: Sendable {
    public let kind: DatabaseKind
    public let url: DatabaseURL
    private let engine: Engine
    private let logger: Logger
    private let metrics: DatabaseMetrics

    private enum Engine: Sendable {
        case sqlite(writer: ConnectionLease<SQLiteConnection>, readers: ConnectionLease<SQLiteConnection>)
        case postgres(client: PostgresClient, runner: Task<Void, Never>)
    }
    /// SQLite files only: the writer leaves checkpoints to it (see `WALCheckpointer`).
    private let checkpointer: WALCheckpointer?

    private init(url: DatabaseURL, engine: Engine, logger: Logger, checkpointer: WALCheckpointer? = nil) {
        self.url = url
        self.kind = url.kind
        self.engine = engine
        self.logger = logger
        self.metrics = DatabaseMetrics(kind: url.kind)
        self.checkpointer = checkpointer
    }

    /// Opens (creating an SQLite file if needed). `readers` and `backgroundCheckpoints` apply to SQLite files only.
    public static func open(_ url: DatabaseURL, readers: Int = 3, backgroundCheckpoints: Bool = true,
                            logger: Logger = Logger(label: "sentinel.db")) async throws -> Database {
        switch url {
        case .sqliteMemory:
            // One in-memory database lives on one connection: it serves reads and writes alike.
            let connection = try await SQLiteConnection.open(storage: .memory, logger: logger).get()
            try await configure(connection, as: .memory)
            let lease = ConnectionLease([connection])
            return Database(url: url, engine: .sqlite(writer: lease, readers: lease), logger: logger)
        case .sqliteFile(let path):
            let absolute = URL(fileURLWithPath: path).path
            // Everything opened so far is closed again if a later step fails (a locked file, a bad pragma): a
            // failed open leaves no file handles behind.
            var opened: [SQLiteConnection] = []
            func connect(_ configure: (SQLiteConnection) async throws -> Void) async throws -> SQLiteConnection {
                let connection = try await SQLiteConnection.open(storage: .file(path: absolute), logger: logger).get()
                opened.append(connection)
                try await configure(connection)
                return connection
            }
            do {
                let writer = try await connect { try await configure($0, as: .writer) }
                var readerConnections: [SQLiteConnection] = []
                for _ in 0..<max(1, readers) { readerConnections.append(try await connect { try await configure($0, as: .reader) }) }
                var checkpointer: WALCheckpointer?
                if backgroundCheckpoints {
                    let connection = try await connect { _ = try await $0.query("PRAGMA busy_timeout = 5000") }
                    _ = try await writer.query("PRAGMA wal_autocheckpoint = \(WALCheckpointer.writerThreshold)")
                    checkpointer = WALCheckpointer(connection: connection, logger: logger)
                }
                return Database(
                    url: url, engine: .sqlite(writer: ConnectionLease([writer]), readers: ConnectionLease(readerConnections)),
                    logger: logger, checkpointer: checkpointer)
            } catch {
                for connection in opened { try? await connection.close().get() }
                throw error
            }
        case .postgres(let host, let port, let username, let password, let database, let requireTLS):
            var configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
            configuration.options.maximumConnections = 16
            configuration.options.minimumConnections = 1
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let runner = Task { await client.run() }
            let db = Database(url: url, engine: .postgres(client: client, runner: runner), logger: logger)
            do {
                // Fail at start, with the server's own words, rather than on the first request.
                _ = try await db.read { try await $0.raw("SELECT 1 AS one").all() }
            } catch {
                runner.cancel()
                throw DatabaseUnavailable(url: url, underlying: String(reflecting: error))
            }
            return db
        }
    }

    /// What an SQLite connection is for decides its settings.
    private enum ConnectionRole { case memory, writer, reader }

    private static func configure(_ connection: SQLiteConnection, as role: ConnectionRole) async throws {
        let sql = connection.sql()
        if role == .writer { try await sql.raw("PRAGMA journal_mode = WAL").run() }
        try await sql.raw("PRAGMA busy_timeout = 5000").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        try await sql.raw("PRAGMA synchronous = NORMAL").run()
        // Readers: reads of large tables (tracing scans thousands of check-ins) go through the OS page cache by
        // memory map instead of a read() per page — as far as the bundled SQLite allows (SQLITE_MAX_MMAP_SIZE: the
        // first 2 GB of the file; the pragma asks for more and is capped).
        // The writer maps nothing: every page it touches would count in the server's RSS for as long as it runs —
        // inserts into random-order indexes touch the whole file, and a 10-minute check-in soak grew RssFile to
        // ~1 GB that way (docs/performance.md) — while the pages it changes are copied into its cache anyway.
        // Each connection keeps 64 MiB of pages.
        let mapBytes = role == .writer ? 0 : 17_179_869_184
        try await sql.raw("PRAGMA mmap_size = \(unsafeRaw: String(mapBytes))").run()
        try await sql.raw("PRAGMA cache_size = -65536").run()
    }

    /// A connection of its own for a long read — an export of millions of rows — so the pooled readers stay free
    /// for requests and their page caches are not filled by pages read once. On an SQLite file it is opened here
    /// with a small page cache (`cacheKiB`); elsewhere (PostgreSQL, an in-memory database) its reads are ordinary
    /// ones. Close it when done.
    public func dedicatedReader(cacheKiB: Int = 4096) async throws -> DedicatedReader {
        guard case .sqliteFile(let path) = url else { return DedicatedReader(database: self, connection: nil) }
        let connection = try await SQLiteConnection.open(storage: .file(path: URL(fileURLWithPath: path).path), logger: logger).get()
        do {
            try await Self.configure(connection, as: .reader)
            try await connection.sql().raw("PRAGMA cache_size = \(unsafeRaw: String(-max(256, cacheKiB)))").run()
        } catch {
            try? await connection.close().get()
            throw error
        }
        return DedicatedReader(database: self, connection: connection)
    }

    /// Runs `body` on a connection for reading. On SQLite it sees the last committed state.
    public func read<T: Sendable>(_ body: sending (any SQLDatabase) async throws -> T) async throws -> T {
        let started = metrics.begin(.read)
        do {
            let result = try await unmeasuredRead(body)
            metrics.end(.read, started, failed: false)
            return result
        } catch {
            metrics.end(.read, started, failed: true)
            throw error
        }
    }

    /// Runs `body` in one transaction: all of it commits, or none of it does.
    public func write<T: Sendable>(_ body: sending (any SQLDatabase) async throws -> T) async throws -> T {
        let started = metrics.begin(.write)
        do {
            let result = try await unmeasuredWrite(body)
            metrics.end(.write, started, failed: false)
            return result
        } catch {
            metrics.end(.write, started, failed: true)
            throw error
        }
    }

    private func unmeasuredRead<T: Sendable>(_ body: sending (any SQLDatabase) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(_, let readers):
            let connection = await readers.acquire()
            do {
                // Rows as SQLite's own values, so `RowReader` reads them without the Codable decoder (tracing reads
                // hundreds of thousands of co-visits per factory worker).
                let result = try await body(SQLiteValuesDatabase(connection))
                await readers.release(connection)
                return result
            } catch {
                await readers.release(connection)
                throw error
            }
        case .postgres(let client, _):
            return try await client.withConnection { try await body($0.sql()) }
        }
    }

    private func unmeasuredWrite<T: Sendable>(_ body: sending (any SQLDatabase) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let writer, _):
            let connection = await writer.acquire()
            do {
                let result = try await Self.transaction(connection.sql(), begin: "BEGIN IMMEDIATE", body)
                await writer.release(connection)
                return result
            } catch {
                await writer.release(connection)
                throw error
            }
        case .postgres(let client, _):
            // Concurrent writers can deadlock (two batches creating overlapping people); PostgreSQL then aborts
            // one of them. Its transaction rolled back whole, so running it again is safe.
            var attempt = 1
            while true {
                do {
                    return try await client.withConnection { try await Self.transaction($0.sql(), begin: "BEGIN", body) }
                } catch let error as PSQLError where attempt < 4 && Self.isRetryable(error) {
                    logger.info("retrying a transaction after a conflict", metadata: ["attempt": "\(attempt)"])
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(5 * attempt))
                }
            }
        }
    }

    /// Deadlock detected (40P01) or serialization failure (40001).
    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    nonisolated(nonsending) private static func transaction<T>(_ sql: some SQLDatabase, begin: String, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await sql.raw(SQLQueryString(stringLiteral: begin)).run()
        do {
            let result = try await body(sql)
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }

    /// Runs `body` on the SQLite writer connection inside one transaction, for the bulk loader's raw statements.
    /// Foreign keys are not checked in it (the pragma only changes outside a transaction): a bulk writer writes the
    /// rows it refers to first — checking would seek the referenced tables at random for every row (rows in time
    /// order refer to people in no order), halving a load; the simulator's tests run `foreign_key_check` after.
    func withSQLiteWriterTransaction<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        guard case .sqlite(let writer, _) = engine else { preconditionFailure("SQLite only") }
        let connection = await writer.acquire()
        do {
            _ = try await connection.query("PRAGMA foreign_keys = OFF")
            _ = try await connection.query("BEGIN IMMEDIATE")
            let result = try await body(connection)
            _ = try await connection.query("COMMIT")
            _ = try await connection.query("PRAGMA foreign_keys = ON")
            await writer.release(connection)
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK")
            _ = try? await connection.query("PRAGMA foreign_keys = ON")
            await writer.release(connection)
            throw error
        }
    }

    /// Frames the background checkpointer has copied back to the SQLite file (nil when there is none).
    public var framesCheckpointedInBackground: Int? { checkpointer?.framesCheckpointed }

    /// The PostgreSQL pool, for the bulk loader's COPY; nil on SQLite.
    var postgresClient: PostgresClient? {
        if case .postgres(let client, _) = engine { return client }
        return nil
    }

    /// True when the database answers a trivial query.
    public func isReachable() async -> Bool {
        do {
            _ = try await read { try await $0.raw("SELECT 1 AS one").all() }
            return true
        } catch {
            return false
        }
    }

    /// Closes every connection. Call once, after the last query.
    public func close() async {
        await checkpointer?.stop()
        switch engine {
        case .sqlite(let writer, let readers):
            var connections = await writer.drain()
            if readers !== writer { connections += await readers.drain() }
            for connection in connections { try? await connection.close() }
        case .postgres(_, let runner):
            runner.cancel()
            _ = await runner.value
        }
    }
}

public struct DatabaseUnavailable: Error, CustomStringConvertible {
    public let url: DatabaseURL
    public let underlying: String
    public var description: String { "cannot reach the database \(url): \(underlying)" }
}

/// See `Database.dedicatedReader`. Each read sees the last committed state (no transaction is held between reads).
public final class DedicatedReader: Sendable {
    let database: Database
    let connection: SQLiteConnection?

    init(database: Database, connection: SQLiteConnection?) {
        self.database = database
        self.connection = connection
    }

    public func read<T: Sendable>(_ body: sending (any SQLDatabase) async throws -> T) async throws -> T {
        guard let connection else { return try await database.read(body) }
        return try await body(SQLiteValuesDatabase(connection))
    }

    public func close() async {
        try? await connection?.close().get()
    }
}
