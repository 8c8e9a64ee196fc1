import Accounts
import Domain
import Foundation
import SQLKit
import Storage

public struct VenueNotFound: MissingRecord, Equatable {
    public var detail: String { "No such venue." }
    public let id: Int64
    public init(id: Int64) { self.id = id }
}

/// Venues and their QR tokens. Officers manage venues in their area; an operator registers and reads their own.
public struct VenueStore: Sendable {
    public let database: Database
    let gate: AccessGate

    public init(database: Database) {
        self.database = database
        self.gate = AccessGate(database: database)
    }

    /// Officers' venues are approved at once; an operator's wait for an officer of the commune or district.
    public func register(_ new: NewVenue, by principal: Principal, trace: RequestTrace) async throws -> Venue {
        try new.validate()
        try await database.read { try await Self.requireKnownCommunes([new.communeCode], on: $0) }
        let selfRegistration = !principal.role.may(.manageVenues)
        if selfRegistration {
            try await gate.require(principal, .registerVenues, area: new.communeCode, entity: "venue", entityID: nil, trace: trace)
        } else {
            try await gate.require(principal, .manageVenues, area: new.communeCode, entity: "venue", entityID: nil, trace: trace)
        }
        let ids = try await insert([new], status: selfRegistration ? .pending : .approved,
                                   operatorID: selfRegistration ? principal.accountID : nil, principal: principal, trace: trace)
        return try await find(id: ids[0])!
    }

