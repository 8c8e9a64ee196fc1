import Accounts
import Domain
import Foundation
import Geography
import SQLKit
import Storage
import Testing
import TestSupport

struct Fixture {
    let db: Database
    let accounts: AccountStore
    let auth: Authenticator

    static func with<T: Sendable>(_ kind: DatabaseKind, _ body: (Fixture) async throws -> T) async throws -> T {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
            let accounts = AccountStore(database: db, hasher: PasswordHasher(cost: 4))
            let auth = Authenticator(accounts: accounts, sessions: SessionStore(database: db), throttle: LoginThrottle(database: db))
            return try await body(Fixture(db: db, accounts: accounts, auth: auth))
        }
    }

    func make(_ role: Role, _ area: String, _ username: String) async throws -> Account {
        try await accounts.createAsOperator(
            NewAccount(username: username, displayName: username, password: "correct-horse-battery", role: role, scopeCode: area),
            trace: .cli("test"))
    }

    func auditRows() async throws -> [(action: String, outcome: String)] {
        try await db.read { sql in
            try await sql.raw("SELECT action, outcome FROM audit_log ORDER BY id").all().map {
                (try $0.decode(column: "action", as: String.self), try $0.decode(column: "outcome", as: String.self))
            }
        }
    }
}

let trace = RequestTrace(route: "test", requestID: "req-1")

