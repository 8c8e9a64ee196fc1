import Domain
import Foundation
import Geography
import SQLKit
import Storage
import Synchronization

/// Outlines a province imported (its communes, keyed by GSO code), replacing earlier ones for the same units in one
/// transaction after the whole file was checked. Read through a cache that notices an import by another process.
public final class BoundaryStore: Sendable {
    let database: Database
    let areas: AreaStore
    private let cache = Mutex<(stamp: String, boundaries: [String: Boundary])?>(nil)

    public init(database: Database, areas: AreaStore) {
        self.database = database
        self.areas = areas
    }

    /// Checks the whole file (see `BoundaryReader`) against the communes of the deployment's lists, then stores it.
    /// Returns how many outlines were imported. Nothing is written when anything is wrong.
    @discardableResult
    public func importGeoJSON(_ data: Data, codeProperty: String, source: String, now: Date = Date()) async throws -> Int {
        var known = Set<String>()
        for vintage in try await areas.vintages() {
            for province in try await areas.children(of: nil, vintage: vintage) {
                for district in try await areas.children(of: province.code, vintage: vintage) {
                    known.insert(district.code)
                    for commune in try await areas.children(of: district.code, vintage: vintage) { known.insert(commune.code) }
                }
            }
        }
        let boundaries = try BoundaryReader.read(data, codeProperty: codeProperty) { known.contains($0) }
        let encoder = JSONEncoder()
        try await database.write { db in
            for boundary in boundaries {
                let rings = boundary.rings.map { ring in ring.map { [$0.lon, $0.lat] } }
                let text = String(decoding: try encoder.encode(rings), as: UTF8.self)
                try await db.raw("DELETE FROM area_boundaries WHERE code = \(bind: boundary.code)").run()
                try await db.raw("""
                    INSERT INTO area_boundaries (code, rings, source, imported_at) VALUES (\(bind: boundary.code), \(bind: text), \(bind: source), \(bind: now))
                    """).run()
            }
        }
        cache.withLock { $0 = nil }
        return boundaries.count
    }

    /// Imported outlines by code.
    public func imported() async throws -> [String: Boundary] {
        let stamp = try await database.read { db in
            let row = try await db.raw("SELECT COUNT(*) AS n, MAX(imported_at) AS t FROM area_boundaries").first()!
            return "\(try row.decode(column: "n", as: Int.self))|\(try row.decode(column: "t", as: Date?.self)?.timeIntervalSince1970 ?? 0)"
        }
        if let cached = cache.withLock({ $0 }), cached.stamp == stamp { return cached.boundaries }
        let rows = try await database.read { try await $0.raw("SELECT code, rings FROM area_boundaries").all() }
        var result: [String: Boundary] = [:]
        for row in rows {
            let code = try row.decode(column: "code", as: String.self)
            let rings = try JSONDecoder().decode([[[Double]]].self, from: Data(try row.decode(column: "rings", as: String.self).utf8))
            result[code] = Boundary(code: code, rings: rings.map { $0.map { Boundary.Point(lon: $0[0], lat: $0[1]) } })
        }
        cache.withLock { $0 = (stamp, result) }
        return result
    }
}
