import Domain
import Foundation
import Storage

/// Checks a username and password, with throttling and an audit row for every attempt.
public struct Authenticator: Sendable {
    public let accounts: AccountStore
    public let sessions: SessionStore
    public let throttle: LoginThrottle

    public init(accounts: AccountStore, sessions: SessionStore, throttle: LoginThrottle) {
        self.accounts = accounts
        self.sessions = sessions
        self.throttle = throttle
    }

    public enum Outcome: Sendable, Equatable {
        case signedIn(Account, IssuedToken)
        case invalid
        case locked(until: Date)
    }

    public func login(username: String, password: String, address: String?, kind: Session.Kind, lifetime: TimeInterval,
                      trace: RequestTrace, now: Date = Date()) async throws -> Outcome {
        let subjects = LoginThrottle.subjects(username: username, address: address)
        if let until = try await throttle.lockedUntil(subjects, now: now) {
            try await AuditLog(database: accounts.database).append(
                AuditEntry(principal: nil, action: "login", entity: "account", entityID: username, context: trace, outcome: "locked"))
            return .locked(until: until)
        }
        let found = try await accounts.credentials(username: username)
        // Spend the same bcrypt time whether or not the account exists.
        let matches = try await accounts.hasher.verify(password, hash: found?.1 ?? PasswordHasher.decoyHash)
        guard let (account, _) = found, matches, !account.disabled else {
            try await throttle.recordFailure(subjects, now: now)
            var entry = AuditEntry(principal: found?.0.principal, action: "login", entity: "account", entityID: username,
                                   context: trace, outcome: "failed")
            entry.areaCode = found?.0.scopeCode
            try await AuditLog(database: accounts.database).append(entry)
            return .invalid
        }
        let issued = try await sessions.issue(for: account, kind: kind, lifetime: lifetime, now: now)
        try await AuditLog(database: accounts.database).append(
            AuditEntry(principal: account.principal, action: "login", entity: "account", entityID: String(account.id), context: trace))
        return .signedIn(account, issued)
    }
}
