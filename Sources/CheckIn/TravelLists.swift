import Accounts
import Domain
import Foundation
import SQLKit
import Storage

/// One traveller on a list of arrivals: the vehicle's crossing and the person in it.
public struct ArrivalRow: Sendable, Codable, Equatable {
    public let slipCode: String
    public let crossedAt: Date
    public let checkpoint: String
    public let direction: String
    public let plate: String
    public let vehicleType: String
    public let seat: Int
    public let role: String
    public let fullName: String
    public let birthYear: Int?
    public let idNumber: String?
    public let phone: String?
    public let origin: String
    public let originName: String
    public let originDetail: String?
    public let destination: String
    public let destinationName: String
    public let destinationDetail: String?
    public let route: String?
    public let cargo: String?
    public let testStatus: String
    public let testDay: String?
}

/// How many vehicles and people a destination received on a day.
public struct ArrivalCount: Sendable, Codable, Equatable {
    public let destination: String
    public let vehicles: Int
    public let people: Int
}

/// What the printed slip shows: the crossing and the people in the vehicle (printed for them by the checkpoint).
public struct TravelSlip: Sendable, Codable, Equatable {
    public struct Person: Sendable, Codable, Equatable {
        public let seat: Int
        public let role: String
        public let fullName: String
        public let testStatus: String
    }
    public let slipCode: String
    public let crossedAt: Date
    public let checkpoint: String
    public let checkpointCommune: String
    public let direction: String
    public let plate: String
    public let destination: String
    public let destinationName: String
    public let destinationDistrict: String?
    public let people: [Person]
}

/// What anyone holding a slip may confirm without signing in: that the crossing was recorded, where and when.
/// No names: the plate is shown with its last digits masked.
public struct SlipCheck: Sendable, Codable, Equatable {
    public let slipCode: String
    public let crossedAt: Date
    public let checkpoint: String
    public let plate: String
    public let destinationName: String
    public let people: Int
}

/// A list of arrivals is for a district or commune of this province, or for another province.
public struct ItineraryDestination: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case commune, district, otherProvince }
    public let code: String
    public let kind: Kind

    public init(code: String, kind: Kind) {
        self.code = code
        self.kind = kind
    }

    /// Nil when `code` is neither a unit of this province below it nor another province.
    public static func parse(_ code: String, vintage: String = "2021", on db: any SQLDatabase) async throws -> ItineraryDestination? {
        switch AreaCode.level(of: code) {
        case .commune:
            return try await TravelStore.place(code, on: db)?.inProvince == true ? ItineraryDestination(code: code, kind: .commune) : nil
        case .district:
            let known = try await db.raw("SELECT 1 AS hit FROM area_units WHERE code = \(bind: code) AND level = 'district'").first()
            return known == nil ? nil : ItineraryDestination(code: code, kind: .district)
        case .province:
            // A list may be asked for a province of either list: records made before the reorganisation keep their codes.
            if try await TravelStore.place(code, vintage: vintage, on: db) != nil { return ItineraryDestination(code: code, kind: .otherProvince) }
            let home = try await db.raw("SELECT 1 AS hit FROM area_units WHERE code = \(bind: code) AND level = 'province'").first()
            return home == nil && Provinces.displayName(code) != nil ? ItineraryDestination(code: code, kind: .otherProvince) : nil
        default:
            return nil
        }
    }

    public var predicate: SQLQueryString {
        switch kind {
        case .commune: "t.destination_code = \(bind: code)"
        case .district: "t.destination_district = \(bind: code)"
        // Only vehicles leaving for (or passing through to) that province: arrivals in this province are not its.
        case .otherProvince: "t.destination_province = \(bind: code) AND t.destination_district IS NULL"
        }
    }
}

public struct UnknownDestination: MissingRecord, Equatable {
    public var detail: String { "No district or commune of this province, nor another province, has the code \(code)." }
    public let code: String
    public init(code: String) { self.code = code }
}