    /// Registers many venues at once (a district's business list), all or none; officers only, each venue in scope.
    public func registerAll(_ venues: [NewVenue], by principal: Principal, trace: RequestTrace) async throws -> [Int64] {
        var errors: [FieldError] = []
        for (i, venue) in venues.enumerated() {
            do { try venue.validate() } catch let failure as ValidationFailure {
                errors += failure.errors.map { FieldError("row \(i + 1).\($0.field)", $0.reason) }
            }
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        try await database.read { try await Self.requireKnownCommunes(Set(venues.map(\.communeCode)), on: $0) }
        for commune in Set(venues.map(\.communeCode)) {
            try await gate.require(principal, .manageVenues, area: commune, entity: "venue", entityID: nil, trace: trace)
        }
        return try await insert(venues, status: .approved, operatorID: nil, principal: principal, trace: trace)
    }

    public func get(_ id: Int64, by principal: Principal, trace: RequestTrace) async throws -> Venue {
        guard let venue = try await find(id: id) else { throw VenueNotFound(id: id) }
        try await requireRead(venue, principal, trace)
        return venue
    }

    /// Venues the principal may see: an operator's own, or those in an officer's area.
    public func list(by principal: Principal, status: VenueStatus? = nil, trace: RequestTrace) async throws -> [Venue] {
        let own = !principal.role.may(.readVenues)
        try await gate.require(principal, own ? .readOwnVenues : .readVenues, entity: "venue", trace: trace)
        let scope = ScopeFilter(principal)
        return try await database.read { db in
            var query: SQLQueryString = "\(unsafeRaw: Self.columns) FROM venues WHERE "
            if own {
                query.appendInterpolation(unsafeRaw: "operator_account_id = ")
                query.appendInterpolation(bind: principal.accountID)
            } else {
                query.appendInterpolation(scope.predicate("commune_code"))
            }
            if let status {
                query.appendInterpolation(unsafeRaw: " AND status = ")
                query.appendInterpolation(bind: status.rawValue)
            }
            query.appendInterpolation(unsafeRaw: " ORDER BY name_folded LIMIT 5000")
            return try await db.raw(query).all().map(Self.decode)
        }
    }

    public func setStatus(_ id: Int64, _ status: VenueStatus, by principal: Principal, trace: RequestTrace) async throws -> Venue {
        guard let venue = try await find(id: id) else { throw VenueNotFound(id: id) }
        try await gate.require(principal, .manageVenues, area: venue.communeCode, entity: "venue", entityID: String(id), trace: trace)
        try await database.write { db in
            try await db.raw("UPDATE venues SET status = \(bind: status.rawValue), updated_at = \(bind: Date()) WHERE id = \(bind: id)").run()
            try await AuditLog.append(AuditEntry(principal: principal, action: "venue:\(status.rawValue)", entity: "venue",
                                                 entityID: String(id), areaCode: venue.communeCode, context: trace), on: db)
        }
        return try await find(id: id)!
    }

    /// The public face of a venue for its check-in page: found by the token printed in its QR code.
    public func byToken(_ token: String) async throws -> Venue? {
        guard token.count >= 16, token.count <= 64 else { return nil }
        return try await database.read { db in
            try await db.raw("\(unsafeRaw: Self.columns) FROM venues WHERE token = \(bind: token)").first().map(Self.decode)
        }
    }

    /// Throws unless the principal is the venue's operator or an officer whose area holds it; a refusal is audited.
    func requireRead(_ venue: Venue, _ principal: Principal, _ trace: RequestTrace) async throws {
        if principal.role.may(.readOwnVenues) && !principal.role.may(.readVenues) {
            guard venue.operatorAccountID == principal.accountID else {
                try await gate.deny(principal, .readOwnVenues, .scope, entity: "venue", entityID: String(venue.id),
                                    area: venue.communeCode, trace: trace)
            }
            return
        }
        try await gate.require(principal, .readVenues, area: venue.communeCode, entity: "venue", entityID: String(venue.id), trace: trace)
    }

    public func find(id: Int64) async throws -> Venue? {
        try await database.read { db in
            try await db.raw("\(unsafeRaw: Self.columns) FROM venues WHERE id = \(bind: id)").first().map(Self.decode)
        }
    }

    private func insert(_ venues: [NewVenue], status: VenueStatus, operatorID: Int64?, principal: Principal, trace: RequestTrace)
        async throws -> [Int64]
    {
        let now = Date()
        return try await database.write { db in
            var ids: [Int64] = []
            for venue in venues {
                let row = try await db.raw("""
                    INSERT INTO venues (token, name, name_folded, venue_type, address, commune_code, latitude, longitude,
                                        operator_account_id, dwell_minutes, status, created_at, updated_at)
                    VALUES (\(bind: RandomToken.make(bytes: 18)), \(bind: venue.name.trimmingCharacters(in: .whitespacesAndNewlines)),
                            \(bind: TextFolding.fold(venue.name)), \(bind: venue.type.rawValue), \(bind: venue.address),
                            \(bind: venue.communeCode), \(bind: venue.latitude), \(bind: venue.longitude), \(bind: operatorID),
                            \(bind: venue.dwellMinutes ?? venue.type.defaultDwellMinutes), \(bind: status.rawValue), \(bind: now), \(bind: now))
                    RETURNING id
                    """).first()
                let id = try row!.decode(column: "id", as: Int64.self)
                ids.append(id)
                try await AuditLog.append(AuditEntry(principal: principal, action: "create", entity: "venue", entityID: String(id),
                                                     areaCode: venue.communeCode, context: trace), on: db)
            }
            return ids
        }
    }

    /// Unknown communes are a 422 naming them, before any scope check could mistake them for another area.
    static func requireKnownCommunes(_ codes: Set<String>, on db: any SQLDatabase) async throws {
        let known = try await db.select().column("code").from("area_units")
            .where("code", .in, Array(codes)).where("level", .equal, "commune").all()
            .map { try $0.decode(column: "code", as: String.self) }
        let unknown = codes.subtracting(known)
        if !unknown.isEmpty {
            throw ValidationFailure(unknown.sorted().map { FieldError("communeCode", "unknown commune \($0)") })
        }
    }

    static let columns = """
        SELECT id, token, name, venue_type, address, commune_code, latitude, longitude, operator_account_id, dwell_minutes, status, created_at
        """

    static func decode(_ row: any SQLRow) throws -> Venue {
        Venue(
            id: try row.decode(column: "id", as: Int64.self),
            token: try row.decode(column: "token", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            type: VenueType(rawValue: try row.decode(column: "venue_type", as: String.self)) ?? .other,
            address: try row.decode(column: "address", as: String.self),
            communeCode: try row.decode(column: "commune_code", as: String.self),
            latitude: try row.decode(column: "latitude", as: Double?.self),
            longitude: try row.decode(column: "longitude", as: Double?.self),
            operatorAccountID: try row.decode(column: "operator_account_id", as: Int64?.self),
            dwellMinutes: try row.decode(column: "dwell_minutes", as: Int.self),
            status: VenueStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .suspended,
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}
