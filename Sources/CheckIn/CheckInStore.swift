import Accounts
import Domain
import Foundation
import People
import SQLKit
import Storage

/// One check-in as a device submits it.
public struct CheckInSubmission: Sendable, Equatable, Codable {
    public var eventId: String
    public var venueToken: String
    public var person: PersonClaim
    public var checkedInAt: Date
    public var checkedOutAt: Date?

    public init(eventId: String, venueToken: String, person: PersonClaim, checkedInAt: Date, checkedOutAt: Date? = nil) {
        self.eventId = eventId
        self.venueToken = venueToken
        self.person = person
        self.checkedInAt = checkedInAt
        self.checkedOutAt = checkedOutAt
    }
}

/// What became of one submitted event.
public struct CheckInResult: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case accepted, duplicate, rejected }
    public enum Reason: String, Sendable, Codable {
        case invalidEventId = "invalid_event_id"
        case unknownVenue = "unknown_venue"
        case venueNotActive = "venue_not_active"
        case unknownPersonToken = "unknown_person_token"
        case invalidPerson = "invalid_person"
        case inFuture = "in_future"
        case tooOld = "too_old"
        case checkOutBeforeCheckIn = "check_out_before_check_in"
    }

    public let eventId: String
    public let status: Status
    public let reason: Reason?
    public let detail: String?

    static func rejected(_ id: String, _ reason: Reason, _ detail: String) -> CheckInResult {
        CheckInResult(eventId: id, status: .rejected, reason: reason, detail: detail)
    }
}

/// The time rules check-ins obey. Data, so a deployment can change them.
public struct CheckInRules: Sendable {
    /// A device clock this far ahead is tolerated.
    public var futureTolerance: TimeInterval = 5 * 60
    /// Check-ins are kept this long, then purged; older submissions are refused.
    public var retention: TimeInterval = 28 * 24 * 3600

    public init() {}
}

/// Check-ins, written in bulk: one transaction a batch, a few statements whatever its size, idempotent by event id.
/// A batch is acknowledged only after its transaction commits.
public struct CheckInStore: Sendable {
    public let database: Database
    public let rules: CheckInRules
    public static let maxBatch = 1000

    public init(database: Database, rules: CheckInRules = CheckInRules()) {
        self.database = database
        self.rules = rules
    }

    public func ingest(_ events: [CheckInSubmission], now: Date = Date()) async throws -> [CheckInResult] {
        var results = [CheckInResult?](repeating: nil, count: events.count)
        var claims: [PersonClaim] = []
        var candidates: [Int] = []
        for (i, event) in events.enumerated() {
            if let problem = check(event, now: now) {
                results[i] = problem
                continue
            }
            switch event.person.normalised() {
            case .failure(let error):
                results[i] = .rejected(event.eventId, .invalidPerson, "\(error.field): \(error.reason)")
            case .success(let claim):
                claims.append(claim)
                candidates.append(i)
            }
        }
        let ready = candidates
        let readyClaims = claims
        let outcome: [(Int, CheckInResult)] = try await database.write { db in
            var decided: [(Int, CheckInResult)] = []
            let venues = try await Self.venues(for: Set(ready.map { events[$0].venueToken }), on: db)
            var stillReady: [Int] = []
            var stillClaims: [PersonClaim] = []
            for (position, i) in ready.enumerated() {
                let event = events[i]
                guard let venue = venues[event.venueToken] else {
                    decided.append((i, .rejected(event.eventId, .unknownVenue, "no venue has this QR code")))
                    continue
                }
                guard venue.status == VenueStatus.approved.rawValue else {
                    decided.append((i, .rejected(event.eventId, .venueNotActive, "this venue's QR code is \(venue.status)")))
                    continue
                }
                stillReady.append(i)
                stillClaims.append(readyClaims[position])
            }
            let personIDs = try await PersonStore.resolve(stillClaims, on: db, now: now)
            var rows: [(index: Int, venue: Int64, person: Int64, commune: String)] = []
            var seenInBatch = Set<String>()
            for (position, i) in stillReady.enumerated() {
                let event = events[i]
                guard let person = personIDs[position] else {
                    decided.append((i, .rejected(event.eventId, .unknownPersonToken, "no person has this personal QR code")))
                    continue
                }
                guard seenInBatch.insert(event.eventId).inserted else {
                    decided.append((i, CheckInResult(eventId: event.eventId, status: .duplicate, reason: nil, detail: "repeated in this batch")))
                    continue
                }
                let venue = venues[event.venueToken]!
                rows.append((i, venue.id, person, venue.commune))
            }
            let inserted = try await Self.insert(rows.map { ($0, events[$0.index]) }, receivedAt: now, on: db)
            for row in rows {
                let id = events[row.index].eventId
                decided.append((row.index, inserted.contains(id)
                    ? CheckInResult(eventId: id, status: .accepted, reason: nil, detail: nil)
                    : CheckInResult(eventId: id, status: .duplicate, reason: nil, detail: "already received")))
            }
            return decided
        }
        for (i, result) in outcome { results[i] = result }
        return results.map { $0! }
    }

