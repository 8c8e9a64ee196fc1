import Domain
import Foundation
import Geography
import SQLKit
import Storage

/// What the maps draw over the units on a day: the places F0 visited in the 14 days up to it (from tracing, published or
/// not: staff maps), the open sampling sites, and the lockdown zones in force. Places without a position are counted, so
/// the caption can say how many the map cannot show.
public struct MapOverlays: Sendable {
    public static let exposureColor = "#6a1b9a"
    public static let siteColor = "#1565c0"
    static let maxPoints = 1000

    let database: Database
    public let zones: LockdownZones

    public init(database: Database, zones: LockdownZones) {
        self.database = database
        self.zones = zones
    }

    public struct Points: Sendable, Equatable {
        public var points: [MapPoint] = []
        public var exposuresUnplaced = 0
        public var sitesUnplaced = 0
    }

    /// The places F0 visited in the communes between two instants, a row per venue (read by commune and time on
    /// `venue_exposures_by_area`; a plan test keeps it there).
    public static func exposuresQuery(communes: [String], since: Date, until: Date) -> SQLQueryString {
        """
        SELECT v.name, v.latitude, v.longitude, MIN(e.exposed_from) AS first_seen, MAX(e.exposed_to) AS last_seen,
               COUNT(DISTINCT e.case_id) AS cases
        FROM venue_exposures e JOIN venues v ON v.id = e.venue_id
        WHERE e.commune_code IN (\(binds: communes)) AND e.exposed_to >= \(bind: since) AND e.exposed_from < \(bind: until)
        GROUP BY v.id, v.name, v.latitude, v.longitude ORDER BY MAX(e.exposed_to) DESC LIMIT \(unsafeRaw: String(maxPoints))
        """
    }

    public func points(communes: [String], day: String) async throws -> Points {
        guard !communes.isEmpty, let dayStart = LocalDay.start(day) else { return Points() }
        let since = dayStart.addingTimeInterval(-13 * 86400), until = dayStart.addingTimeInterval(86400)
        var result = Points()
        try await database.read { db in
            let exposures = try await db.raw(Self.exposuresQuery(communes: communes, since: since, until: until)).all()
            for row in exposures {
                guard let lat = try row.decode(column: "latitude", as: Double?.self), let lon = try row.decode(column: "longitude", as: Double?.self) else {
                    result.exposuresUnplaced += 1; continue
                }
                let first = LocalDay.clock(try row.decode(column: "first_seen", as: Date.self))
                let last = LocalDay.clock(try row.decode(column: "last_seen", as: Date.self))
                let cases = try row.decode(column: "cases", as: Int.self)
                result.points.append(MapPoint(lon: lon, lat: lat, title: "\(try row.decode(column: "name", as: String.self)) — ca F0 đã đến (\(cases) ca), \(first) – \(last)",
                                              color: Self.exposureColor))
            }
            let sites = try await db.raw("""
                SELECT name, kind, latitude, longitude FROM test_sites WHERE active = TRUE AND commune_code IN (\(binds: communes))
                ORDER BY name, id LIMIT \(unsafeRaw: String(Self.maxPoints))
                """).all()
            for row in sites {
                guard let lat = try row.decode(column: "latitude", as: Double?.self), let lon = try row.decode(column: "longitude", as: Double?.self) else {
                    result.sitesUnplaced += 1; continue
                }
                result.points.append(MapPoint(lon: lon, lat: lat, title: "\(try row.decode(column: "name", as: String.self)) — điểm lấy mẫu xét nghiệm",
                                              color: Self.siteColor))
            }
        }
        return result
    }
}
