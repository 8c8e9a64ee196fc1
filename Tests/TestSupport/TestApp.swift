import Accounts
import App
import Domain
import Foundation
import Geography
import HTTPTypes
import HealthCertificates
import Hummingbird
import HummingbirdTesting
import Storage

/// An application on a fresh database, with helpers to make accounts and tokens quickly.
public struct TestApp: Sendable {
    public let database: Database
    public let config: AppConfig
    public let accounts: AccountStore
    public let sessions: SessionStore

    public static func config() -> AppConfig {
        var config = AppConfig()
        config.passwordCost = 4
        config.database = .sqliteMemory
        config.keysDirectory = TestApp.keys.path
        return config
    }

    /// Signing keys made once per test process in a temporary directory (never the repository's `keys/`).
    public static let keys: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-test-keys-\(ProcessInfo.processInfo.processIdentifier)")
        let store = KeyStore(directory: dir)
        try! store.initialiseIfMissing()
        return dir
    }()

    /// Runs `body` with a router-level test client on a migrated database holding Dong Nai's areas.
    public static func with<T: Sendable>(_ kind: DatabaseKind, config: AppConfig = TestApp.config(),
                                         _ body: @Sendable (TestApp, any TestClientProtocol) async throws -> T) async throws -> T {
        SentinelApplication.bootstrapMetrics()
        return try await TestDatabases.with(kind) { database in
            let router = try await SentinelApplication.buildRouter(config: config, database: database)
            let app = Application(router: router)
            let testApp = TestApp(database: database, config: config,
                                  accounts: AccountStore(database: database, hasher: PasswordHasher(cost: config.passwordCost)),
                                  sessions: SessionStore(database: database))
            return try await app.test(.router) { client in try await body(testApp, client) }
        }
    }

    /// Creates an account and returns it with a live API token.
    /// The stores over this app's database, as the server builds them (the same keys directory).
    public func services() throws -> Services { try Services(config: config, database: database) }

    public func account(_ role: Role, area: String, username: String? = nil, password: String = "correct-horse-battery",
                        facility: String? = nil) async throws
        -> (Account, String)
    {
        let name = username ?? "\(role.rawValue.replacingOccurrences(of: "_", with: "-"))-\(area)-\(UInt32.random(in: 0...UInt32.max))"
        let account = try await accounts.createAsOperator(
            NewAccount(username: name, displayName: "Test \(name)", password: password, role: role, scopeCode: area, facilityID: facility), trace: .cli("test"))
        let token = try await sessions.issue(for: account, kind: .api, lifetime: 3600)
        return (account, token.token)
    }
}

extension HTTPFields {
    public static func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)"]
    }

    public static func json(bearer token: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        if let token { fields[.authorization] = "Bearer \(token)" }
        return fields
    }
}
