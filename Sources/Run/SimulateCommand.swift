import ArgumentParser
import Domain
import Foundation
import Simulation
import Storage

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a synthetic Dong Nai (people, households, places, check-ins, an epidemic with its cases, contacts and tests) into the database.",
        discussion: """
            The same --seed and sizes give the same data. An interrupted run continues where it stopped when run again with the \
            same options; --restart removes what an earlier simulation wrote and starts over.
            """)

    @Option(help: "tiny (20k people), small (300k) or province (3.1M).") var scale: String = "tiny"
    @Option(help: "People (overrides --scale).") var people: Int?
    @Option(help: "Days of check-ins, ending yesterday.") var days: Int = 28
    @Option(help: "The last simulated day, YYYY-MM-DD (default yesterday).") var lastDay: String?
    @Option(help: "Seed of the generator.") var seed: UInt64 = 20210901
    @Option(help: "The reported day (2021-…, Dong Nai's series) whose curve the epidemic follows from the first simulated day.")
    var from: String = "2021-09-01"
    @Flag(help: "Remove an earlier simulation's rows first.") var restart = false
    @Flag(help: "Mark the database as training data (a banner on every page, training certificates).") var training = false
    @Flag(help: "No progress lines.") var quiet = false
    @Flag(help: "Also time the bare bulk insert of this database, for comparison.") var compareRaw = false
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        guard let scale = SimulationScale(rawValue: scale) else { throw ValidationError("--scale must be tiny, small or province") }
        var options = SimulationOptions()
        options.seed = seed
        options.people = people ?? scale.people
        options.days = days
        guard LocalDay.isValid(from) else { throw ValidationError("--from must be YYYY-MM-DD") }
        options.epidemicFrom = from
        if let lastDay {
            guard LocalDay.isValid(lastDay) else { throw ValidationError("--last-day must be YYYY-MM-DD") }
            options.lastDay = lastDay
        }
        guard (100...20_000_000).contains(options.people) else { throw ValidationError("--people must be 100 to 20,000,000") }
        guard (1...60).contains(days) else { throw ValidationError("--days must be 1 to 60") }
        let database = try await Database.open(try db.resolve(Environment.reader), logger: Environment.logger("sentinel.simulate"))
        do {
            try await Migrator().migrate(database)
            if training { try await TrainingMode.set(true, database) }
            let summary = try await Simulator(database: database, options: options, progress: ProgressReporter(quiet: quiet)).run(restart: restart, measureRaw: compareRaw)
            print(summary.resumed ? "Resumed an interrupted simulation." : "Simulated \(options.signature).")
            for phase in summary.phases {
                let ratio = summary.rawRowsPerSecond.map { String(format: "  %.2f× raw", phase.rowsPerSecond / $0) } ?? ""
                print(String(format: "  %-16@ %12d rows %9.1f s %12.0f rows/s", phase.name, phase.rows, phase.seconds, phase.rowsPerSecond) + ratio)
            }
            if let raw = summary.rawRowsPerSecond { print(String(format: "  raw bulk insert (1M check-in rows, no indexes): %.0f rows/s", raw)) }
            print(summary.counts.map { "\($0.table) \($0.rows)" }.joined(separator: ", ") + String(format: " — %.1f s in all", summary.seconds))
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
