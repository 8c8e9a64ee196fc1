import ArgumentParser
import Domain
import Foundation
import Geography
import Reporting
import Storage

/// `sentinel geo import FILE.geojson`: a province's own unit outlines (e.g. communes) for the maps.
struct GeoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "geo", abstract: "Unit outlines for the maps.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import outlines from a GeoJSON FeatureCollection keyed by GSO code; the whole file is checked first and nothing is kept if any feature is wrong.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The GeoJSON file (at most 20 MB).") var file: String
        @Option(help: "The feature property holding the unit's GSO code (else the feature id).") var codeProperty = "code"

        func run() async throws {
            let url = URL(fileURLWithPath: file)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            guard size <= BoundaryReader.maxBytes else {
                throw ValidationError("\(file) is \(size / 1_048_576) MB: at most \(BoundaryReader.maxBytes / 1_048_576) MB")
            }
            let data = try Data(contentsOf: url)
            let database = try await Database.open(try db.resolve(Environment.reader), logger: Environment.logger("sentinel.geo"))
            do {
                try await Migrator().migrate(database)
                let areas = AreaStore(database: database)
                try await BundledAreas.loadIfNeeded(into: areas)
                let n = try await BoundaryStore(database: database, areas: areas).importGeoJSON(data, codeProperty: codeProperty, source: url.lastPathComponent)
                print("Imported \(n) outlines from \(url.lastPathComponent).")
            } catch let failure as ValidationFailure {
                await database.close()
                throw ValidationError("Nothing imported:\n" + failure.errors.map { "  \($0.field): \($0.reason)" }.joined(separator: "\n"))
            } catch {
                await database.close()
                throw error
            }
            await database.close()
        }
    }
}
