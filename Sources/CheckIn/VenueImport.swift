import Domain
import Foundation

/// A district's list of businesses as CSV: `name,type,address,commune_code[,latitude,longitude]`.
/// Good rows are kept and bad rows reported by line, so one typo does not lose a thousand lines of typing.
public enum VenueImport {
    public static let columns = ["name", "type", "address", "commune_code"]

    public struct Report: Sendable, Equatable {
        public var venues: [(line: Int, venue: NewVenue)]
        public var errors: [FieldError]

        public static func == (a: Report, b: Report) -> Bool {
            a.errors == b.errors && a.venues.map(\.line) == b.venues.map(\.line) && a.venues.map(\.venue) == b.venues.map(\.venue)
        }
    }

    public static func parse(_ text: String) throws -> Report {
        let rows = try CSV.table(text, required: columns)
        var report = Report(venues: [], errors: [])
        for (line, row) in rows {
            guard let type = VenueType(rawValue: row["type"]!.lowercased()) else {
                report.errors.append(FieldError("line \(line).type", "one of: " + VenueType.allCases.map(\.rawValue).joined(separator: ", ")))
                continue
            }
            let latitude = row["latitude"].flatMap { $0.isEmpty ? nil : $0 }
            let longitude = row["longitude"].flatMap { $0.isEmpty ? nil : $0 }
            if (latitude != nil && Double(latitude!) == nil) || (longitude != nil && Double(longitude!) == nil) {
                report.errors.append(FieldError("line \(line).latitude", "decimal degrees, e.g. 10.9574 and 106.8427"))
                continue
            }
            let venue = NewVenue(name: row["name"]!, type: type, address: row["address"]!, communeCode: row["commune_code"]!,
                                 latitude: latitude.flatMap(Double.init), longitude: longitude.flatMap(Double.init))
            do {
                try venue.validate()
                report.venues.append((line, venue))
            } catch let failure as ValidationFailure {
                report.errors += failure.errors.map { FieldError("line \(line).\($0.field)", $0.reason) }
            }
        }
        return report
    }
}
