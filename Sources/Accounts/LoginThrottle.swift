import Foundation
import SQLKit
import Storage

/// Ten failed logins for one account or from one address within 15 minutes lock further tries for 15 minutes.
/// Kept in the database so that several servers behind one PostgreSQL share the count.
public struct LoginThrottle: Sendable {
    public let database: Database
    public let limit: Int
    public let window: TimeInterval

    public init(database: Database, limit: Int = 10, window: TimeInterval = 15 * 60) {
        self.database = database
        self.limit = limit
        self.window = window
    }

    /// The subjects that count against a login: the username and the client address.
    public static func subjects(username: String, address: String?) -> [String] {
        ["user:" + username.lowercased()] + (address.map { ["ip:" + $0] } ?? [])
    }

    /// When locked, the moment the lock lifts.
    public func lockedUntil(_ subjects: [String], now: Date = Date()) async throws -> Date? {
        try await database.read { db in
            var until: Date? = nil
            for subject in subjects {
                let rows = try await db.raw("""
                    SELECT failed_at FROM login_failures WHERE subject = \(bind: subject) AND failed_at > \(bind: now.addingTimeInterval(-window))
                    ORDER BY failed_at DESC LIMIT \(bind: limit)
                    """).all()
                guard rows.count >= limit else { continue }
                // The lock lifts when the oldest of the last `limit` failures leaves the window.
                let oldest = try rows.last!.decode(column: "failed_at", as: Date.self)
                let lifts = oldest.addingTimeInterval(window)
                until = max(until ?? lifts, lifts)
            }
            return until
        }
    }

    public func recordFailure(_ subjects: [String], now: Date = Date()) async throws {
        try await database.write { db in
            for subject in subjects {
                try await db.raw("INSERT INTO login_failures (subject, failed_at) VALUES (\(bind: subject), \(bind: now))").run()
            }
            try await db.raw("DELETE FROM login_failures WHERE failed_at < \(bind: now.addingTimeInterval(-2 * window))").run()
        }
    }
}
