import Accounts
import Domain
import Foundation
import People
import SQLKit
import Storage

/// One vehicle crossing a road checkpoint, as the checkpoint's staff record it. Enumerated fields are strings so that
/// every wrong one is reported with the values allowed, all at once.
public struct TravelSubmission: Sendable, Codable, Equatable {
    public struct Occupant: Sendable, Codable, Equatable {
        public var person: PersonClaim
        /// `none` (default), `rapid_negative` or `pcr_negative`.
        public var testStatus: String?
        /// The day of that test (YYYY-MM-DD), required with a negative result.
        public var testDay: String?

        public init(person: PersonClaim, testStatus: String? = nil, testDay: String? = nil) {
            self.person = person
            self.testStatus = testStatus
            self.testDay = testDay
        }
    }

    /// A UUID made by the entry page, so a resend is the same declaration.
    public var clientId: String
    public var checkpointId: Int64
    public var direction: String
    /// When the vehicle crossed; the server's clock when absent.
    public var crossedAt: Date?
    public var plate: String
    public var vehicleType: String
    /// A commune code of this province, or another province's two-digit code.
    public var origin: String
    public var originDetail: String?
    public var destination: String
    /// The address at the destination (street, house number).
    public var destinationDetail: String?
    public var route: String?
    public var cargo: String?
    /// The driver first, then the passengers.
    public var occupants: [Occupant]

    public init(clientId: String, checkpointId: Int64, direction: String, crossedAt: Date? = nil, plate: String, vehicleType: String,
                origin: String, originDetail: String? = nil, destination: String, destinationDetail: String? = nil, route: String? = nil,
                cargo: String? = nil, occupants: [Occupant]) {
        self.clientId = clientId
        self.checkpointId = checkpointId
        self.direction = direction
        self.crossedAt = crossedAt
        self.plate = plate
        self.vehicleType = vehicleType
        self.origin = origin
        self.originDetail = originDetail
        self.destination = destination
        self.destinationDetail = destinationDetail
        self.route = route
        self.cargo = cargo
        self.occupants = occupants
    }
}

public struct TravelReceipt: Sendable, Codable, Equatable {
    public let id: Int64
    /// The code printed on the traveller's slip (and in its QR).
    public let slipCode: String
    public let duplicate: Bool
}

public struct Checkpoint: Sendable, Codable, Equatable {
    public let id: Int64
    public let code: String
    public let name: String
    public let communeCode: String
    public let road: String?
    public let active: Bool
}

public struct RecentCrossing: Sendable, Codable, Equatable {
    public let slipCode: String
    public let crossedAt: Date
    public let plate: String
    public let direction: String
    public let destination: String
    public let people: Int
}

public struct NewCheckpoint: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var communeCode: String
    public var road: String?

    public init(code: String, name: String, communeCode: String, road: String? = nil) {
        self.code = code
        self.name = name
        self.communeCode = communeCode
        self.road = road
    }
}

/// Where a vehicle comes from or goes to: a commune of this province, or another province.
public struct TravelPlace: Sendable, Equatable {
    public let code: String
    public let name: String
    /// The commune's district, when the place is a commune of this province under a district.
    public let district: String?
    public let province: String
    public let inProvince: Bool
}

public struct UnknownCheckpoint: MissingRecord, Equatable {
    public var detail: String { "No such checkpoint." }
    public let id: Int64
}

public struct ClosedCheckpoint: ConflictingState, Equatable {
    public var detail: String { "This checkpoint is closed; declarations are no longer recorded there." }
}

public struct ScannedIdentity: Sendable, Codable, Equatable {
    public let name: String
    public let birthYear: Int?
    /// "…1234": enough to compare with the card shown.
    public let idNumberEnd: String?
}

public struct UnknownPersonalQR: MissingRecord, Equatable {
    public var detail: String { "No person has this personal QR code." }
}

