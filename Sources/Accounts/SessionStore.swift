import Crypto
import Domain
import Foundation
import SQLKit
import Storage

/// A signed-in session: a browser cookie (`web`) or an API bearer token (`api`).
/// Only the SHA-256 of a token is stored, so a copy of the database does not let anyone sign in.
public struct Session: Sendable, Equatable {
    public let principal: Principal
    public let kind: Kind
    public let csrfToken: String
    public let expiresAt: Date

    public enum Kind: String, Sendable { case web, api }
}

public struct IssuedToken: Sendable, Equatable {
    public let token: String
    public let csrfToken: String
    public let expiresAt: Date
}

public struct SessionStore: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    public func issue(for account: Account, kind: Session.Kind, lifetime: TimeInterval, now: Date = Date()) async throws -> IssuedToken {
        let token = Self.randomToken(), csrf = Self.randomToken()
        let expires = now.addingTimeInterval(lifetime)
        try await database.write { db in
            try await db.raw("""
                INSERT INTO sessions (token_hash, account_id, kind, csrf_token, created_at, expires_at)
                VALUES (\(bind: Self.digest(token)), \(bind: account.id), \(bind: kind.rawValue), \(bind: csrf), \(bind: now), \(bind: expires))
                """).run()
            // Expired sessions are swept as new ones arrive: no separate job to forget.
            try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
        }
        return IssuedToken(token: token, csrfToken: csrf, expiresAt: expires)
    }

    /// The live session for a token: unknown, expired, wrong kind or disabled account → nil.
    public func resolve(_ token: String, kind: Session.Kind, now: Date = Date()) async throws -> Session? {
        guard token.count >= 20, token.count <= 128 else { return nil }
        return try await database.read { db in
            guard let row = try await db.raw("""
                SELECT s.kind, s.csrf_token, s.expires_at, a.id, a.username, a.display_name, a.role, a.scope_code, a.facility_id, a.disabled
                FROM sessions s JOIN accounts a ON a.id = s.account_id
                WHERE s.token_hash = \(bind: Self.digest(token))
                """).first()
            else { return nil }
            let expires = try row.decode(column: "expires_at", as: Date.self)
            guard expires > now, try row.decode(column: "kind", as: String.self) == kind.rawValue,
                  try !row.decode(column: "disabled", as: Bool.self),
                  let role = Role(rawValue: try row.decode(column: "role", as: String.self))
            else { return nil }
            let principal = Principal(
                accountID: try row.decode(column: "id", as: Int64.self), username: try row.decode(column: "username", as: String.self),
                displayName: try row.decode(column: "display_name", as: String.self), role: role,
                scopeCode: try row.decode(column: "scope_code", as: String.self),
                facilityID: try row.decode(column: "facility_id", as: String?.self))
            return Session(principal: principal, kind: kind, csrfToken: try row.decode(column: "csrf_token", as: String.self),
                           expiresAt: expires)
        }
    }

    public func revoke(_ token: String) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Self.digest(token))").run()
        }
    }

    static func digest(_ token: String) -> String {
        Hex.string(SHA256.hash(data: Data(token.utf8)))
    }

    /// 32 bytes from the system's CSPRNG, base64url without padding.
    public static func randomToken() -> String { RandomToken.make(bytes: 32) }
}