    /// The checks that need no database.
    func check(_ event: CheckInSubmission, now: Date) -> CheckInResult? {
        let id = event.eventId
        guard UUID(uuidString: id) != nil else {
            return .rejected(id, .invalidEventId, "eventId must be a UUID generated on the device")
        }
        if event.checkedInAt.timeIntervalSince(now) > rules.futureTolerance {
            return .rejected(id, .inFuture, "checkedInAt is more than \(Int(rules.futureTolerance / 60)) minutes in the future")
        }
        if now.timeIntervalSince(event.checkedInAt) > rules.retention {
            return .rejected(id, .tooOld, "checkedInAt is older than the \(Int(rules.retention / 86400))-day retention period")
        }
        if let out = event.checkedOutAt {
            if out < event.checkedInAt { return .rejected(id, .checkOutBeforeCheckIn, "checkedOutAt is before checkedInAt") }
            if out.timeIntervalSince(now) > rules.futureTolerance {
                return .rejected(id, .inFuture, "checkedOutAt is in the future")
            }
        }
        return nil
    }

    struct VenueRow { let id: Int64; let status: String; let commune: String }

    static func venues(for tokens: Set<String>, on db: any SQLDatabase) async throws -> [String: VenueRow] {
        var found: [String: VenueRow] = [:]
        let list = Array(tokens)
        for start in stride(from: 0, to: list.count, by: 500) {
            let rows = try await db.select().columns("id", "token", "status", "commune_code").from("venues")
                .where("token", .in, Array(list[start..<min(start + 500, list.count)])).all()
            for row in rows {
                found[try row.decode(column: "token", as: String.self)] = VenueRow(
                    id: try row.decode(column: "id", as: Int64.self), status: try row.decode(column: "status", as: String.self),
                    commune: try row.decode(column: "commune_code", as: String.self))
            }
        }
        return found
    }

