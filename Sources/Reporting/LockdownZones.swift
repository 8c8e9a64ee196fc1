import Accounts
import Domain
import Foundation
import Geography
import SQLKit
import Storage

/// A lockdown zone (vùng phong tỏa) as decided: administrative units, a polygon, or both, in force from one local day
/// to another (inclusive; open-ended until lifted).
public struct LockdownZone: Sendable, Codable, Equatable {
    public let id: Int64
    public let name: String
    /// The unit responsible for it (its officers may lift it); every listed unit lies within it.
    public let areaCode: String
    public let unitCodes: [String]
    /// Its own polygons as GeoJSON's MultiPolygon coordinates (each polygon its outer ring then its holes, each ring
    /// [[longitude, latitude]]); nil for a list of units only.
    public let polygons: [[[[Double]]]]?
    public let validFrom: String
    public let validTo: String?
    public let decision: String
    public let note: String?
    public let createdAt: Date
    public let liftedAt: Date?
    public let liftReason: String?

    public func inForce(on day: String) -> Bool { validFrom <= day && (validTo.map { day <= $0 } ?? true) }

    /// Every ring of its own polygons (drawn with the even-odd rule, holes included).
    public var rings: [[Boundary.Point]] { (polygons ?? []).joined().map { $0.map { Boundary.Point(lon: $0[0], lat: $0[1]) } } }
}

/// A new zone as an officer enters it. `geoJSON` is a Polygon or MultiPolygon — bare, in a Feature, or a
/// FeatureCollection of them (a drawn shape or an imported file).
public struct NewLockdownZone: Sendable, Equatable {
    public var name: String
    public var areaCode: String
    public var unitCodes: [String]
    public var geoJSON: Data?
    public var validFrom: String
    public var validTo: String?
    public var decision: String
    public var note: String?

    public init(name: String, areaCode: String, unitCodes: [String] = [], geoJSON: Data? = nil, validFrom: String, validTo: String? = nil,
                decision: String, note: String? = nil) {
        self.name = name
        self.areaCode = areaCode
        self.unitCodes = unitCodes
        self.geoJSON = geoJSON
        self.validFrom = validFrom
        self.validTo = validTo
        self.decision = decision
        self.note = note
    }
}

public struct ZoneNotFound: MissingRecord, Equatable {
    public let id: Int64
    public var detail: String { "No lockdown zone \(id)." }
}

public struct ZoneAlreadyEnded: ConflictingState, Equatable {
    public let lastDay: String
    public var detail: String { "This zone already ends on \(lastDay); it can only be lifted earlier." }
    public var fields: [FieldError] { [FieldError("lastDay", "on or before \(lastDay)")] }
}

/// Lockdown zones: recorded by officers of the area (audited), shown on the maps of the days they are in force and on
/// the public notice page. A zone is never deleted: lifting it early sets its last day and says who and why.
public struct LockdownZones: Sendable {
    public static let maxZoneBytes = 2 * 1024 * 1024
    public static let maxPositions = 20_000

    let database: Database
    let areas: AreaStore
    let districts: [Boundary]
    let imported: BoundaryStore
    let gate: AccessGate

    public init(database: Database, areas: AreaStore, districts: [Boundary], imported: BoundaryStore) {
        self.database = database
        self.areas = areas
        self.districts = districts
        self.imported = imported
        self.gate = AccessGate(database: database)
    }

    /// The unit's outline when one is known: a district's bundled one, an imported one, or the province as all its
    /// districts together.
    func outline(of unit: AreaUnit) async throws -> Boundary? {
        if unit.level == .province { return districts.isEmpty ? nil : Boundary(code: unit.code, rings: districts.flatMap(\.rings)) }
        return try await imported.imported()[unit.code] ?? districts.first { $0.code == unit.code }
    }

