import Accounts
import Domain
import Foundation
import SQLKit
import Storage

/// A venue an F0 visited in its window, as staff see it before publishing.
public struct FlaggedExposure: Sendable, Codable, Equatable {
    public let venueId: Int64
    public let caseId: Int64
    public let venueName: String
    public let address: String
    public let communeCode: String
    public let from: Date
    public let to: Date
    public let published: Bool
}

/// The public "places visited" notice: place and times only, never who.
public struct PublicNotice: Sendable, Codable, Equatable {
    public let venueName: String
    public let address: String
    public let communeCode: String
    public let from: Date
    public let to: Date
}

/// Tracing flags the places an F0 visited; an officer of the area publishes them, and the public page lists the
/// published ones of the last two weeks so that people who were there can declare and get tested.
public struct ExposureNotices: Sendable {
    public let database: Database
    let gate: AccessGate

    public init(database: Database) {
        self.database = database
        self.gate = AccessGate(database: database)
    }

    public func flagged(by principal: Principal, trace: RequestTrace, since: Date = Date().addingTimeInterval(-14 * 86400)) async throws -> [FlaggedExposure] {
        try await gate.require(principal, .manageCases, entity: "venue_exposure", trace: trace)
        return try await database.read { db in
            try await db.raw("""
                SELECT e.venue_id, e.case_id, v.name, v.address, e.commune_code, e.exposed_from, e.exposed_to, e.published_at
                FROM venue_exposures e JOIN venues v ON v.id = e.venue_id
                WHERE e.exposed_to >= \(bind: since) AND \(ScopeFilter(principal).predicate("e.commune_code"))
                ORDER BY e.published_at IS NOT NULL, e.exposed_from DESC LIMIT 1000
                """).all().map {
                FlaggedExposure(venueId: try $0.decode(column: "venue_id", as: Int64.self), caseId: try $0.decode(column: "case_id", as: Int64.self),
                                venueName: try $0.decode(column: "name", as: String.self), address: try $0.decode(column: "address", as: String.self),
                                communeCode: try $0.decode(column: "commune_code", as: String.self),
                                from: try $0.decode(column: "exposed_from", as: Date.self), to: try $0.decode(column: "exposed_to", as: Date.self),
                                published: try $0.decode(column: "published_at", as: Date?.self) != nil)
            }
        }
    }

    /// Publishes every flagged window of one case at one venue.
    public func publish(venue: Int64, case caseID: Int64, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws {
        guard let commune = try await database.read({ db in
            try await db.raw("SELECT commune_code FROM venue_exposures WHERE venue_id = \(bind: venue) AND case_id = \(bind: caseID)").first()?
                .decode(column: "commune_code", as: String.self)
        }) else { throw NotFlagged() }
        try await gate.require(principal, .manageCases, area: commune, entity: "venue_exposure", entityID: "\(venue)/\(caseID)", trace: trace)
        try await database.write { db in
            try await db.raw("""
                UPDATE venue_exposures SET published_at = \(bind: now) WHERE venue_id = \(bind: venue) AND case_id = \(bind: caseID) AND published_at IS NULL
                """).run()
            try await AuditLog.append(AuditEntry(principal: principal, action: "publish", entity: "venue_exposure", entityID: "\(venue)/\(caseID)",
                                                 areaCode: commune, context: trace), on: db)
        }
    }

    /// Published places of the last `days` days, newest first; windows at the same venue that overlap are merged.
    public func publicNotices(days: Int = 14, now: Date = Date()) async throws -> [PublicNotice] {
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT v.id, v.name, v.address, e.commune_code, e.exposed_from, e.exposed_to
                FROM venue_exposures e JOIN venues v ON v.id = e.venue_id
                WHERE e.published_at IS NOT NULL AND e.exposed_to >= \(bind: now.addingTimeInterval(-Double(days) * 86400))
                ORDER BY v.id, e.exposed_from LIMIT 5000
                """).all()
        }
        var notices: [(Int64, PublicNotice)] = []
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            let notice = PublicNotice(venueName: try row.decode(column: "name", as: String.self), address: try row.decode(column: "address", as: String.self),
                                      communeCode: try row.decode(column: "commune_code", as: String.self),
                                      from: try row.decode(column: "exposed_from", as: Date.self), to: try row.decode(column: "exposed_to", as: Date.self))
            if let last = notices.last, last.0 == id, notice.from <= last.1.to {
                notices[notices.count - 1].1 = PublicNotice(venueName: last.1.venueName, address: last.1.address, communeCode: last.1.communeCode,
                                                            from: last.1.from, to: max(last.1.to, notice.to))
            } else {
                notices.append((id, notice))
            }
        }
        return notices.map(\.1).sorted { $0.from > $1.from }
    }
}

public struct NotFlagged: MissingRecord {
    public var detail: String { "This place was not flagged for this case." }
}
