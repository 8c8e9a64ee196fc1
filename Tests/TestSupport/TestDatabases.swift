import Foundation
import Logging
import Storage

/// Store tests run on SQLite always and on PostgreSQL when SENTINEL_TEST_POSTGRES_URL names a server
/// (e.g. postgres://postgres@127.0.0.1:54329/postgres). Each test gets a database of its own.
public enum TestDatabases {
    public static var kinds: [DatabaseKind] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SENTINEL_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static let logger: Logger = {
        var logger = Logger(label: "test.db")
        logger.logLevel = .warning
        return logger
    }()

    /// A fresh, empty database of `kind` for the duration of `body`.
    public static func with<T: Sendable>(_ kind: DatabaseKind, _ body: (Database) async throws -> T) async throws -> T {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = try await Database.open(.sqliteFile(path: directory.appendingPathComponent("test.sqlite").path), logger: logger)
            do {
                let result = try await body(database)
                await database.close()
                return result
            } catch {
                await database.close()
                throw error
            }
        case .postgres:
            guard let text = postgresURL, case .postgres(let host, let port, let user, let password, let adminDB, let tls) = try DatabaseURL(parsing: text)
            else { throw TestSetupError("SENTINEL_TEST_POSTGRES_URL is not set") }
            let name = "sentinel_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
            let admin = try await Database.open(.postgres(host: host, port: port, username: user, password: password, database: adminDB, requireTLS: tls), logger: logger)
            _ = try await admin.read { try await $0.raw("CREATE DATABASE \(unsafeRaw: name)").all() }
            let database = try await Database.open(.postgres(host: host, port: port, username: user, password: password, database: name, requireTLS: tls), logger: logger)
            func drop() async {
                await database.close()
                _ = try? await admin.read { try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").all() }
                await admin.close()
            }
            do {
                let result = try await body(database)
                await drop()
                return result
            } catch {
                await drop()
                throw error
            }
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