@Suite struct LoginTests {
    @Test(arguments: TestDatabases.kinds)
    func rightPasswordSignsInAndWrongDoesNot(kind: DatabaseKind) async throws {
        try await Fixture.with(kind) { f in
            _ = try await f.make(.epidemiologist, "75", "mai")
            guard case .signedIn(let account, let token) = try await f.auth.login(
                username: "mai", password: "correct-horse-battery", address: "10.0.0.1", kind: .api, lifetime: 60, trace: trace)
            else { Issue.record("expected sign-in"); return }
            #expect(account.username == "mai")
            #expect(try await f.auth.sessions.resolve(token.token, kind: .api)?.principal.username == "mai")
            #expect(try await f.auth.sessions.resolve(token.token, kind: .web) == nil)
            #expect(try await f.auth.login(username: "mai", password: "wrong-password", address: nil, kind: .api, lifetime: 60, trace: trace) == .invalid)
            #expect(try await f.auth.login(username: "nobody", password: "whatever-pass", address: nil, kind: .api, lifetime: 60, trace: trace) == .invalid)
            let audit = try await f.auditRows().filter { $0.action == "login" }.map(\.outcome)
            #expect(audit == ["ok", "failed", "failed"])
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func tenFailuresLockTheAccountForFifteenMinutes(kind: DatabaseKind) async throws {
        try await Fixture.with(kind) { f in
            _ = try await f.make(.lab, "75", "lab1")
            let start = Date()
            for i in 0..<10 {
                let outcome = try await f.auth.login(username: "lab1", password: "nope-nope-nope", address: "10.0.0.\(i)", kind: .api,
                                                     lifetime: 60, trace: trace, now: start.addingTimeInterval(Double(i)))
                #expect(outcome == .invalid)
            }
            // Locked even with the right password, from any address.
            let locked = try await f.auth.login(username: "lab1", password: "correct-horse-battery", address: "10.9.9.9", kind: .api,
                                                lifetime: 60, trace: trace, now: start.addingTimeInterval(60))
            guard case .locked(let until) = locked else { Issue.record("expected a lock, got \(locked)"); return }
            #expect(abs(until.timeIntervalSince(start.addingTimeInterval(15 * 60))) < 1)
            // After the window the right password works again.
            let later = try await f.auth.login(username: "lab1", password: "correct-horse-battery", address: "10.9.9.9", kind: .api,
                                               lifetime: 60, trace: trace, now: start.addingTimeInterval(15 * 60 + 10))
            guard case .signedIn = later else { Issue.record("expected sign-in after the lock, got \(later)"); return }
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func tenFailuresFromOneAddressLockThatAddress(kind: DatabaseKind) async throws {
        try await Fixture.with(kind) { f in
            _ = try await f.make(.lab, "75", "victim")
            for i in 0..<10 {
                _ = try await f.auth.login(username: "guess\(i)", password: "nope-nope-nope", address: "10.6.6.6", kind: .api, lifetime: 60, trace: trace)
            }
            let fromAttacker = try await f.auth.login(username: "victim", password: "correct-horse-battery", address: "10.6.6.6", kind: .api,
                                                      lifetime: 60, trace: trace)
            guard case .locked = fromAttacker else { Issue.record("expected the address to be locked"); return }
            let fromElsewhere = try await f.auth.login(username: "victim", password: "correct-horse-battery", address: "10.1.1.1",
                                                       kind: .api, lifetime: 60, trace: trace)
            guard case .signedIn = fromElsewhere else { Issue.record("expected sign-in from another address"); return }
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func expiredDisabledAndUnknownTokensResolveToNothing(kind: DatabaseKind) async throws {
        try await Fixture.with(kind) { f in
            let account = try await f.make(.leader, "75", "boss")
            let now = Date()
            let token = try await f.auth.sessions.issue(for: account, kind: .api, lifetime: 60, now: now)
            #expect(try await f.auth.sessions.resolve(token.token, kind: .api, now: now.addingTimeInterval(61)) == nil)
            #expect(try await f.auth.sessions.resolve(SessionStore.randomToken(), kind: .api) == nil)
            let stored = try await f.db.read { try await $0.raw("SELECT token_hash FROM sessions").all().map { try $0.decode(column: "token_hash", as: String.self) } }
            #expect(!stored.contains(token.token), "tokens are stored hashed")
            _ = try await f.accounts.setDisabledAsOperator(username: "boss", true, trace: trace)
            #expect(try await f.auth.sessions.resolve(token.token, kind: .api, now: now) == nil)
        }
    }
}

@Suite struct ScopeTests {
    @Test(arguments: TestDatabases.kinds)
    func aDistrictAdminWorksOnlyInsideTheDistrict(kind: DatabaseKind) async throws {
        try await Fixture.with(kind) { f in
            let admin = try await f.make(.admin, "731", "admin731").principal
            _ = try await f.make(.communeOfficer, "25993", "inside")   // 25993 lies in 731
            _ = try await f.make(.communeOfficer, "26041", "inside2")
            let outside = try await f.make(.districtOfficer, "732", "outside")
            #expect(Set(try await f.accounts.list(by: admin, trace: trace).map(\.username)) == ["admin731", "inside", "inside2"])
            await #expect(throws: AccessDenied(reason: .scope, permission: .readAccounts)) {
                try await f.accounts.get(outside.id, by: admin, trace: trace)
            }
            await #expect(throws: AccessDenied(reason: .scope, permission: .manageAccounts)) {
                try await f.accounts.create(NewAccount(username: "new732", displayName: "x", password: "long-enough-pw", role: .sampler,
                                                       scopeCode: "732"), by: admin, trace: trace)
            }
            let created = try await f.accounts.create(
                NewAccount(username: "new731", displayName: "x", password: "long-enough-pw", role: .sampler, scopeCode: "25993"),
                by: admin, trace: trace)
            #expect(created.scopeCode == "25993")
            let denials = try await f.auditRows().filter { $0.outcome.hasPrefix("denied") }
            #expect(denials.count == 2)
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func aNonAdminIsRefusedByRole(kind: DatabaseKind) async throws {
        try await Fixture.with(kind) { f in
            let officer = try await f.make(.districtOfficer, "731", "officer").principal
            await #expect(throws: AccessDenied(reason: .role, permission: .readAccounts)) {
                try await f.accounts.list(by: officer, trace: trace)
            }
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func newAccountsAreValidatedField(kind: DatabaseKind) async throws {
        try await Fixture.with(kind) { f in
            do {
                _ = try await f.accounts.createAsOperator(
                    NewAccount(username: "a b", displayName: " ", password: "short", role: .lab, scopeCode: "7x"), trace: trace)
                Issue.record("expected a validation failure")
            } catch let failure as ValidationFailure {
                #expect(Set(failure.errors.map(\.field)) == ["username", "displayName", "password", "area"])
            }
            await #expect(throws: ValidationFailure([FieldError("area", "unknown area code 99999")])) {
                try await f.accounts.createAsOperator(
                    NewAccount(username: "okname", displayName: "ok", password: "long-enough-pw", role: .lab, scopeCode: "99999"), trace: trace)
            }
            _ = try await f.make(.lab, "75", "dup")
            await #expect(throws: UsernameTaken(username: "dup")) { try await f.make(.lab, "75", "dup") }
        }
    }
}