extension TravelStore {
    /// The travellers arriving at `destination` on the local `day`, in the order they crossed. Personal data: the
    /// principal must read travel in that area (another province's list: an account of the whole province); audited.
    public func arrivals(day: String, destination code: String, by principal: Principal, trace: RequestTrace) async throws -> [ArrivalRow] {
        let destination = try await authorisedDestination(code, by: principal, trace: trace)
        let rows = try await database.read { try await Self.arrivalRows(day: day, destination: destination, on: $0) }
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "export:arrivals", entity: "travel_declaration",
                                                                 entityID: "\(code)@\(day)", areaCode: code, context: trace))
        return rows
    }

    /// The destination, once the principal is known to read travel there; refusals are audited by the gate.
    func authorisedDestination(_ code: String, by principal: Principal, trace: RequestTrace) async throws -> ItineraryDestination {
        guard let destination = try await database.read({ try await ItineraryDestination.parse(code, vintage: vintage, on: $0) }) else {
            try await gate.require(principal, .readTravel, entity: "travel_declaration", trace: trace)
            throw UnknownDestination(code: code)
        }
        if destination.kind == .otherProvince {
            // Lists for other provinces are the province's to send: an account scoped to the whole province.
            try await gate.require(principal, .readTravel, entity: "travel_declaration", trace: trace)
            guard AreaCode.level(of: principal.scopeCode) == .province else {
                try await gate.deny(principal, .readTravel, .scope, entity: "travel_declaration", entityID: nil, area: code, trace: trace)
            }
        } else {
            try await gate.require(principal, .readTravel, area: code, entity: "travel_declaration", entityID: nil, trace: trace)
        }
        return destination
    }

    /// Unscoped: for the nightly lists and the command line, which act for the province.
    public static func arrivalRows(day: String, destination: ItineraryDestination, on db: any SQLDatabase) async throws -> [ArrivalRow] {
        let rows = try await db.raw(arrivalsQuery(day: day, destination: destination)).all()
        var names: [String: String] = [:]
        func name(_ code: String) async throws -> String {
            if let known = names[code] { return known }
            let found = try await placeName(code, on: db)
            names[code] = found
            return found
        }
        var out: [ArrivalRow] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            let origin = try row.decode(column: "origin_code", as: String.self), destinationCode = try row.decode(column: "destination_code", as: String.self)
            out.append(ArrivalRow(
                slipCode: try row.decode(column: "slip_code", as: String.self), crossedAt: try row.decode(column: "crossed_at", as: Date.self),
                checkpoint: try row.decode(column: "checkpoint", as: String.self), direction: try row.decode(column: "direction", as: String.self),
                plate: try row.decode(column: "plate", as: String.self), vehicleType: try row.decode(column: "vehicle_type", as: String.self),
                seat: try row.decode(column: "seat", as: Int.self), role: try row.decode(column: "role", as: String.self),
                fullName: try row.decode(column: "full_name", as: String.self), birthYear: try row.decode(column: "birth_year", as: Int?.self),
                idNumber: try row.decode(column: "id_number", as: String?.self), phone: try row.decode(column: "phone", as: String?.self),
                origin: origin, originName: try await name(origin), originDetail: try row.decode(column: "origin_detail", as: String?.self),
                destination: destinationCode, destinationName: try await name(destinationCode),
                destinationDetail: try row.decode(column: "destination_detail", as: String?.self), route: try row.decode(column: "route", as: String?.self),
                cargo: try row.decode(column: "cargo", as: String?.self), testStatus: try row.decode(column: "test_status", as: String.self),
                testDay: try row.decode(column: "test_day", as: String?.self)))
        }
        return out
    }

    /// The list's query: one day's declarations for the destination by its index, their people in seat order.
    public static func arrivalsQuery(day: String, destination: ItineraryDestination) -> SQLQueryString {
        """
            SELECT t.slip_code, t.crossed_at, k.name AS checkpoint, t.direction, t.plate, t.vehicle_type, o.seat, o.role, p.full_name,
                   p.birth_year, p.id_number, p.phone, t.origin_code, t.origin_detail, t.destination_code, t.destination_detail, t.route,
                   t.cargo, o.test_status, o.test_day
            FROM travel_declarations t
            JOIN checkpoints k ON k.id = t.checkpoint_id
            JOIN travel_occupants o ON o.declaration_id = t.id
            JOIN persons p ON p.id = o.person_id
            WHERE t.report_day = \(bind: day) AND \(destination.predicate)
            ORDER BY t.crossed_at, t.id, o.seat
            """
    }

    /// Vehicles and people per destination on a day, for the destinations the principal may read: its districts'
    /// (and communes') arrivals, and for a province account the other provinces' lists too. No personal data.
    public func arrivalCounts(day: String, by principal: Principal, trace: RequestTrace) async throws -> [ArrivalCount] {
        try await gate.require(principal, .readTravel, entity: "travel_declaration", trace: trace)
        return try await database.read { db in
            let scope = principal.scopeCode
            var counts: [ArrivalCount] = []
            let key: String = AreaCode.level(of: scope) == .commune ? "t.destination_code" : "t.destination_district"
            let inside = try await db.raw("""
                SELECT \(unsafeRaw: key) AS destination, COUNT(*) AS vehicles, SUM(t.occupants) AS people FROM travel_declarations t
                WHERE t.report_day = \(bind: day) AND t.destination_district IS NOT NULL AND \(ScopeFilter(scopeCode: scope).predicate(key))
                GROUP BY \(unsafeRaw: key) ORDER BY \(unsafeRaw: key)
                """).all()
            counts += try inside.map(Self.count)
            if AreaCode.level(of: scope) == .province {
                let outside = try await db.raw("""
                    SELECT t.destination_province AS destination, COUNT(*) AS vehicles, SUM(t.occupants) AS people FROM travel_declarations t
                    WHERE t.report_day = \(bind: day) AND t.destination_district IS NULL
                    GROUP BY t.destination_province ORDER BY t.destination_province
                    """).all()
                counts += try outside.map(Self.count)
            }
            return counts
        }
    }

    static func count(_ row: any SQLRow) throws -> ArrivalCount {
        ArrivalCount(destination: try row.decode(column: "destination", as: String.self), vehicles: try row.decode(column: "vehicles", as: Int.self),
                     people: try row.decode(column: "people", as: Int.self))
    }

    /// The printed slip, for the checkpoint that recorded it or the destination that reads it; audited.
    public func slip(_ code: String, by principal: Principal, trace: RequestTrace) async throws -> TravelSlip {
        guard let slip = try await database.read({ try await Self.slip(code, on: $0) }) else {
            try await gate.require(principal, .declareTravel, entity: "travel_declaration", trace: trace)
            throw UnknownTravelSlip(code: code)
        }
        let readable = try await database.read { db -> Bool in
            let scope = ScopeFilter(principal)
            if principal.role.may(.declareTravel), try await scope.covers(slip.checkpointCommune, on: db) { return true }
            if principal.role.may(.readTravel), try await scope.covers(slip.destination, on: db) { return true }
            return false
        }
        if !readable {
            try await gate.deny(principal, principal.role.may(.readTravel) ? .readTravel : .declareTravel, .scope, entity: "travel_declaration",
                                entityID: code, area: slip.checkpointCommune, trace: trace)
        }
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "read:slip", entity: "travel_declaration",
                                                                 entityID: code, areaCode: slip.checkpointCommune, context: trace))
        return slip
    }

    static func slip(_ code: String, on db: any SQLDatabase) async throws -> TravelSlip? {
        guard SlipCode.isWellFormed(code),
              let row = try await db.raw("""
                  SELECT t.id, t.slip_code, t.crossed_at, k.name AS checkpoint, t.commune_code, t.direction, t.plate, t.destination_code,
                         t.destination_district
                  FROM travel_declarations t JOIN checkpoints k ON k.id = t.checkpoint_id WHERE t.slip_code = \(bind: code)
                  """).first()
        else { return nil }
        let id = try row.decode(column: "id", as: Int64.self)
        let people = try await db.raw("""
            SELECT o.seat, o.role, p.full_name, o.test_status FROM travel_occupants o JOIN persons p ON p.id = o.person_id
            WHERE o.declaration_id = \(bind: id) ORDER BY o.seat
            """).all().map {
            TravelSlip.Person(seat: try $0.decode(column: "seat", as: Int.self), role: try $0.decode(column: "role", as: String.self),
                              fullName: try $0.decode(column: "full_name", as: String.self), testStatus: try $0.decode(column: "test_status", as: String.self))
        }
        let destination = try row.decode(column: "destination_code", as: String.self)
        return TravelSlip(slipCode: code, crossedAt: try row.decode(column: "crossed_at", as: Date.self),
                          checkpoint: try row.decode(column: "checkpoint", as: String.self),
                          checkpointCommune: try row.decode(column: "commune_code", as: String.self),
                          direction: try row.decode(column: "direction", as: String.self), plate: try row.decode(column: "plate", as: String.self),
                          destination: destination,
                          destinationName: try await placeName(destination, on: db),
                          destinationDistrict: try row.decode(column: "destination_district", as: String?.self), people: people)
    }

    /// The public confirmation of a slip (its QR opens it): no names, the plate masked.
    public func check(_ code: String) async throws -> SlipCheck {
        guard let slip = try await database.read({ try await Self.slip(code, on: $0) }) else { throw UnknownTravelSlip(code: code) }
        let display = VehiclePlate.display(slip.plate)
        return SlipCheck(slipCode: slip.slipCode, crossedAt: slip.crossedAt, checkpoint: slip.checkpoint,
                         plate: String(display.dropLast(2)) + "**", destinationName: slip.destinationName, people: slip.people.count)
    }
}

