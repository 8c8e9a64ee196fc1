import ArgumentParser
import Foundation
import Storage

/// `sentinel aggregates rebuild|check`: the daily counts recomputed from the records, or compared with them.
struct AggregatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregates", abstract: "Recompute or check the daily counts behind reports and dashboards.",
        subcommands: [Rebuild.self, Check.self])

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every daily count from the records, in one transaction (check-in counts of purged days are kept).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let database = try await Database.open(try db.resolve(Environment.reader), logger: Environment.logger("sentinel.aggregates"))
            let started = Date()
            do {
                try await Migrator().migrate(database)
                try await Aggregates.rebuild(database)
            } catch {
                await database.close()
                throw error
            }
            let rows = try await database.read { try await $0.raw("SELECT COUNT(*) AS n FROM daily_counts").first()!.decode(column: "n", as: Int.self) }
            print("Rebuilt \(rows) daily counts in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
            await database.close()
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the daily counts with the records without writing; exits 1 and lists the differences when they disagree.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let database = try await Database.open(try db.resolve(Environment.reader), logger: Environment.logger("sentinel.aggregates"))
            let (current, recomputed) = try await database.read { (try await Aggregates.current(on: $0), try await Aggregates.recomputed(on: $0)) }
            await database.close()
            let differing = Set(current.keys).union(recomputed.keys).filter { current[$0] != recomputed[$0] }.sorted()
            for key in differing.prefix(50) {
                print("\(key.measure)\t\(key.commune)\t\(key.day)\tcounted \(current[key] ?? 0)\trecords \(recomputed[key] ?? 0)")
            }
            print(differing.isEmpty ? "The daily counts match the records (\(current.count) counts)."
                  : "\(differing.count) counts differ (check-in counts of purged days differ by design).")
            if !differing.isEmpty { throw ExitCode(1) }
        }
    }
}
