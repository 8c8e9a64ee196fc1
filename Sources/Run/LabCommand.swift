import Accounts
import App
import ArgumentParser
import Domain
import Foundation
import Laboratory
import Storage

/// `sentinel lab import FILE --as USERNAME`: an instrument's results (HL7 v2 ORU^R01 or CSV) imported on the server
/// the way the lab's upload imports them, as the named lab account — its role and area apply and the audit log names
/// it. One line per message or row; the exit status is 1 when anything was refused, so a script notices.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lab", abstract: "Laboratory work from the command line.",
                                                    subcommands: [Import.self])

    /// A refusal to run at all (no such account, not a lab's), told in one line without the usage text.
    struct Refusal: Error { let message: String }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import instrument results: HL7 v2 ORU^R01 messages or a CSV export (tube_barcode, result, ct_<target>, resulted_at, operator, status).")
        @Argument(help: "The instrument's file; - reads standard input.") var file: String
        @Option(name: .customLong("as"), help: "The lab account the import acts as.") var username: String
        @Option(help: "hl7 or csv (default: told from the file; HL7 starts with MSH).") var format: String?
        @Flag(help: "Print the answers as JSON instead of lines.") var json = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard format == nil || format == "hl7" || format == "csv" else { throw ValidationError("--format must be hl7 or csv") }
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            guard data.count <= 50 << 20 else { throw ValidationError("\(file) is over 50 MB: split it") }
            guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
                throw ValidationError("\(file) is not text")
            }
            let env = Environment.reader
            var config = AppConfig()
            config.database = try db.resolve(env)
            config.keysDirectory = env.string(forKey: "sentinel.keys.dir") ?? config.keysDirectory
            let database = try await Database.open(config.database, logger: Environment.logger("sentinel.lab"))
            let outcomes: [TubeOutcome]
            do {
                try await Migrator().checkNotNewer(database)
                config.training = try await TrainingMode.isOn(database)
                // The server's own stores, so a correction in the file revokes certificates as the upload would.
                let services = try Services(config: config, database: database)
                guard let account = try await services.accounts.find(username: username), !account.disabled else {
                    throw Refusal(message: "no active account \(username)")
                }
                guard account.role.may(.recordResults) else {
                    throw Refusal(message: "\(username) is a \(account.role.rawValue) account, which may not record results")
                }
                let trace = RequestTrace.cli("lab import \(URL(fileURLWithPath: file).lastPathComponent)")
                switch format {
                case "hl7": outcomes = try await services.lab.importHL7(text, by: account.principal, trace: trace)
                case "csv": outcomes = try await services.lab.importCSV(text, by: account.principal, trace: trace)
                default: outcomes = try await services.lab.importInstrumentFile(text, by: account.principal, trace: trace)
                }
            } catch let refusal as Refusal {
                await database.close()
                FileHandle.standardError.write(Data("Error: \(refusal.message)\n".utf8))
                throw ExitCode(2)
            } catch {
                await database.close()
                throw error
            }
            await database.close()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(["results": outcomes]) + Data("\n".utf8))
            } else {
                for outcome in outcomes {
                    let line = outcome.line.map { "line \($0)" } ?? "-"
                    print([line, outcome.tubeBarcode.isEmpty ? "?" : outcome.tubeBarcode, outcome.status, outcome.reason ?? ""]
                        .joined(separator: "\t").trimmingCharacters(in: .whitespaces))
                }
            }
            let counts = Dictionary(grouping: outcomes, by: \.status).mapValues(\.count)
            let summary = ["recorded", "corrected", "refused"].map { "\(counts[$0, default: 0]) \($0)" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("\(outcomes.count) results read: \(summary).\n".utf8))
            if counts["refused", default: 0] > 0 { throw ExitCode(1) }
        }
    }
}