public struct UnknownTravelSlip: MissingRecord, Equatable {
    public var detail: String { "No travel declaration has this slip code." }
    public let code: String
}

/// Road-checkpoint travel declarations: recorded by the checkpoint, read by the destination as its list of arrivals.
public struct TravelStore: Sendable {
    public let database: Database
    /// The administrative-unit vintage the deployment works in: which list of other provinces records may name.
    public let vintage: String
    let gate: AccessGate

    /// A coach carries at most about 80; more is a typing error.
    public static let maxOccupants = 100
    /// The entry page queues declarations through network loss; one older than this is not a crossing to record now.
    public static let maxAge: TimeInterval = 72 * 3600
    public static let maxClockSkew: TimeInterval = 5 * 60

    public init(database: Database, vintage: String = "2021") {
        self.database = database
        self.vintage = vintage
        self.gate = AccessGate(database: database)
    }

    // MARK: Checkpoints

    public func createCheckpoint(_ new: NewCheckpoint, by principal: Principal, trace: RequestTrace) async throws -> Checkpoint {
        var v = Validator()
        let code = new.code.trimmingCharacters(in: .whitespaces).uppercased()
        v.require((2...20).contains(code.count) && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") },
                  "code", "2–20 letters, digits or dashes")
        let name = new.name.trimmingCharacters(in: .whitespacesAndNewlines)
        v.require((1...200).contains(name.count), "name", "required, at most 200 characters")
        v.require(AreaCode.level(of: new.communeCode) == .commune, "communeCode", "a 5-digit commune code")
        v.require((new.road ?? "").count <= 200, "road", "at most 200 characters")
        try v.check()
        try await gate.require(principal, .manageCheckpoints, area: new.communeCode, entity: "checkpoint", entityID: code, trace: trace)
        return try await database.write { db in
            guard try await Self.place(new.communeCode, on: db)?.inProvince == true else {
                throw ValidationFailure([FieldError("communeCode", "unknown commune \(new.communeCode)")])
            }
            if try await db.raw("SELECT 1 AS hit FROM checkpoints WHERE code = \(bind: code)").first() != nil {
                throw ValidationFailure([FieldError("code", "another checkpoint has the code \(code)")])
            }
            let row = try await db.raw("""
                INSERT INTO checkpoints (code, name, commune_code, road, active, created_at, created_by)
                VALUES (\(bind: code), \(bind: name), \(bind: new.communeCode), \(bind: new.road.flatMap { $0.isEmpty ? nil : $0 }), TRUE,
                        \(bind: Date()), \(bind: principal.accountID))
                RETURNING id
                """).first()!
            let id = try row.decode(column: "id", as: Int64.self)
            try await AuditLog.append(AuditEntry(principal: principal, action: "create", entity: "checkpoint", entityID: String(id),
                                                 areaCode: new.communeCode, context: trace), on: db)
            return Checkpoint(id: id, code: code, name: name, communeCode: new.communeCode, road: new.road, active: true)
        }
    }

    /// Dong Nai's road checkpoints of 2021 at its bridges and on the national roads out of the province, with the
    /// province each mostly faces: the demo and the synthetic province open them.
    public static let dongNaiCheckpoints: [(checkpoint: NewCheckpoint, facing: [String])] = [
        (NewCheckpoint(code: "BH-HOAAN", name: "Chốt cầu Hóa An", communeCode: "26068", road: "Cầu Hóa An (ĐT 768), giáp Bình Dương"), ["74"]),
        (NewCheckpoint(code: "BH-DONGNAI", name: "Chốt cầu Đồng Nai", communeCode: "26056", road: "Quốc lộ 1K, giáp TP Hồ Chí Minh"), ["79"]),
        (NewCheckpoint(code: "LT-QL51", name: "Chốt Quốc lộ 51 Phước Thái", communeCode: "26422", road: "Quốc lộ 51, giáp Bà Rịa - Vũng Tàu"), ["77"]),
        (NewCheckpoint(code: "XL-QL1A", name: "Chốt Quốc lộ 1A Xuân Hòa", communeCode: "26443", road: "Quốc lộ 1A, giáp Bình Thuận"), ["60"]),
        (NewCheckpoint(code: "TP-QL20", name: "Chốt Quốc lộ 20 Phú Thanh", communeCode: "26161", road: "Quốc lộ 20, giáp Lâm Đồng"), ["68"]),
    ]

