import Accounts
import Domain
import Foundation
import SQLKit
import Storage

/// Every night each destination gets its list of the day's arrivals: one CSV file per district of the province (and
/// per other province) that received travellers, written under `directory/YYYY-MM-DD/`. The lists stay readable on
/// demand too (the page and `sentinel export itineraries`); the files are what the province sends on.
public struct ItineraryArchive: Sendable {
    public let database: Database
    public let directory: URL

    static let doneKey = "itineraries.archived_through"

    public init(database: Database, directory: URL) {
        self.database = database
        self.directory = directory
    }

    /// The destinations with arrivals on `day`: districts of the province, then other provinces.
    public static func destinations(day: String, on db: any SQLDatabase) async throws -> [ItineraryDestination] {
        let rows = try await db.raw("""
            SELECT DISTINCT COALESCE(destination_district, destination_province) AS code, destination_district IS NULL AS outside
            FROM travel_declarations WHERE report_day = \(bind: day) ORDER BY code
            """).all()
        return try rows.map {
            ItineraryDestination(code: try $0.decode(column: "code", as: String.self),
                                 kind: try $0.decode(column: "outside", as: Bool.self) ? .otherProvince : .district)
        }
    }

    /// Writes the lists of `day`, replacing files of an earlier run; returns the files written.
    @discardableResult
    public func write(day: String) async throws -> [URL] {
        let folder = directory.appendingPathComponent(day, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var written: [URL] = []
        let destinations = try await database.read { try await Self.destinations(day: day, on: $0) }
        for destination in destinations {
            let rows = try await database.read { try await TravelStore.arrivalRows(day: day, destination: destination, on: $0) }
            let file = folder.appendingPathComponent(ItineraryCSV.filename(day: day, destination: destination.code))
            // Written aside and moved into place, so a reader never sees half a list.
            let partial = file.appendingPathExtension("partial")
            try Data(ItineraryCSV.text(rows).utf8).write(to: partial)
            _ = try? FileManager.default.removeItem(at: file)
            try FileManager.default.moveItem(at: partial, to: file)
            try await AuditLog(database: database).append(AuditEntry(principal: nil, action: "export:arrivals", entity: "travel_declaration",
                                                                     entityID: "\(destination.code)@\(day)", areaCode: destination.code,
                                                                     context: RequestTrace(route: "job:itineraries", requestID: "job")))
            written.append(file)
        }
        return written
    }

    /// The days not yet archived, up to yesterday (local), at most a week back: written, then marked done. Safe to
    /// run from several servers (the files are replaced whole).
    @discardableResult
    public func writeDue(now: Date = Date()) async throws -> [String] {
        guard let yesterday = LocalDay.adding(-1, to: LocalDay.string(now)) else { return [] }
        let done = try await database.read { try await Settings.get(Self.doneKey, on: $0) }
        var day = done.flatMap { LocalDay.adding(1, to: $0) } ?? yesterday
        if let weekAgo = LocalDay.adding(-6, to: yesterday), day < weekAgo { day = weekAgo }
        var days: [String] = []
        while day <= yesterday {
            try await write(day: day)
            let finished = day
            try await database.write { try await Settings.set(Self.doneKey, finished, on: $0) }
            days.append(day)
            guard let next = LocalDay.adding(1, to: day) else { break }
            day = next
        }
        return days
    }
}