    public func create(_ new: NewLockdownZone, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> LockdownZone {
        var v = Validator()
        let name = new.name.trimmedWhitespace, decision = new.decision.trimmedWhitespace
        let note = new.note?.trimmedWhitespace
        v.require((1...200).contains(name.count), "name", "required, at most 200 characters")
        v.require((1...300).contains(decision.count), "decision", "the deciding document (number and date), at most 300 characters")
        v.require((note ?? "").count <= 2000, "note", "at most 2000 characters")
        v.require(LocalDay.isValid(new.validFrom), "validFrom", "a day as YYYY-MM-DD")
        v.require(new.validTo.map { LocalDay.isValid($0) && $0 >= new.validFrom } ?? true, "validTo", "a day on or after validFrom")
        let units = Array(Set(new.unitCodes.map(\.trimmedWhitespace).filter { !$0.isEmpty })).sorted()
        v.require(units.count <= 500, "unitCodes", "at most 500 units")
        let polygons = Self.polygons(new.geoJSON, errors: &v)
        v.require(!units.isEmpty || new.geoJSON != nil, "unitCodes", "list the units in the zone, or give its polygon")
        try v.check()
        guard let area = try await areas.unit(code: new.areaCode, vintage: Statistics.vintage) else { throw AreaNotFound(code: new.areaCode) }
        var outside: [FieldError] = []
        for (i, code) in units.enumerated() {
            guard try await areas.unit(code: code, vintage: Statistics.vintage) != nil else {
                outside.append(FieldError("unitCodes[\(i)]", "unknown area code \(code)")); continue
            }
            let inside = try await database.read { try await ScopeFilter(scopeCode: area.code).covers(code, on: $0) }
            if !inside { outside.append(FieldError("unitCodes[\(i)]", "\(code) is not within \(area.code) \(area.name)")) }
        }
        if let polygons, let outline = try await outline(of: area) {
            // A polygon drawn or imported for the wrong place (swapped coordinates, another province's file) is refused.
            let b = outline.bounds, slack = 0.02
            if polygons.joined().joined().contains(where: { $0.lon < b.minLon - slack || $0.lon > b.maxLon + slack || $0.lat < b.minLat - slack || $0.lat > b.maxLat + slack }) {
                outside.append(FieldError("geometry", "the polygon reaches outside \(area.name)"))
            }
        }
        if !outside.isEmpty { throw ValidationFailure(Array(outside.prefix(50))) }
        try await gate.require(principal, .manageZones, area: area.code, entity: "lockdown_zone", entityID: nil, trace: trace)
        let ringsText = polygons.map { String(decoding: try! JSONEncoder().encode($0.map { $0.map { $0.map { [$0.lon, $0.lat] } } }), as: UTF8.self) }
        let unitsText = String(decoding: try JSONEncoder().encode(units), as: UTF8.self)
        let id = try await database.write { db in
            let id = try await db.raw("""
                INSERT INTO lockdown_zones (name, area_code, unit_codes, rings, valid_from, valid_to, decision, note, created_at, created_by)
                VALUES (\(bind: name), \(bind: area.code), \(bind: unitsText), \(bind: ringsText), \(bind: new.validFrom), \(bind: new.validTo),
                        \(bind: decision), \(bind: note.flatMap { $0.isEmpty ? nil : $0 }), \(bind: now), \(bind: principal.accountID))
                RETURNING id
                """).first()!.decode(column: "id", as: Int64.self)
            try await AuditLog.append(AuditEntry(principal: principal, action: "create", entity: "lockdown_zone", entityID: String(id),
                                                 areaCode: area.code, context: trace), on: db)
            return id
        }
        return try await zone(id)!
    }

    /// Ends a zone after `lastDay` (lifting it early; never later than decided, never before it began).
    public func lift(_ id: Int64, lastDay: String, reason: String, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws
        -> LockdownZone
    {
        guard let zone = try await zone(id) else { throw ZoneNotFound(id: id) }
        try await gate.require(principal, .manageZones, area: zone.areaCode, entity: "lockdown_zone", entityID: String(id), trace: trace)
        var v = Validator()
        let reason = reason.trimmedWhitespace
        v.require(LocalDay.isValid(lastDay) && lastDay >= zone.validFrom, "lastDay", "a day as YYYY-MM-DD on or after \(zone.validFrom)")
        v.require((1...500).contains(reason.count), "reason", "required, at most 500 characters")
        try v.check()
        if let end = zone.validTo, lastDay > end { throw ZoneAlreadyEnded(lastDay: end) }
        try await database.write { db in
            try await db.raw("""
                UPDATE lockdown_zones SET valid_to = \(bind: lastDay), lifted_at = \(bind: now), lifted_by = \(bind: principal.accountID),
                    lift_reason = \(bind: reason)
                WHERE id = \(bind: id)
                """).run()
            try await AuditLog.append(AuditEntry(principal: principal, action: "lift:\(lastDay)", entity: "lockdown_zone", entityID: String(id),
                                                 areaCode: zone.areaCode, context: trace), on: db)
        }
        return try await self.zone(id)!
    }

    public func zone(_ id: Int64) async throws -> LockdownZone? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM lockdown_zones WHERE id = \(bind: id)").first().map(Self.decode)
        }
    }

    /// The zones a map or list of `unit` concerns on `day`: those of the unit, of units within it, and of the units
    /// above it (a province-wide decision shows on every district's map).
    public func inForce(on day: String, concerning unit: AreaUnit) async throws -> [LockdownZone] {
        try await fetch("\(Self.inForce(day)) AND \(Self.concerning(unit.code))", order: "valid_from, id", limit: 2000)
    }

