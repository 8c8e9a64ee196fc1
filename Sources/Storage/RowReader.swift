import Foundation
import SQLKit
import SQLiteNIO

/// Reads a row's columns by name without the Codable decoder on SQLite, where a row is an array of values already:
/// exports and tracing read millions of rows, and the generic decoder costs more per value than SQLite's own work. Other rows
/// (PostgreSQL) go through `decode`, which is typed there.
public struct RowReader {
    let row: any SQLRow
    let sqlite: SQLiteRow?

    public init(_ row: any SQLRow) {
        self.row = row
        self.sqlite = (row as? SQLiteValuesRow)?.row
    }

    /// True when the row's values are read straight from SQLite (rows of `Database.read` and `dedicatedReader`).
    public var readsSQLiteValues: Bool { sqlite != nil }

    public func text(_ column: String) throws -> String? {
        guard let sqlite else { return try row.decode(column: column, as: String?.self) }
        switch sqlite.column(column) {
        case .text(let value): return value
        case .integer(let value): return String(value)
        case .float(let value): return String(value)
        case .null, nil: return nil
        case .blob: return try row.decode(column: column, as: String?.self)
        }
    }

    public func integer(_ column: String) throws -> Int64? {
        guard let sqlite else { return try row.decode(column: column, as: Int64?.self) }
        switch sqlite.column(column) {
        case .integer(let value): return Int64(value)
        case .null, nil: return nil
        default: return try row.decode(column: column, as: Int64?.self)
        }
    }

    /// An instant stored as seconds since 1970 (SQLite) or a timestamp (PostgreSQL).
    public func instant(_ column: String) throws -> Date? {
        guard let sqlite else { return try row.decode(column: column, as: Date?.self) }
        switch sqlite.column(column) {
        case .float(let value): return Date(timeIntervalSince1970: value)
        case .integer(let value): return Date(timeIntervalSince1970: Double(value))
        case .null, nil: return nil
        default: return try row.decode(column: column, as: Date?.self)
        }
    }

    /// An instant exactly as stored, to bind back into a query (a keyset cursor): SQLite's REAL seconds as they are —
    /// a trip through `Date` may change the last bit, and an equality test with it would then miss the row — and a
    /// `Date` elsewhere (PostgreSQL's microseconds survive the trip).
    public func storedInstant(_ column: String) throws -> any Encodable & Sendable {
        if let sqlite {
            switch sqlite.column(column) {
            case .float(let value): return value
            case .integer(let value): return Double(value)
            default: break
            }
        }
        return try row.decode(column: column, as: Date.self)
    }
}
