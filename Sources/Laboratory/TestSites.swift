import Accounts
import Domain
import Foundation
import SQLKit
import Storage

public enum SiteKind: String, Sendable, Codable, CaseIterable {
    case fixed, mobile, checkpoint, quarantineFacility = "quarantine_facility", laboratory
}

/// A sampling site: where it is, its opening hours (local time) cut into slots, and how many people a slot takes
/// (0: no booking, people just come).
public struct TestSite: Sendable, Codable, Equatable {
    public let id: Int64
    public let name: String
    public let kind: String
    public let communeCode: String
    public let address: String?
    public let opens: String
    public let closes: String
    public let slotMinutes: Int
    public let slotCapacity: Int
    public let poolMax: Int
    public let active: Bool
    /// Where the site is, when known (drawn on the maps).
    public var latitude: Double? = nil
    public var longitude: Double? = nil

    /// The starts of a local day's slots, from opening to the last slot that ends by closing time.
    public func slotStarts(day: String) -> [Date] {
        guard let midnight = LocalDay.start(day), let open = Self.minutes(opens), let close = Self.minutes(closes), slotMinutes > 0 else { return [] }
        return stride(from: open, through: close - slotMinutes, by: slotMinutes).map { midnight.addingTimeInterval(Double($0 * 60)) }
    }

    /// "07:30" → 450; nil unless HH:mm within a day.
    public static func minutes(_ clock: String) -> Int? {
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 5, parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0...59).contains(m),
              h * 60 + m <= 24 * 60 else { return nil }
        return h * 60 + m
    }
}

public struct NewTestSite: Sendable, Codable, Equatable {
    public var name: String
    public var kind: String
    public var communeCode: String
    public var address: String?
    public var opens: String?
    public var closes: String?
    public var slotMinutes: Int?
    public var slotCapacity: Int?
    public var poolMax: Int?
    public var latitude: Double?
    public var longitude: Double?

    public init(name: String, kind: String, communeCode: String, address: String? = nil, opens: String? = nil, closes: String? = nil,
                slotMinutes: Int? = nil, slotCapacity: Int? = nil, poolMax: Int? = nil, latitude: Double? = nil, longitude: Double? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
        self.kind = kind
        self.communeCode = communeCode
        self.address = address
        self.opens = opens
        self.closes = closes
        self.slotMinutes = slotMinutes
        self.slotCapacity = slotCapacity
        self.poolMax = poolMax
    }
}

/// One slot of a site's day with its bookings.
public struct SiteSlot: Sendable, Codable, Equatable {
    public let start: Date
    public let capacity: Int
    public let booked: Int
    public var free: Int { max(0, capacity - booked) }
}

public struct UnknownSite: MissingRecord, Equatable {
    public var detail: String { "No open sampling site has this id." }
    public let id: Int64
}

public struct SlotFull: ConflictingState, Equatable {
    public var detail: String { "That hour is fully booked at this site; choose another." }
    public var fields: [FieldError] { [FieldError("slotStart", "fully booked")] }
}

extension LabStore {
    static let slotLengths = [10, 15, 20, 30, 60, 120]

