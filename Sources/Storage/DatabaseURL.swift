import SQLKit
import Foundation

/// Where the data lives, as the operator writes it: `sqlite://sentinel.sqlite`, `sqlite::memory:` or
/// `postgres://user:pass@host:port/db`.
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    case sqliteFile(path: String)
    case sqliteMemory
    case postgres(host: String, port: Int, username: String, password: String?, database: String, requireTLS: Bool)

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "sqlite::memory:" || trimmed == "sqlite://:memory:" {
            self = .sqliteMemory
            return
        }
        if trimmed.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw Invalid(description: "sqlite:// needs a file path, e.g. sqlite://sentinel.sqlite") }
            self = .sqliteFile(path: path)
            return
        }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: trimmed), let host = components.host, !host.isEmpty else {
                throw Invalid(description: "cannot read the PostgreSQL URL; expected postgres://user:pass@host:port/db")
            }
            let database = String(components.path.drop(while: { $0 == "/" }))
            guard !database.isEmpty else { throw Invalid(description: "the PostgreSQL URL names no database (…/dbname)") }
            guard let user = components.user, !user.isEmpty else {
                throw Invalid(description: "the PostgreSQL URL names no user (postgres://user@host/db)")
            }
            let sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value
            self = .postgres(
                host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
                password: components.password?.removingPercentEncoding, database: database,
                requireTLS: sslmode == "require")
            return
        }
        throw Invalid(description: "unknown database URL '\(trimmed)'; use sqlite://FILE, sqlite::memory: or postgres://user:pass@host:port/db")
    }

    public var kind: DatabaseKind {
        switch self {
        case .sqliteFile, .sqliteMemory: .sqlite
        case .postgres: .postgres
        }
    }

    /// Safe to log: the password is never printed.
    public var description: String {
        switch self {
        case .sqliteFile(let path): "sqlite://\(path)"
        case .sqliteMemory: "sqlite::memory:"
        case .postgres(let host, let port, let user, _, let db, _): "postgres://\(user):***@\(host):\(port)/\(db)"
        }
    }
}

public enum DatabaseKind: String, Sendable {
    case sqlite
    case postgres

    /// The engine behind a connection or transaction, for the few statements that differ (row locks).
    public static func of(_ db: any SQLDatabase) -> DatabaseKind { db.dialect.name == "sqlite" ? .sqlite : .postgres }
}
