import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO

/// An SQLite connection whose rows come out as SQLite's own values (`SQLiteValuesRow`), so `RowReader` reads them
/// without the Codable decoder: SQLiteKit wraps each row in a private type a reader cannot see through, and that
/// decoder was a sixth of an export's time (perf, docs/performance.md). Every read uses it (`Database.read`).
/// Everything else is SQLiteKit's, except that statements are not logged at debug level.
struct SQLiteValuesDatabase: SQLDatabase {
    let connection: SQLiteConnection
    let base: any SQLDatabase

    init(_ connection: SQLiteConnection) {
        self.connection = connection
        self.base = connection.sql()
    }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        let (sql, rawBinds) = serialize(query)
        let binds: [SQLiteData]
        do { binds = try rawBinds.map { try SQLiteDataEncoder().encode($0) } } catch { return eventLoop.makeFailedFuture(error) }
        return connection.query(sql, binds) { onRow(SQLiteValuesRow(row: $0)) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await execute(sql: query, onRow).get()
    }
}

/// A row of `SQLiteValuesDatabase`: its values as SQLite gave them, and the ordinary `SQLRow` decoding besides.
public struct SQLiteValuesRow: SQLRow {
    public let row: SQLiteRow

    public var allColumns: [String] { row.columns.map(\.name) }
    public func contains(column: String) -> Bool { row.column(column) != nil }
    public func decodeNil(column: String) throws -> Bool { (row.column(column) ?? .null) == .null }
    public func decode<D: Decodable>(column: String, as type: D.Type) throws -> D { try row.sql().decode(column: column, as: type) }
}
