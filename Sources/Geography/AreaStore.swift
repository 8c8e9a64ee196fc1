import Domain
import Foundation
import SQLKit
import Storage

/// Administrative units, their vintages, populations and the old→new successions.
/// Areas are reference data: any signed-in staff member may read them, so no scope filter applies here;
/// the closure table written here is what `ScopeFilter` uses to scope everything else.
public struct AreaStore: Sendable {
    public let database: Database

    public init(database: Database) { self.database = database }

    // MARK: Reading

    public func vintages() async throws -> [String] {
        try await database.read { db in
            try await db.raw("SELECT vintage FROM area_vintages ORDER BY vintage").all().map {
                try $0.decode(column: "vintage", as: String.self)
            }
        }
    }

    public func unit(code: String, vintage: String) async throws -> AreaUnit? {
        try await database.read { db in
            try await db.raw("\(unsafeRaw: Self.unitColumns) FROM area_units WHERE vintage = \(bind: vintage) AND code = \(bind: code)")
                .first().map(Self.decodeUnit)
        }
    }

    /// Units directly under `parent`; with `parent == nil`, the top-level units (provinces).
    public func children(of parent: String?, vintage: String) async throws -> [AreaUnit] {
        try await database.read { db in
            let rows: [any SQLRow]
            if let parent {
                rows = try await db.raw(
                    "\(unsafeRaw: Self.unitColumns) FROM area_units WHERE vintage = \(bind: vintage) AND parent_code = \(bind: parent) ORDER BY code"
                ).all()
            } else {
                rows = try await db.raw(
                    "\(unsafeRaw: Self.unitColumns) FROM area_units WHERE vintage = \(bind: vintage) AND parent_code IS NULL ORDER BY code"
                ).all()
            }
            return try rows.map(Self.decodeUnit)
        }
    }

    /// From the province down to the unit's parent.
    public func ancestors(of code: String, vintage: String) async throws -> [AreaUnit] {
        var chain: [AreaUnit] = []
        var current = try await unit(code: code, vintage: vintage)?.parentCode
        while let parent = current, chain.count < 4, let unit = try await unit(code: parent, vintage: vintage) {
            chain.insert(unit, at: 0)
            current = unit.parentCode
        }
        return chain
    }

    /// The units that took over `code` between two vintages. Empty when the unit has no recorded successor.
    public func successors(of code: String, from: String, to: String) async throws -> [AreaSuccession] {
        try await database.read { db in
            try await db.raw("""
                SELECT old_code, new_code, note FROM area_successions
                WHERE from_vintage = \(bind: from) AND old_code = \(bind: code) AND to_vintage = \(bind: to) ORDER BY new_code
                """).all().map {
                AreaSuccession(oldCode: try $0.decode(column: "old_code", as: String.self),
                               newCode: try $0.decode(column: "new_code", as: String.self),
                               note: try $0.decode(column: "note", as: String.self))
            }
        }
    }

    public func population(of code: String) async throws -> [PopulationFigure] {
        try await database.read { db in
            try await db.raw(
                "SELECT area_code, year, population, source FROM area_population WHERE area_code = \(bind: code) ORDER BY year DESC"
            ).all().map {
                PopulationFigure(areaCode: try $0.decode(column: "area_code", as: String.self),
                                 year: try $0.decode(column: "year", as: Int.self),
                                 population: try $0.decode(column: "population", as: Int64.self),
                                 source: try $0.decode(column: "source", as: String.self))
            }
        }
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