    /// Opens the checkpoints of `list` that no checkpoint has the code of yet (set-up data written by the system, not
    /// by a person: no gate, no audit) and returns every listed code's id.
    public static func ensureCheckpoints(_ list: [NewCheckpoint], on db: any SQLDatabase, now: Date = Date()) async throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for new in list {
            if let row = try await db.raw("SELECT id FROM checkpoints WHERE code = \(bind: new.code)").first() {
                ids[new.code] = try row.decode(column: "id", as: Int64.self)
                continue
            }
            ids[new.code] = try await db.raw("""
                INSERT INTO checkpoints (code, name, commune_code, road, active, created_at) VALUES (\(bind: new.code), \(bind: new.name),
                    \(bind: new.communeCode), \(bind: new.road), TRUE, \(bind: now)) RETURNING id
                """).first()!.decode(column: "id", as: Int64.self)
        }
        return ids
    }

    /// Open checkpoints inside `scope` (a unit code), by name; with `closed`, the closed ones too.
    public func checkpoints(in scope: String, closed: Bool = false) async throws -> [Checkpoint] {
        try await database.read { db in
            try await db.raw("""
                SELECT id, code, name, commune_code, road, active FROM checkpoints
                WHERE \(unsafeRaw: closed ? "1 = 1" : "active = TRUE") AND \(ScopeFilter(scopeCode: scope).predicate("commune_code")) ORDER BY name, id
                """).all().map(Self.checkpoint)
        }
    }

    /// The vehicles recorded at these checkpoints since `since`, newest first (at most `limit`), for the entry page's
    /// list to reprint a slip from. No names: the page shows plates and counts.
    public func recent(at checkpoints: [Int64], since: Date, limit: Int = 50) async throws -> [RecentCrossing] {
        guard !checkpoints.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw("""
                SELECT slip_code, crossed_at, plate, direction, destination_code, occupants FROM travel_declarations
                WHERE checkpoint_id IN (\(binds: checkpoints)) AND crossed_at >= \(bind: since) ORDER BY crossed_at DESC, id DESC LIMIT \(bind: limit)
                """).all().map {
                RecentCrossing(slipCode: try $0.decode(column: "slip_code", as: String.self), crossedAt: try $0.decode(column: "crossed_at", as: Date.self),
                               plate: try $0.decode(column: "plate", as: String.self), direction: try $0.decode(column: "direction", as: String.self),
                               destination: try $0.decode(column: "destination_code", as: String.self), people: try $0.decode(column: "occupants", as: Int.self))
            }
        }
    }

    public func setActive(_ id: Int64, _ active: Bool, by principal: Principal, trace: RequestTrace) async throws {
        let checkpoint = try await self.checkpoint(id)
        try await gate.require(principal, .manageCheckpoints, area: checkpoint.communeCode, entity: "checkpoint", entityID: String(id), trace: trace)
        try await database.write { db in
            try await db.raw("UPDATE checkpoints SET active = \(bind: active) WHERE id = \(bind: id)").run()
            try await AuditLog.append(AuditEntry(principal: principal, action: active ? "open" : "close", entity: "checkpoint",
                                                 entityID: String(id), areaCode: checkpoint.communeCode, context: trace), on: db)
        }
    }

    public func checkpoint(_ id: Int64) async throws -> Checkpoint {
        guard let found = try await database.read({ db in
            try await db.raw("SELECT id, code, name, commune_code, road, active FROM checkpoints WHERE id = \(bind: id)").first().map(Self.checkpoint)
        }) else { throw UnknownCheckpoint(id: id) }
        return found
    }

    static func checkpoint(_ row: any SQLRow) throws -> Checkpoint {
        Checkpoint(id: try row.decode(column: "id", as: Int64.self), code: try row.decode(column: "code", as: String.self),
                   name: try row.decode(column: "name", as: String.self), communeCode: try row.decode(column: "commune_code", as: String.self),
                   road: try row.decode(column: "road", as: String?.self), active: try row.decode(column: "active", as: Bool.self))
    }

    // MARK: Places

    /// A commune of this province (with its district and province), or another province by its GSO code; nil when
    /// the code names neither. A two-digit code of this province itself is nil too: the commune is asked for.
    public static func place(_ code: String, vintage: String = "2021", on db: any SQLDatabase) async throws -> TravelPlace? {
        switch AreaCode.level(of: code) {
        case .commune:
            // The commune and its ancestors, whatever the vintage holding it.
            let rows = try await db.raw("""
                SELECT u.code, u.name, u.level FROM area_closure c JOIN area_units u ON u.code = c.ancestor
                WHERE c.descendant = \(bind: code) ORDER BY u.vintage
                """).all()
            var name: String?, district: String?, province: String?
            for row in rows {
                let level = try row.decode(column: "level", as: String.self), unit = try row.decode(column: "code", as: String.self)
                switch level {
                case "commune" where unit == code: if name == nil { name = try row.decode(column: "name", as: String.self) }
                case "district": district = district ?? unit
                case "province": province = province ?? unit
                default: break
                }
            }
            guard let name, let province else { return nil }
            return TravelPlace(code: code, name: name, district: district, province: province, inProvince: true)
        case .province:
            let home = try await db.raw("SELECT 1 AS hit FROM area_units WHERE code = \(bind: code) AND level = 'province'").first()
            guard home == nil, let other = Provinces.named(code, vintage: vintage) else { return nil }
            return TravelPlace(code: code, name: other.name, district: nil, province: code, inProvince: false)
        default:
            return nil
        }
    }

    /// The name to show for a code a record holds: a commune or district of the province, another province (of either
    /// list, so old records stay readable), else the code itself.
    public static func placeName(_ code: String, on db: any SQLDatabase) async throws -> String {
        if let name = try await place(code, on: db)?.name { return name }
        if AreaCode.level(of: code) == .district, let row = try await db.raw("""
            SELECT name FROM area_units WHERE code = \(bind: code) AND level = 'district' ORDER BY vintage LIMIT 1
            """).first() {
            return try row.decode(column: "name", as: String.self)
        }
        return Provinces.displayName(code) ?? code
    }

    // MARK: Recording

    /// Records a vehicle's crossing once per client id; a resend answers the first receipt. The people are found
    /// again or created (one record per person across every capability).
    public func record(_ s: TravelSubmission, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> TravelReceipt {
        var v = Validator()
        v.require(UUID(uuidString: s.clientId) != nil, "clientId", "a UUID made by the device")
        let direction = TravelDirection(rawValue: s.direction)
        v.require(direction != nil, "direction", "one of " + TravelDirection.allCases.map(\.rawValue).joined(separator: ", "))
        let vehicle = VehicleType(rawValue: s.vehicleType)
        v.require(vehicle != nil, "vehicleType", "one of " + VehicleType.allCases.map(\.rawValue).joined(separator: ", "))
        let plate = VehiclePlate.normalised(s.plate)
        v.require(plate != nil, "plate", "a Vietnamese number plate such as 60A-123.45")
        let crossedAt = s.crossedAt ?? now
        v.require(crossedAt <= now.addingTimeInterval(Self.maxClockSkew), "crossedAt", "in the future (more than 5 minutes ahead of the server)")
        v.require(crossedAt >= now.addingTimeInterval(-Self.maxAge), "crossedAt", "more than 72 hours ago")
        for (field, text) in [("originDetail", s.originDetail), ("destinationDetail", s.destinationDetail), ("route", s.route), ("cargo", s.cargo)] {
            v.require((text ?? "").count <= 300, field, "at most 300 characters")
        }
        v.require(!s.occupants.isEmpty, "occupants", "the driver at least")
        v.require(s.occupants.count <= Self.maxOccupants, "occupants", "at most \(Self.maxOccupants) people")
        let day = LocalDay.string(crossedAt)
        var claims: [PersonClaim] = []
        var tests: [(TravelTestStatus, String?)] = []
        var seen = Set<String>()
        for (i, occupant) in s.occupants.prefix(Self.maxOccupants).enumerated() {
            let prefix = "occupants[\(i)]"
            var claim = occupant.person
            claim.communeCode = nil
            switch claim.normalised() {
            case .failure(let error): v.require(false, prefix + "." + error.field, error.reason)
            case .success(let normalised): claim = normalised
            }
            v.require(claim.name != nil || claim.personToken != nil, prefix + ".person.name", "required unless a personal QR code is scanned")
            let key = claim.personToken.map { "t:" + $0 } ?? claim.idNumber.map { "i:" + $0 } ?? "p:\(claim.phone ?? "")|\(TextFolding.fold(claim.name ?? ""))"
            v.require(seen.insert(key).inserted, prefix + ".person", "the same person as an earlier occupant")
            let status = TravelTestStatus(rawValue: occupant.testStatus ?? "none")
            v.require(status != nil, prefix + ".testStatus", "one of " + TravelTestStatus.allCases.map(\.rawValue).joined(separator: ", "))
            let testDay = occupant.testDay.flatMap { $0.isEmpty ? nil : $0 }
            if let status, status != .none {
                if let testDay, LocalDay.isValid(testDay) {
                    v.require(testDay <= day, prefix + ".testDay", "after the crossing")
                    v.require(testDay >= (LocalDay.adding(-14, to: day) ?? day), prefix + ".testDay", "more than 14 days before the crossing")
                } else {
                    v.require(false, prefix + ".testDay", "the test's day as YYYY-MM-DD")
                }
            }
            claims.append(claim)
            tests.append((status ?? .none, status == TravelTestStatus.none ? nil : testDay))
        }
        try v.check()
        let checkpoint = try await self.checkpoint(s.checkpointId)
        try await gate.require(principal, .declareTravel, area: checkpoint.communeCode, entity: "travel_declaration", entityID: nil, trace: trace)

        let clientId = s.clientId.lowercased(), resolvedClaims = claims
        return try await database.write { db in
            if let existing = try await db.raw("SELECT id, slip_code FROM travel_declarations WHERE client_id = \(bind: clientId)").first() {
                return TravelReceipt(id: try existing.decode(column: "id", as: Int64.self),
                                     slipCode: try existing.decode(column: "slip_code", as: String.self), duplicate: true)
            }
            // A resend of what was recorded before the checkpoint closed is answered above; new records are refused.
            guard checkpoint.active else { throw ClosedCheckpoint() }
            let origin = try await Self.place(s.origin, vintage: vintage, on: db)
            let destination = try await Self.place(s.destination, vintage: vintage, on: db)
            var errors: [FieldError] = []
            if origin == nil { errors.append(FieldError("origin", "a commune code of this province or another province's 2-digit code")) }
            if destination == nil { errors.append(FieldError("destination", "a commune code of this province or another province's 2-digit code")) }
            if let origin, let destination, let direction {
                switch direction {
                case .entering where !destination.inProvince: errors.append(FieldError("destination", "entering: a commune of this province"))
                case .leaving where !origin.inProvince: errors.append(FieldError("origin", "leaving: a commune of this province"))
                case .transit where origin.inProvince || destination.inProvince:
                    errors.append(FieldError("direction", "transit: both ends lie outside the province"))
                default: break
                }
            }
            if !errors.isEmpty { throw ValidationFailure(errors) }
            // New people are filed under the commune of the province they go to or come from.
            let home = destination!.inProvince ? destination! : origin!
            let withCommune = resolvedClaims.map { claim -> PersonClaim in
                var c = claim
                if home.inProvince { c.communeCode = home.code }
                return c
            }
            let people = try await PersonStore.resolve(withCommune, on: db, now: now)
            if let unknown = people.firstIndex(where: { $0 == nil }) {
                throw ValidationFailure([FieldError("occupants[\(unknown)].person.personToken", "unknown personal QR code")])
            }
            let slip = SlipCode.make()
            let row = try await db.raw("""
                INSERT INTO travel_declarations (client_id, slip_code, checkpoint_id, commune_code, crossed_at, report_day, direction, plate,
                    vehicle_type, origin_code, origin_detail, destination_code, destination_district, destination_province, destination_detail,
                    route, cargo, occupants, recorded_by, recorded_at)
                VALUES (\(bind: clientId), \(bind: slip), \(bind: checkpoint.id), \(bind: checkpoint.communeCode), \(bind: crossedAt), \(bind: day),
                    \(bind: direction!.rawValue), \(bind: plate!), \(bind: vehicle!.rawValue), \(bind: origin!.code), \(bind: Self.trimmed(s.originDetail)),
                    \(bind: destination!.code), \(bind: destination!.district), \(bind: destination!.province), \(bind: Self.trimmed(s.destinationDetail)),
                    \(bind: Self.trimmed(s.route)), \(bind: Self.trimmed(s.cargo)), \(bind: people.count), \(bind: principal.accountID), \(bind: now))
                RETURNING id
                """).first()!
            let id = try row.decode(column: "id", as: Int64.self)
            var insert = db.insert(into: "travel_occupants").columns("declaration_id", "seat", "person_id", "role", "test_status", "test_day")
            for (seat, person) in people.enumerated() {
                insert = insert.values(SQLBind(id), SQLBind(seat), SQLBind(person!), SQLBind(seat == 0 ? "driver" : "passenger"),
                                       SQLBind(tests[seat].0.rawValue), SQLBind(tests[seat].1))
            }
            try await insert.run()
            try await Aggregates.added(.travel, keys: [id], on: db)
            try await AuditLog.append(AuditEntry(principal: principal, action: "record", entity: "travel_declaration", entityID: slip,
                                                 areaCode: checkpoint.communeCode, context: trace), on: db)
            return TravelReceipt(id: id, slipCode: slip, duplicate: false)
        }
    }

    /// Who a scanned personal QR names, for the checkpoint's staff to compare with the person in front of them: the
    /// name, year of birth and the last digits of the ID number. Anyone may cross any checkpoint, so the role is the
    /// check, not the area; each read is audited.
    public func identity(token: String, by principal: Principal, trace: RequestTrace) async throws -> ScannedIdentity {
        try await gate.require(principal, .declareTravel, entity: "person", trace: trace)
        guard (16...64).contains(token.count), let row = try await database.read({ db in
            try await db.raw("SELECT id, full_name, birth_year, id_number, commune_code FROM persons WHERE qr_token = \(bind: token)").first()
        }) else { throw UnknownPersonalQR() }
        let id = try row.decode(column: "id", as: Int64.self)
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "read:scanned", entity: "person", entityID: String(id),
                                                                 areaCode: try row.decode(column: "commune_code", as: String?.self), context: trace))
        let number = try row.decode(column: "id_number", as: String?.self)
        return ScannedIdentity(name: try row.decode(column: "full_name", as: String.self), birthYear: try row.decode(column: "birth_year", as: Int?.self),
                               idNumberEnd: number.map { "…" + $0.suffix(4) })
    }

    static func trimmed(_ text: String?) -> String? {
        text.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
