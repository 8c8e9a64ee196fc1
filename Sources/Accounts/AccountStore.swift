import Domain
import Foundation
import SQLKit
import Storage

public struct UsernameTaken: Error, Equatable {
    public let username: String
    public init(username: String) { self.username = username }
}

public struct AccountNotFound: Error, Equatable {
    public let id: Int64
    public init(id: Int64) { self.id = id }
}

/// Staff accounts. Every method taking a `Principal` goes through `AccessGate` and writes the audit log.
public struct AccountStore: Sendable {
    public let database: Database
    public let hasher: PasswordHasher
    let gate: AccessGate

    public init(database: Database, hasher: PasswordHasher) {
        self.database = database
        self.hasher = hasher
        self.gate = AccessGate(database: database)
    }

    // MARK: On behalf of a staff member

    public func create(_ new: NewAccount, by principal: Principal, trace: RequestTrace) async throws -> Account {
        try new.validate()
        try await gate.require(principal, .manageAccounts, area: new.scopeCode, entity: "account", entityID: nil, trace: trace)
        return try await insert(new, principal: principal, trace: trace)
    }

    public func list(by principal: Principal, trace: RequestTrace) async throws -> [Account] {
        try await gate.require(principal, .readAccounts, entity: "account", trace: trace)
        let scope = ScopeFilter(principal)
        return try await database.read { db in
            try await db.raw("\(unsafeRaw: Self.columns) FROM accounts WHERE \(scope.predicate("scope_code")) ORDER BY username")
                .all().map(Self.decode)
        }
    }

    public func get(_ id: Int64, by principal: Principal, trace: RequestTrace) async throws -> Account {
        guard let account = try await find(id: id) else { throw AccountNotFound(id: id) }
        try await gate.require(principal, .readAccounts, area: account.scopeCode, entity: "account", entityID: String(id), trace: trace)
        return account
    }

    public func setDisabled(_ id: Int64, _ disabled: Bool, by principal: Principal, trace: RequestTrace) async throws -> Account {
        guard let account = try await find(id: id) else { throw AccountNotFound(id: id) }
        try await gate.require(principal, .manageAccounts, area: account.scopeCode, entity: "account", entityID: String(id), trace: trace)
        try await database.write { db in
            try await db.raw("UPDATE accounts SET disabled = \(bind: disabled), updated_at = \(bind: Date()) WHERE id = \(bind: id)").run()
            if disabled { try await db.raw("DELETE FROM sessions WHERE account_id = \(bind: id)").run() }
            try await AuditLog.append(AuditEntry(principal: principal, action: disabled ? "disable" : "enable", entity: "account",
                                                 entityID: String(id), areaCode: account.scopeCode, context: trace), on: db)
        }
        return try await find(id: id)!
    }

    // MARK: For the operator's command line and for logging in (no principal yet)

    /// Creates an account as the machine's operator (`sentinel user create`, the demo seed).
    public func createAsOperator(_ new: NewAccount, trace: RequestTrace) async throws -> Account {
        try new.validate()
        return try await insert(new, principal: nil, trace: trace)
    }

    public func listAll() async throws -> [Account] {
        try await database.read { db in
            try await db.raw("\(unsafeRaw: Self.columns) FROM accounts ORDER BY username").all().map(Self.decode)
        }
    }

    public func setDisabledAsOperator(username: String, _ disabled: Bool, trace: RequestTrace) async throws -> Bool {
        try await database.write { db in
            guard let row = try await db.raw("SELECT id, scope_code FROM accounts WHERE username = \(bind: username)").first() else {
                return false
            }
            let id = try row.decode(column: "id", as: Int64.self)
            try await db.raw("UPDATE accounts SET disabled = \(bind: disabled), updated_at = \(bind: Date()) WHERE id = \(bind: id)").run()
            if disabled { try await db.raw("DELETE FROM sessions WHERE account_id = \(bind: id)").run() }
            try await AuditLog.append(AuditEntry(principal: nil, action: disabled ? "disable" : "enable", entity: "account",
                                                 entityID: String(id), areaCode: try row.decode(column: "scope_code", as: String.self),
                                                 context: trace), on: db)
            return true
        }
    }

    /// The account and its hash, for checking a password.
    func credentials(username: String) async throws -> (Account, String)? {
        try await database.read { db in
            guard let row = try await db.raw("\(unsafeRaw: Self.columns), password_hash FROM accounts WHERE username = \(bind: username)")
                .first()
            else { return nil }
            return (try Self.decode(row), try row.decode(column: "password_hash", as: String.self))
        }
    }

    /// For commands run on the server that act as a named account (its role and area apply, the audit names it).
    public func find(username: String) async throws -> Account? {
        try await credentials(username: username)?.0
    }

    public func find(id: Int64) async throws -> Account? {
        try await database.read { db in
            try await db.raw("\(unsafeRaw: Self.columns) FROM accounts WHERE id = \(bind: id)").first().map(Self.decode)
        }
    }

    // MARK: Rows

    private func insert(_ new: NewAccount, principal: Principal?, trace: RequestTrace) async throws -> Account {
        let hash = try await hasher.hash(new.password)
        let now = Date()
        let id: Int64 = try await database.write { db in
            let areaKnown = try await db.raw("SELECT 1 AS hit FROM area_units WHERE code = \(bind: new.scopeCode)").first() != nil
            guard areaKnown else { throw ValidationFailure([FieldError("area", "unknown area code \(new.scopeCode)")]) }
            if try await db.raw("SELECT 1 AS hit FROM accounts WHERE username = \(bind: new.username)").first() != nil {
                throw UsernameTaken(username: new.username)
            }
            let row = try await db.raw("""
                INSERT INTO accounts (username, display_name, password_hash, role, scope_code, facility_id, disabled, created_at, updated_at)
                VALUES (\(bind: new.username), \(bind: new.displayName), \(bind: hash), \(bind: new.role.rawValue), \(bind: new.scopeCode),
                        \(bind: new.facilityID), \(bind: false), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            let id = try row!.decode(column: "id", as: Int64.self)
            try await AuditLog.append(AuditEntry(principal: principal, action: "create", entity: "account", entityID: String(id),
                                                 areaCode: new.scopeCode, context: trace), on: db)
            return id
        }
        return try await find(id: id)!
    }

    static let columns = "SELECT id, username, display_name, role, scope_code, facility_id, disabled, created_at"

    struct UnknownRole: Error { let raw: String }

    static func decode(_ row: any SQLRow) throws -> Account {
        let rawRole = try row.decode(column: "role", as: String.self)
        guard let role = Role(rawValue: rawRole) else { throw UnknownRole(raw: rawRole) }
        return Account(
            id: try row.decode(column: "id", as: Int64.self),
            username: try row.decode(column: "username", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            role: role,
            scopeCode: try row.decode(column: "scope_code", as: String.self),
            facilityID: try row.decode(column: "facility_id", as: String?.self),
            disabled: try row.decode(column: "disabled", as: Bool.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}
