import Domain
import Foundation
import Logging
import PostgresNIO
import SQLKit
import SQLiteNIO

/// One value of a bulk-loaded row.
public enum BulkValue: Sendable, Equatable {
    case int(Int64)
    case double(Double)
    case text(String)
    /// A UTC instant, as `{TS}` columns hold it.
    case instant(Date)
    case null
}

/// Loads many rows fast, for generated data and imports: COPY on PostgreSQL, multi-row INSERT statements in one
/// transaction per call on SQLite. Rows are written as given: callers validate first.
extension Database {
    /// Rows per INSERT statement on SQLite, bounded by its 32,766 bind parameters.
    static func sqliteRowsPerStatement(columns: Int) -> Int { max(1, min(1000, 32_000 / max(1, columns))) }

    public func bulkInsert(_ table: String, columns: [String], rows: [[BulkValue]]) async throws {
        guard !rows.isEmpty else { return }
        switch kind {
        case .sqlite:
            // One statement text per chunk size, binds as SQLite values directly: the SQL builder's per-value work
            // would otherwise cost more than SQLite's own.
            let step = Self.sqliteRowsPerStatement(columns: columns.count)
            let head = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
            let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
            let full = head + Array(repeating: tuple, count: step).joined(separator: ",")
            try await withSQLiteWriterTransaction { connection in
                for start in stride(from: 0, to: rows.count, by: step) {
                    let end = min(start + step, rows.count)
                    var binds: [SQLiteData] = []
                    binds.reserveCapacity((end - start) * columns.count)
                    for row in rows[start..<end] {
                        for value in row {
                            switch value {
                            case .int(let v): binds.append(.integer(Int(v)))
                            case .double(let v): binds.append(.float(v))
                            case .text(let v): binds.append(.text(v))
                            case .instant(let v): binds.append(.float(v.timeIntervalSince1970))
                            case .null: binds.append(.null)
                            }
                        }
                    }
                    let sql = end - start == step ? full : head + Array(repeating: tuple, count: end - start).joined(separator: ",")
                    _ = try await connection.query(sql, binds)
                }
            }
        case .postgres:
            try await withPostgresConnection { connection in
                try await connection.copyFrom(table: table, columns: columns, logger: Logger(label: "sentinel.bulk")) { writer in
                    var buffer = ByteBuffer()
                    buffer.reserveCapacity(1 << 20)
                    for row in rows {
                        Self.appendCopyLine(row, to: &buffer)
                        if buffer.readableBytes > (1 << 20) - 4096 {
                            try await writer.write(buffer)
                            buffer.clear()
                        }
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
            }
        }
    }

    /// COPY text format: tab-separated, `\N` for NULL, backslash escapes for tab, newline, carriage return and backslash.
    static func appendCopyLine(_ row: [BulkValue], to buffer: inout ByteBuffer) {
        for (i, value) in row.enumerated() {
            if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch value {
            case .int(let v): buffer.writeString(String(v))
            case .double(let v): buffer.writeString(String(v))
            case .null: buffer.writeString("\\N")
            case .instant(let v): buffer.writeString(UTCText.timestamp(v))
            case .text(let v):
                for byte in v.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"): buffer.writeString("\\\\")
                    case UInt8(ascii: "\t"): buffer.writeString("\\t")
                    case UInt8(ascii: "\n"): buffer.writeString("\\n")
                    case UInt8(ascii: "\r"): buffer.writeString("\\r")
                    default: buffer.writeInteger(byte)
                    }
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// The definitions of `table`'s secondary indexes (not those behind primary keys or UNIQUE constraints).
    public func secondaryIndexes(on table: String) async throws -> [(name: String, definition: String)] {
        try await read { db in
            switch self.kind {
            case .sqlite:
                return try await db.raw("""
                    SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = \(bind: table) AND sql IS NOT NULL ORDER BY name
                    """).all().map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "sql", as: String.self)) }
            case .postgres:
                return try await db.raw("""
                    SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i
                    WHERE i.tablename = \(bind: table) AND i.schemaname = current_schema()
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                    ORDER BY i.indexname
                    """).all().map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "sql", as: String.self)) }
            }
        }
    }

    /// Recreates indexes from their stored definitions (as `secondaryIndexes` listed them).
    public func createIndexes(_ indexes: [(name: String, definition: String)]) async throws {
        for index in indexes {
            try await write { try await $0.raw("\(unsafeRaw: index.definition)").run() }
        }
    }

    private func withPostgresConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        guard let client = postgresClient else { preconditionFailure("PostgreSQL only") }
        return try await client.withConnection { try await body($0) }
    }
}

/// Fast UTC text for timestamps (COPY of millions of rows cannot afford a DateFormatter per value).
public enum UTCText {
    /// `yyyy-MM-dd HH:mm:ss.SSSSSS+00`.
    public static func timestamp(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let days = micros >= 0 ? micros / 86_400_000_000 : (micros - 86_399_999_999) / 86_400_000_000
        let inDay = micros - days * 86_400_000_000
        let date = CivilDate(daysSince1970: Int(days))
        let (y, m, d) = (Int64(date.year), Int64(date.month), Int64(date.day))
        let seconds = inDay / 1_000_000, fraction = inDay % 1_000_000
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(fraction, 6))+00"
    }
}
