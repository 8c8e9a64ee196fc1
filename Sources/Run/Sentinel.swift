import App
import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import Storage

@main
struct Sentinel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentinel",
        abstract: "Sentinel — epidemic-response platform for a provincial Department of Health.",
        subcommands: [Serve.self, Migrate.self, UserCommand.self, AreasCommand.self, KeysCommand.self, SimulateCommand.self, TrainingCommand.self, LabCommand.self, AggregatesCommand.self, GeoCommand.self, ExportCommand.self, BenchTracingCommand.self, BenchReportingCommand.self, BenchCertificatesCommand.self, BenchLabCommand.self],
        defaultSubcommand: Serve.self)
}

/// Options every command that opens the database shares. A flag wins over the environment, which wins over
/// the default.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite://FILE (default sqlite://sentinel.sqlite), sqlite::memory: or postgres://user:pass@host:port/db. Env: SENTINEL_DATABASE_URL")
    var database: String?

    func resolve(_ reader: ConfigReader) throws -> DatabaseURL {
        let text = database ?? reader.string(forKey: "sentinel.database.url", isSecret: true) ?? "sqlite://sentinel.sqlite"
        do {
            return try DatabaseURL(parsing: text)
        } catch let invalid as DatabaseURL.Invalid {
            throw ValidationError(invalid.description)
        }
    }
}

enum Environment {
    /// SENTINEL_HOST, SENTINEL_PORT, SENTINEL_DATABASE_URL, SENTINEL_VINTAGE… through swift-configuration.
    static let reader = ConfigReader(provider: EnvironmentVariablesProvider())

    /// Logs go to standard error, so a command's own output (lists, results) stays clean on standard output.
    private static let logging: Void = LoggingSystem.bootstrap(StreamLogHandler.standardError)

    static func logger(_ label: String) -> Logger {
        _ = logging
        var logger = Logger(label: label)
        logger.logLevel = reader.string(forKey: "sentinel.log.level").flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the web server (the default command).")

    @Option(help: "Address to listen on (default 127.0.0.1). Env: SENTINEL_HOST") var host: String?
    @Option(help: "Port (default 8080). Env: SENTINEL_PORT") var port: Int?
    @Option(help: "Administrative-unit vintage this deployment works in: 2021, 2025-01 or 2025-07. Env: SENTINEL_VINTAGE")
    var vintage: String?
    @Flag(help: "Seed Dong Nai's areas and one demo account per role (shown on the login page).") var demo = false
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let env = Environment.reader
        var config = AppConfig()
        config.host = host ?? env.string(forKey: "sentinel.host") ?? config.host
        config.port = port ?? env.int(forKey: "sentinel.port") ?? config.port
        config.vintage = vintage ?? env.string(forKey: "sentinel.vintage") ?? config.vintage
        config.demo = demo || env.bool(forKey: "sentinel.demo") == true
        config.secureCookies = env.bool(forKey: "sentinel.secure.cookies") ?? false
        config.publicRatePerSecond = env.double(forKey: "sentinel.public.rate") ?? config.publicRatePerSecond
        config.publicBurst = env.double(forKey: "sentinel.public.burst") ?? config.publicBurst
        config.publicBaseURL = env.string(forKey: "sentinel.public.url")
        if let days = env.int(forKey: "sentinel.checkin.retention.days") {
            guard (1...3650).contains(days) else { throw ValidationError("SENTINEL_CHECKIN_RETENTION_DAYS must be 1–3650") }
            config.checkInRetention = Double(days) * 86400
        }
        config.demoProvince = env.bool(forKey: "sentinel.demo.province") ?? true
        config.keysDirectory = env.string(forKey: "sentinel.keys.dir") ?? config.keysDirectory
        config.exportsDirectory = env.string(forKey: "sentinel.exports.dir") ?? config.exportsDirectory
        config.database = try db.resolve(env)
        guard (1...65535).contains(config.port) else { throw ValidationError("--port must be 1–65535") }

        let logger = Environment.logger("sentinel")
        let started = ContinuousClock.now
        SentinelApplication.bootstrapMetrics()
        let database = try await Database.open(config.database, logger: logger)
        let app: any ApplicationProtocol
        do {
            app = try await SentinelApplication.build(config: config, database: database, logger: logger)
        } catch {
            await database.close()
            throw error
        }
        logger.info("Sentinel ready", metadata: [
            "url": "http://\(config.host):\(config.port)/", "database": "\(config.database)",
            "startup": "\(ContinuousClock.now - started)", "demo": "\(config.demo)",
        ])
        if config.demo {
            print("Demo accounts (password '\(DemoSeed.password)'): " + DemoSeed.accounts.map(\.username).joined(separator: ", "))
        }
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let database = try await Database.open(try db.resolve(Environment.reader), logger: Environment.logger("sentinel.migrate"))
        let applied: [Int]
        do { applied = try await Migrator().migrate(database) } catch { await database.close(); throw error }
        print(applied.isEmpty ? "The schema is current; nothing to do." : "Applied migrations: \(applied.map(String.init).joined(separator: ", "))")
        await database.close()
    }
}
