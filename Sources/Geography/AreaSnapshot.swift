import Domain
import Foundation
import SQLKit
import Synchronization

/// Every unit, population figure and succession, held in memory: a province has a few hundred units, read on
/// nearly every request, and changed only by an import. Rebuilt after a local change, and at most a minute old
/// when another process (a second server, `sentinel areas import`) changed the tables.
struct AreaSnapshot: Sendable {
    var vintages: [String] = []
    var units: [String: [String: AreaUnit]] = [:]          // vintage → code → unit
    var children: [String: [String: [AreaUnit]]] = [:]     // vintage → parent ("" for top) → units by code
    var population: [String: [PopulationFigure]] = [:]     // code → newest year first
    var successors: [String: [AreaSuccession]] = [:]       // "from|to|old" → successions by new code

    static func load(_ db: any SQLDatabase) async throws -> AreaSnapshot {
        var s = AreaSnapshot()
        s.vintages = try await db.raw("SELECT vintage FROM area_vintages ORDER BY vintage").all().map {
            try $0.decode(column: "vintage", as: String.self)
        }
        for row in try await db.raw("\(unsafeRaw: AreaStore.unitColumns) FROM area_units ORDER BY code").all() {
            let unit = try AreaStore.decodeUnit(row)
            s.units[unit.vintage, default: [:]][unit.code] = unit
            s.children[unit.vintage, default: [:]][unit.parentCode ?? "", default: []].append(unit)
        }
        for row in try await db.raw("SELECT area_code, year, population, source FROM area_population ORDER BY year DESC, source").all() {
            let figure = PopulationFigure(areaCode: try row.decode(column: "area_code", as: String.self),
                                          year: try row.decode(column: "year", as: Int.self),
                                          population: try row.decode(column: "population", as: Int64.self),
                                          source: try row.decode(column: "source", as: String.self))
            s.population[figure.areaCode, default: []].append(figure)
        }
        for row in try await db.raw("SELECT from_vintage, old_code, to_vintage, new_code, note FROM area_successions ORDER BY new_code").all() {
            let key = [try row.decode(column: "from_vintage", as: String.self), try row.decode(column: "to_vintage", as: String.self),
                       try row.decode(column: "old_code", as: String.self)].joined(separator: "|")
            s.successors[key, default: []].append(AreaSuccession(
                oldCode: try row.decode(column: "old_code", as: String.self), newCode: try row.decode(column: "new_code", as: String.self),
                note: try row.decode(column: "note", as: String.self)))
        }
        return s
    }
}

/// The shared, refreshable snapshot behind an `AreaStore`.
final class AreaCache: Sendable {
    static let maxAge: TimeInterval = 60
    private let state = Mutex<(snapshot: AreaSnapshot, loadedAt: Date)?>(nil)

    func current(_ load: () async throws -> AreaSnapshot) async throws -> AreaSnapshot {
        if let cached = state.withLock({ $0 }), Date().timeIntervalSince(cached.loadedAt) < Self.maxAge {
            return cached.snapshot
        }
        let fresh = try await load()
        state.withLock { $0 = (fresh, Date()) }
        return fresh
    }

    func invalidate() { state.withLock { $0 = nil } }
}
