import SQLKit
import Storage

/// The plan the engine would use for a query, one line per step, for tests that fail when a hot query stops using its
/// index. PostgreSQL's statistics are refreshed first for `analyzing`, so a tiny test table does not tempt it to scan.
public enum QueryPlan {
    public static func lines(_ query: SQLQueryString, kind: DatabaseKind, analyzing table: String, on db: Database) async throws -> [String] {
        try await db.read { sql in
            switch kind {
            case .sqlite:
                return try await sql.raw("EXPLAIN QUERY PLAN \(query)").all().map { try $0.decode(column: "detail", as: String.self) }
            case .postgres:
                try await sql.raw("ANALYZE \(ident: table)").run()
                return try await sql.raw("EXPLAIN \(query)").all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
            }
        }
    }
}