    /// The zones concerning an area (its own, those within it, those above it): in force on `day` when one is given,
    /// otherwise those in force, coming, or ended within the last 90 days, newest first (the officers' page).
    public func list(for principal: Principal, area code: String, day: String?, today: String, trace: RequestTrace) async throws -> [LockdownZone] {
        guard day.map(LocalDay.isValid) ?? true else { throw ValidationFailure([FieldError("date", "a day as YYYY-MM-DD")]) }
        guard let unit = try await areas.unit(code: code, vintage: Statistics.vintage) else { throw AreaNotFound(code: code) }
        try await gate.require(principal, .readDashboards, area: unit.code, entity: "lockdown_zone", entityID: nil, trace: trace)
        if let day { return try await inForce(on: day, concerning: unit) }
        let since = LocalDay.adding(-90, to: today) ?? today
        return try await fetch("(valid_to IS NULL OR valid_to >= \(bind: since)) AND \(Self.concerning(unit.code))",
                               order: "valid_from DESC, id DESC", limit: 2000)
    }

    /// Every zone in force on `day`, for the public notice (decisions are public: names, units, days, document).
    public func publicZones(on day: String) async throws -> [LockdownZone] {
        try await fetch(Self.inForce(day), order: "valid_from DESC, id DESC", limit: 500)
    }

    // MARK: -

    private func fetch(_ condition: SQLQueryString, order: String, limit: Int) async throws -> [LockdownZone] {
        try await database.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM lockdown_zones WHERE \(condition)
                ORDER BY \(unsafeRaw: order) LIMIT \(literal: limit)
                """).all().map(Self.decode)
        }
    }

    static func inForce(_ day: String) -> SQLQueryString {
        "valid_from <= \(bind: day) AND (valid_to IS NULL OR valid_to >= \(bind: day))"
    }

    /// The zone's unit is `code`, lies within it, or lies above it — through the same area closure as every scope
    /// check (`ScopeFilter`).
    static func concerning(_ code: String) -> SQLQueryString {
        "(\(ScopeFilter(scopeCode: code).predicate("area_code")) OR area_code IN (SELECT ancestor FROM area_closure WHERE descendant = \(bind: code)))"
    }

    /// The checked polygons of the given GeoJSON, or nil (errors noted) when there is none or it is wrong.
    static func polygons(_ data: Data?, errors v: inout Validator) -> [[[Boundary.Point]]]? {
        guard let data else { return nil }
        guard data.count <= maxZoneBytes else {
            v.require(false, "geometry", "\(data.count / 1024) KB: at most \(maxZoneBytes / 1_048_576) MB")
            return nil
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            v.require(false, "geometry", "not a JSON object")
            return nil
        }
        var geometries: [(path: String, geometry: [String: Any])] = []
        switch root["type"] as? String {
        case "FeatureCollection":
            for (i, feature) in (root["features"] as? [Any] ?? []).enumerated() {
                guard let geometry = (feature as? [String: Any])?["geometry"] as? [String: Any] else {
                    v.require(false, "geometry.features[\(i)]", "no geometry"); continue
                }
                geometries.append(("geometry.features[\(i)]", geometry))
            }
        case "Feature":
            guard let geometry = root["geometry"] as? [String: Any] else { v.require(false, "geometry", "the feature has no geometry"); return nil }
            geometries.append(("geometry", geometry))
        default:
            geometries.append(("geometry", root))
        }
        var errors: [FieldError] = []
        var polygons: [[[Boundary.Point]]] = []
        for (path, geometry) in geometries {
            guard let type = geometry["type"] as? String, let coordinates = geometry["coordinates"] as? [Any] else {
                errors.append(FieldError(path, "a Polygon or MultiPolygon with coordinates expected")); continue
            }
            polygons += BoundaryReader.polygons(type: type, coordinates: coordinates, path: path, errors: &errors) ?? []
        }
        if geometries.isEmpty { errors.append(FieldError("geometry", "no polygon")) }
        let positions = polygons.joined().reduce(0) { $0 + $1.count }
        if positions > maxPositions { errors.append(FieldError("geometry", "\(positions) positions: at most \(maxPositions)")) }
        for error in errors.prefix(50) { v.require(false, error.field, error.reason) }
        return errors.isEmpty ? polygons : nil
    }

    static let columns = "id, name, area_code, unit_codes, rings, valid_from, valid_to, decision, note, created_at, lifted_at, lift_reason"

    static func decode(_ row: any SQLRow) throws -> LockdownZone {
        let units = try JSONDecoder().decode([String].self, from: Data(try row.decode(column: "unit_codes", as: String.self).utf8))
        let polygons = try row.decode(column: "rings", as: String?.self).map { try JSONDecoder().decode([[[[Double]]]].self, from: Data($0.utf8)) }
        return LockdownZone(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                            areaCode: try row.decode(column: "area_code", as: String.self), unitCodes: units, polygons: polygons,
                            validFrom: try row.decode(column: "valid_from", as: String.self), validTo: try row.decode(column: "valid_to", as: String?.self),
                            decision: try row.decode(column: "decision", as: String.self), note: try row.decode(column: "note", as: String?.self),
                            createdAt: try row.decode(column: "created_at", as: Date.self), liftedAt: try row.decode(column: "lifted_at", as: Date?.self),
                            liftReason: try row.decode(column: "lift_reason", as: String?.self))
    }
}