/// The list of arrivals as the destinations receive it: CSV, UTF-8 with a byte-order mark so Excel opens it, one
/// line per person, Vietnamese column names.
public enum ItineraryCSV {
    public static let header = ["Mã phiếu", "Thời điểm qua chốt", "Chốt", "Hướng", "Biển số", "Loại xe", "Vai trò", "Họ tên", "Năm sinh",
                                "CCCD/CMND/Hộ chiếu", "Điện thoại", "Mã nơi đi", "Nơi đi", "Địa chỉ nơi đi", "Mã nơi đến", "Nơi đến",
                                "Địa chỉ nơi đến", "Lộ trình", "Hàng hóa", "Xét nghiệm", "Ngày xét nghiệm"]

    static let directions = ["entering": "Vào tỉnh", "leaving": "Ra tỉnh", "transit": "Quá cảnh"]
    static let vehicles = ["car": "Ô tô con", "truck": "Xe tải", "coach": "Xe khách", "motorbike": "Xe máy", "other": "Khác"]
    static let tests = ["none": "Không", "rapid_negative": "Test nhanh âm tính", "pcr_negative": "RT-PCR âm tính"]

    public static func fields(_ r: ArrivalRow) -> [String] {
        [r.slipCode, LocalDay.clock(r.crossedAt), r.checkpoint, directions[r.direction] ?? r.direction,
         VehiclePlate.display(r.plate), vehicles[r.vehicleType] ?? r.vehicleType, r.role == "driver" ? "Lái xe" : "Hành khách", r.fullName,
         r.birthYear.map(String.init) ?? "", r.idNumber ?? "", r.phone ?? "", r.origin, r.originName, r.originDetail ?? "", r.destination,
         r.destinationName, r.destinationDetail ?? "", r.route ?? "", r.cargo ?? "", tests[r.testStatus] ?? r.testStatus, r.testDay ?? ""]
    }

    public static func text(_ rows: [ArrivalRow]) -> String { CSV.write(header: header, rows: rows.map(fields)) }

    public static func filename(day: String, destination: String) -> String { "lo-trinh-\(destination)-\(day).csv" }
}
