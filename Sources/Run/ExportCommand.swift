import Accounts
import ArgumentParser
import CheckIn
import Domain
import Foundation
import Geography
import Storage

/// `sentinel export itineraries --date D --destination CODE`: a destination's list of arrivals, as the nightly job and
/// the district's page give it (CSV, UTF-8 with BOM).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export lists for other agencies.", subcommands: [Itineraries.self])

    struct Itineraries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The travellers a destination received through the road checkpoints on a day (CSV, UTF-8 with BOM, one line per person).")
        @Option(help: "The local day, YYYY-MM-DD (default: yesterday).") var date: String?
        @Option(help: "A district or commune code of this province, or another province's two-digit code; 'all' writes every destination's list into --output (a folder).")
        var destination: String
        @Option(name: .shortAndLong, help: "Write to this file (or folder, with --destination all) instead of standard output.") var output: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let day = date ?? LocalDay.adding(-1, to: LocalDay.string(Date()))!
            guard LocalDay.isValid(day) else { throw ValidationError("--date must be a day as YYYY-MM-DD") }
            let database = try await Database.open(try db.resolve(Environment.reader), logger: Environment.logger("sentinel.export"))
            do {
                try await Migrator().checkNotNewer(database)
                _ = try await BundledAreas.loadIfNeeded(into: AreaStore(database: database))
                if destination == "all" {
                    guard let output else { throw ValidationError("--destination all needs --output FOLDER") }
                    let files = try await ItineraryArchive(database: database, directory: URL(fileURLWithPath: output)).write(day: day)
                    print("Wrote \(files.count) lists of arrivals for \(day) into \(output)/\(day).")
                } else {
                    guard let parsed = try await database.read({ try await ItineraryDestination.parse(destination, on: $0) }) else {
                        throw ValidationError(UnknownDestination(code: destination).detail)
                    }
                    let rows = try await database.read { try await TravelStore.arrivalRows(day: day, destination: parsed, on: $0) }
                    let text = ItineraryCSV.text(rows)
                    try await AuditLog(database: database).append(AuditEntry(principal: nil, action: "export:arrivals", entity: "travel_declaration",
                                                                             entityID: "\(destination)@\(day)", areaCode: destination,
                                                                             context: .cli("export itineraries")))
                    if let output {
                        try Data(text.utf8).write(to: URL(fileURLWithPath: output))
                        FileHandle.standardError.write(Data("Wrote \(rows.count) travellers arriving at \(destination) on \(day) to \(output).\n".utf8))
                    } else {
                        FileHandle.standardOutput.write(Data(text.utf8))
                    }
                }
            } catch {
                await database.close()
                throw error
            }
            await database.close()
        }
    }
}
