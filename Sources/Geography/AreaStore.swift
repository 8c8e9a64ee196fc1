import Domain
import Foundation
import SQLKit
import Storage

/// Administrative units, their vintages, populations and the old→new successions.
/// Areas are reference data: any signed-in staff member may read them, so no scope filter applies here;
/// the closure table written here is what `ScopeFilter` uses to scope everything else.
public struct AreaStore: Sendable {
    public let database: Database
    let cache: AreaCache

    public init(database: Database) {
        self.database = database
        self.cache = AreaCache()
    }

    // MARK: Reading (from the in-memory snapshot)

    func snapshot() async throws -> AreaSnapshot {
        try await cache.current { try await database.read { try await AreaSnapshot.load($0) } }
    }

    public func vintages() async throws -> [String] { try await snapshot().vintages }

    public func unit(code: String, vintage: String) async throws -> AreaUnit? {
        try await snapshot().units[vintage]?[code]
    }

    /// Units directly under `parent`; with `parent == nil`, the top-level units (provinces).
    public func children(of parent: String?, vintage: String) async throws -> [AreaUnit] {
        try await snapshot().children[vintage]?[parent ?? ""] ?? []
    }

    /// From the province down to the unit's parent.
    public func ancestors(of code: String, vintage: String) async throws -> [AreaUnit] {
        let units = try await snapshot().units[vintage] ?? [:]
        var chain: [AreaUnit] = []
        var current = units[code]?.parentCode
        while let parent = current, chain.count < 4, let unit = units[parent] {
            chain.insert(unit, at: 0)
            current = unit.parentCode
        }
        return chain
    }

    /// The units that took over `code` between two vintages. Empty when the unit has no recorded successor.
    public func successors(of code: String, from: String, to: String) async throws -> [AreaSuccession] {
        try await snapshot().successors[[from, to, code].joined(separator: "|")] ?? []
    }

    public func population(of code: String) async throws -> [PopulationFigure] {
        try await snapshot().population[code] ?? []
    }

    /// Diacritics- and case-insensitive search by name within a vintage.
    public func search(_ text: String, vintage: String, limit: Int = 20) async throws -> [AreaUnit] {
        let needle = "%" + TextFolding.fold(text).replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        return try await database.read { db in
            try await db.raw("""
                \(unsafeRaw: Self.unitColumns) FROM area_units
                WHERE vintage = \(bind: vintage) AND name_folded LIKE \(bind: needle) ORDER BY level, code LIMIT \(bind: limit)
                """).all().map(Self.decodeUnit)
        }
    }

    // MARK: Writing

    /// Loads (or reloads) units into a vintage and rebuilds their closure rows, in one transaction.
    public func load(vintage: String, description: String, units: [AreaUnit], successions: [(from: String, AreaSuccession)] = []) async throws {
        defer { cache.invalidate() }
        try await database.write { db in
            try await db.raw("""
                INSERT INTO area_vintages (vintage, description, loaded_at) VALUES (\(bind: vintage), \(bind: description), \(bind: Date()))
                ON CONFLICT (vintage) DO UPDATE SET description = excluded.description, loaded_at = excluded.loaded_at
                """).run()
            var parents: [String: String] = [:]
            for unit in units { parents[unit.code] = unit.parentCode }
            for unit in units {
                try await db.raw("""
                    INSERT INTO area_units (vintage, code, name, name_folded, unit_type, level, parent_code)
                    VALUES (\(bind: vintage), \(bind: unit.code), \(bind: unit.name), \(bind: TextFolding.fold(unit.name)),
                            \(bind: unit.type), \(bind: unit.level.rawValue), \(bind: unit.parentCode))
                    ON CONFLICT (vintage, code) DO UPDATE SET name = excluded.name, name_folded = excluded.name_folded,
                        unit_type = excluded.unit_type, level = excluded.level, parent_code = excluded.parent_code
                    """).run()
                var ancestor: String? = unit.code
                var depth = 0
                while let a = ancestor, depth < 4 {
                    try await db.raw("""
                        INSERT INTO area_closure (ancestor, descendant) VALUES (\(bind: a), \(bind: unit.code))
                        ON CONFLICT (ancestor, descendant) DO NOTHING
                        """).run()
                    ancestor = parents[a]
                    depth += 1
                }
            }
            for (from, succession) in successions {
                try await db.raw("""
                    INSERT INTO area_successions (from_vintage, old_code, to_vintage, new_code, note)
                    VALUES (\(bind: from), \(bind: succession.oldCode), \(bind: vintage), \(bind: succession.newCode), \(bind: succession.note))
                    ON CONFLICT (from_vintage, old_code, to_vintage, new_code) DO UPDATE SET note = excluded.note
                    """).run()
            }
        }
    }

    public func setPopulation(_ figure: PopulationFigure) async throws {
        defer { cache.invalidate() }
        try await database.write { db in
            try await db.raw("""
                INSERT INTO area_population (area_code, year, population, source)
                VALUES (\(bind: figure.areaCode), \(bind: figure.year), \(bind: figure.population), \(bind: figure.source))
                ON CONFLICT (area_code, year, source) DO UPDATE SET population = excluded.population
                """).run()
        }
    }

    // MARK: Rows

    static let unitColumns = "SELECT vintage, code, name, unit_type, level, parent_code"

    static func decodeUnit(_ row: any SQLRow) throws -> AreaUnit {
        AreaUnit(
            vintage: try row.decode(column: "vintage", as: String.self),
            code: try row.decode(column: "code", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            type: try row.decode(column: "unit_type", as: String.self),
            level: AreaLevel(rawValue: try row.decode(column: "level", as: String.self)) ?? .commune,
            parentCode: try row.decode(column: "parent_code", as: String?.self))
    }
}
