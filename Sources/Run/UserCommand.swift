import Accounts
import App
import ArgumentParser
import Domain
import Foundation
import Geography
import Storage

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage staff accounts from the server's shell.",
        subcommands: [Create.self, List.self, Disable.self])

    /// Opens the database, makes sure the schema and areas are there, runs `body`, closes.
    static func withStores<T>(_ options: DatabaseOptions, _ body: (AccountStore) async throws -> T) async throws -> T {
        let database = try await Database.open(try options.resolve(Environment.reader), logger: Environment.logger("sentinel.user"))
        do {
            try await Migrator().migrate(database)
            try await BundledAreas.loadIfNeeded(into: AreaStore(database: database))
            let result = try await body(AccountStore(database: database, hasher: PasswordHasher()))
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a staff account.")
        @Option var username: String
        @Option(help: "At least 10 characters. Prefer --password-stdin so it stays out of the shell history.") var password: String?
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
        @Option(help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: String
        @Option(help: "Area scope: a province, district or commune code (e.g. 75, 731, 25993).") var area: String
        @Option(help: "Full name shown in the interface (default: the username).") var displayName: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("unknown role '\(self.role)'; one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let secret = passwordStdin ? readLine(strippingNewline: true) : password
            guard let secret else { throw ValidationError("give --password or --password-stdin") }
            let new = NewAccount(username: username, displayName: displayName ?? username, password: secret, role: role, scopeCode: area)
            do {
                let account = try await UserCommand.withStores(db) { try await $0.createAsOperator(new, trace: .cli("user create")) }
                print("Created account \(account.id): \(account.username) (\(account.role.rawValue), area \(account.scopeCode))")
            } catch let failure as ValidationFailure {
                throw ValidationError(failure.errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))
            } catch let taken as UsernameTaken {
                throw ValidationError("the username '\(taken.username)' is taken")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff accounts.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let accounts = try await UserCommand.withStores(db) { try await $0.listAll() }
            for a in accounts {
                print([String(a.id), a.username, a.role.rawValue, a.scopeCode, a.disabled ? "disabled" : "active", a.displayName]
                    .joined(separator: "\t"))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @Option var username: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let found = try await UserCommand.withStores(db) {
                try await $0.setDisabledAsOperator(username: username, true, trace: .cli("user disable"))
            }
            guard found else { throw ValidationError("no account '\(username)'") }
            print("Disabled \(username).")
        }
    }
}

struct AreasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "areas", abstract: "Administrative units.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a province's units from a GSO-style CSV (columns: \(AreaListParser.columns.joined(separator: ", "))).")
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The vintage these units belong to (e.g. 2021).") var vintage: String = "2021"
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let units: [AreaUnit]
            do {
                units = try AreaListParser.units(csv: text, vintage: vintage)
            } catch let failure as ValidationFailure {
                throw ValidationError(failure.errors.prefix(20).map { "\($0.field): \($0.reason)" }.joined(separator: "\n"))
            } catch let malformed as CSV.Malformed {
                throw ValidationError(malformed.description)
            }
            let database = try await Database.open(try db.resolve(Environment.reader), logger: Environment.logger("sentinel.areas"))
            do {
                try await Migrator().migrate(database)
                let store = AreaStore(database: database)
                try await BundledAreas.loadIfNeeded(into: store)
                try await store.load(vintage: vintage, description: "imported from \(URL(fileURLWithPath: file).lastPathComponent)", units: units)
                print("Loaded \(units.count) units into vintage \(vintage).")
                await database.close()
            } catch {
                await database.close()
                throw error
            }
        }
    }
}