    public func createSite(_ new: NewTestSite, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> TestSite {
        var v = Validator()
        let name = new.name.trimmingCharacters(in: .whitespacesAndNewlines)
        v.require((1...200).contains(name.count), "name", "required, at most 200 characters")
        v.require(SiteKind(rawValue: new.kind) != nil, "kind", "one of " + SiteKind.allCases.map(\.rawValue).joined(separator: ", "))
        v.require(AreaCode.level(of: new.communeCode) == .commune, "communeCode", "a 5-digit commune code")
        v.require((new.address ?? "").count <= 300, "address", "at most 300 characters")
        let opens = new.opens ?? "07:00", closes = new.closes ?? "17:00", length = new.slotMinutes ?? 60
        let open = TestSite.minutes(opens), close = TestSite.minutes(closes)
        v.require(open != nil, "opens", "a time as HH:mm")
        v.require(close != nil, "closes", "a time as HH:mm")
        if let open, let close { v.require(close - open >= length, "closes", "after opening, at least one slot later") }
        v.require(Self.slotLengths.contains(length), "slotMinutes", "one of " + Self.slotLengths.map(String.init).joined(separator: ", "))
        v.require((0...10_000).contains(new.slotCapacity ?? 0), "slotCapacity", "0 (no booking) to 10,000 people a slot")
        v.require((2...Self.maxPool).contains(new.poolMax ?? Self.maxPool), "poolMax", "2 to \(Self.maxPool)")
        v.require((new.latitude == nil) == (new.longitude == nil), "latitude", "give both latitude and longitude, or neither")
        v.require(new.latitude.map { (0...30).contains($0) } ?? true, "latitude", "degrees north within Viet Nam's neighbourhood (0 to 30)")
        v.require(new.longitude.map { (95...120).contains($0) } ?? true, "longitude", "degrees east within Viet Nam's neighbourhood (95 to 120)")
        try v.check()
        try await gate.require(principal, .manageSites, area: new.communeCode, entity: "test_site", entityID: nil, trace: trace)
        return try await database.write { db in
            guard try await db.raw("SELECT 1 AS hit FROM area_units WHERE code = \(bind: new.communeCode) AND level = 'commune'").first() != nil else {
                throw ValidationFailure([FieldError("communeCode", "unknown commune \(new.communeCode)")])
            }
            let id = try await db.raw("""
                INSERT INTO test_sites (name, kind, commune_code, pool_max, created_at, address, opens, closes, slot_minutes, slot_capacity, active,
                                        latitude, longitude)
                VALUES (\(bind: name), \(bind: new.kind), \(bind: new.communeCode), \(bind: new.poolMax ?? Self.maxPool), \(bind: now),
                        \(bind: new.address.flatMap { $0.isEmpty ? nil : $0 }), \(bind: opens), \(bind: closes), \(bind: length),
                        \(bind: new.slotCapacity ?? 0), TRUE, \(bind: new.latitude), \(bind: new.longitude))
                RETURNING id
                """).first()!.decode(column: "id", as: Int64.self)
            try await AuditLog.append(AuditEntry(principal: principal, action: "create", entity: "test_site", entityID: String(id),
                                                 areaCode: new.communeCode, context: trace), on: db)
            return try await Self.site(id, on: db)!
        }
    }

    /// Open sites, of one commune or all, by name: public (where to go), no personal data.
    public func sites(commune: String? = nil) async throws -> [TestSite] {
        try await database.read { db in
            let filter: SQLQueryString = commune.map { " AND commune_code = \(bind: $0)" } ?? ""
            return try await db.raw("SELECT \(unsafeRaw: Self.siteColumns) FROM test_sites WHERE active = TRUE\(filter) ORDER BY name, id").all()
                .map(Self.decodeSite)
        }
    }

    public func site(_ id: Int64) async throws -> TestSite? { try await database.read { try await Self.site(id, on: $0) } }

    /// A local day's slots at an open site with their bookings (a site without booking has none).
    public func slots(site id: Int64, day: String) async throws -> [SiteSlot] {
        try await database.read { db in
            guard let site = try await Self.site(id, on: db), site.active else { throw UnknownSite(id: id) }
            return try await Self.slots(site, day: day, on: db)
        }
    }

    static func slots(_ site: TestSite, day: String, on db: any SQLDatabase) async throws -> [SiteSlot] {
        let starts = site.slotStarts(day: day)
        guard site.slotCapacity > 0, let first = starts.first, let last = starts.last else { return [] }
        var booked: [Double: Int] = [:]
        for row in try await db.raw("""
            SELECT slot_start, COUNT(*) AS n FROM test_registrations
            WHERE site_id = \(bind: site.id) AND slot_start >= \(bind: first) AND slot_start <= \(bind: last) GROUP BY slot_start
            """).all() {
            booked[try row.decode(column: "slot_start", as: Date.self).timeIntervalSince1970.rounded()] = try row.decode(column: "n", as: Int.self)
        }
        return starts.map { SiteSlot(start: $0, capacity: site.slotCapacity, booked: booked[$0.timeIntervalSince1970.rounded()] ?? 0) }
    }

    /// Checks a booking inside the registering transaction: the site is open, the slot is one of its day's, not over,
    /// and not full (the site's row is locked first on PostgreSQL, so two last places are not both taken).
    /// Returns the slot's start as the grid has it (a client's instant may carry milliseconds), to store and count by.
    static func checkBooking(site id: Int64, slot: Date?, now: Date, on db: any SQLDatabase) async throws -> Date? {
        if DatabaseKind.of(db) == .postgres { try await db.raw("SELECT id FROM test_sites WHERE id = \(bind: id) FOR UPDATE").run() }
        guard let site = try await Self.site(id, on: db), site.active else { throw ValidationFailure([FieldError("siteId", "no open site has this id")]) }
        guard site.slotCapacity > 0 else {
            if slot != nil { throw ValidationFailure([FieldError("slotStart", "this site takes no bookings: come during opening hours")]) }
            return nil
        }
        guard let slot else { throw ValidationFailure([FieldError("slotStart", "choose an hour: this site takes bookings")]) }
        let day = LocalDay.string(slot)
        guard let current = try await Self.slots(site, day: day, on: db).first(where: { abs($0.start.timeIntervalSince(slot)) < 1 }) else {
            throw ValidationFailure([FieldError("slotStart", "not one of the site's hours (\(site.opens)–\(site.closes), every \(site.slotMinutes) min)")])
        }
        guard current.start.addingTimeInterval(Double(site.slotMinutes * 60)) > now else {
            throw ValidationFailure([FieldError("slotStart", "that hour is over")])
        }
        guard current.free > 0 else { throw SlotFull() }
        return current.start
    }

    static let siteColumns = "id, name, kind, commune_code, address, opens, closes, slot_minutes, slot_capacity, pool_max, active, latitude, longitude"

    static func site(_ id: Int64, on db: any SQLDatabase) async throws -> TestSite? {
        try await db.raw("SELECT \(unsafeRaw: siteColumns) FROM test_sites WHERE id = \(bind: id)").first().map(decodeSite)
    }

    static func decodeSite(_ row: any SQLRow) throws -> TestSite {
        TestSite(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                 kind: try row.decode(column: "kind", as: String.self), communeCode: try row.decode(column: "commune_code", as: String.self),
                 address: try row.decode(column: "address", as: String?.self), opens: try row.decode(column: "opens", as: String.self),
                 closes: try row.decode(column: "closes", as: String.self), slotMinutes: try row.decode(column: "slot_minutes", as: Int.self),
                 slotCapacity: try row.decode(column: "slot_capacity", as: Int.self), poolMax: try row.decode(column: "pool_max", as: Int.self),
                 active: try row.decode(column: "active", as: Bool.self), latitude: try row.decode(column: "latitude", as: Double?.self),
                 longitude: try row.decode(column: "longitude", as: Double?.self))
    }
}