    /// Multi-row inserts that skip event ids already stored; returns the ids actually inserted.
    static func insert(_ rows: [((index: Int, venue: Int64, person: Int64, commune: String), CheckInSubmission)], receivedAt: Date,
                       on db: any SQLDatabase) async throws -> Set<String> {
        var inserted = Set<String>()
        for start in stride(from: 0, to: rows.count, by: 250) {
            let slice = rows[start..<min(start + 250, rows.count)]
            var query = db.insert(into: "checkins")
                .columns("event_id", "venue_id", "person_id", "commune_code", "checked_in_at", "checked_out_at", "received_at")
            for (row, event) in slice {
                query = query.values(SQLBind(event.eventId.lowercased()), SQLBind(row.venue), SQLBind(row.person), SQLBind(row.commune),
                                     SQLBind(event.checkedInAt), SQLBind(event.checkedOutAt), SQLBind(receivedAt))
            }
            let returned = try await query.ignoringConflicts(with: "event_id").returning("event_id").all()
            for row in returned { inserted.insert(try row.decode(column: "event_id", as: String.self)) }
        }
        // The counts from the rows in hand: one per inserted event (the first of a repeated id is the one stored), in
        // its venue's commune and local day — as the `checkins` measure counts them.
        var counts: [Aggregates.Key: Int64] = [:]
        var counted = Set<String>()
        for (row, event) in rows {
            let id = event.eventId.lowercased()
            guard inserted.contains(id), counted.insert(id).inserted else { continue }
            counts[Aggregates.Key(measure: Measure.checkins.rawValue, commune: row.commune, day: LocalDay.string(event.checkedInAt)), default: 0] += 1
        }
        try await Aggregates.added(counts: counts, on: db)
        // Report with the id as the device sent it.
        return Set(rows.map(\.1.eventId).filter { inserted.contains($0.lowercased()) })
    }

    /// Deletes check-ins older than the retention period; returns how many.
    @discardableResult
    public func purge(now: Date = Date()) async throws -> Int {
        try await database.write { db in
            let cutoff = now.addingTimeInterval(-rules.retention)
            let count = try await db.raw("SELECT COUNT(*) AS n FROM checkins WHERE checked_in_at < \(bind: cutoff)").first()!
                .decode(column: "n", as: Int.self)
            try await db.raw("DELETE FROM checkins WHERE checked_in_at < \(bind: cutoff)").run()
            // Their counts stay; a rebuild must not recompute the days it emptied.
            try await Aggregates.checkInsPurged(before: cutoff, on: db)
            return count
        }
    }
}

/// One line of a venue's check-in log, as the venue's operator or an officer sees it.
public struct CheckInLogEntry: Sendable, Equatable, Codable {
    public let eventId: String
    public let personId: Int64
    public let name: String
    public let phone: String?
    public let checkedInAt: Date
    public let checkedOutAt: Date?
}

extension CheckInStore {
    /// A venue's check-ins between two instants, newest first. Personal data: the read is audited.
    public func log(venue id: Int64, from: Date, to: Date, limit: Int = 5000, venues: VenueStore, by principal: Principal,
                    trace: RequestTrace) async throws -> [CheckInLogEntry] {
        let venue = try await venues.get(id, by: principal, trace: trace)
        let entries = try await database.read { db in
            try await db.raw("""
                SELECT c.event_id, c.person_id, p.full_name, p.phone, c.checked_in_at, c.checked_out_at
                FROM checkins c JOIN persons p ON p.id = c.person_id
                WHERE c.venue_id = \(bind: id) AND c.checked_in_at >= \(bind: from) AND c.checked_in_at < \(bind: to)
                ORDER BY c.checked_in_at DESC LIMIT \(bind: max(1, min(limit, 50_000)))
                """).all().map { row in
                CheckInLogEntry(
                    eventId: try row.decode(column: "event_id", as: String.self),
                    personId: try row.decode(column: "person_id", as: Int64.self),
                    name: try row.decode(column: "full_name", as: String.self),
                    phone: try row.decode(column: "phone", as: String?.self),
                    checkedInAt: try row.decode(column: "checked_in_at", as: Date.self),
                    checkedOutAt: try row.decode(column: "checked_out_at", as: Date?.self))
            }
        }
        try await AuditLog(database: database).append(AuditEntry(
            principal: principal, action: "read:checkins", entity: "venue", entityID: String(id), areaCode: venue.communeCode,
            context: trace))
        return entries
    }
}

extension CheckInStore {
    /// How many check-ins a venue had since an instant (no personal data: not audited).
    public func count(venue id: Int64, since: Date) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM checkins WHERE venue_id = \(bind: id) AND checked_in_at >= \(bind: since)")
                .first()!.decode(column: "n", as: Int.self)
        }
    }
}
