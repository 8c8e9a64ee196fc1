import Domain
import Foundation
import SQLKit
import Synchronization
import Storage

/// What one tracing computation found.
public struct TraceOutcome: Sendable, Equatable {
    public let window: DateInterval
    public let marginMinutes: Int
    public let presences: [IndexPresence]
    public let venues: [Int64: VenueFacts]
    public let candidates: [Candidate]
}

/// Tracing over the check-ins: the traced person's presences in the window (one indexed range read on
/// (person_id, checked_in_at)), then everyone checked in at those venues around those times (one statement, a range
/// read on (venue_id, checked_in_at) per presence), then household members and declared contacts; the overlap
/// arithmetic and ranking are `CoLocation`'s. Reproducible: the same rows give the same list, in the same order.
public struct TracingEngine: Sendable {
    public let rules: TracingRules

    public init(rules: TracingRules) { self.rules = rules }

    /// Ranges per statement: 3 binds each keeps well under SQLite's and PostgreSQL's bind limits.
    static let rangesPerStatement = 200

    public func trace(person: Int64, window: DateInterval, marginMinutes: Int? = nil, declared: Set<Int64> = [],
                      on db: any SQLDatabase) async throws -> TraceOutcome {
        var rules = self.rules
        if let marginMinutes { rules.marginMinutes = marginMinutes }
        let (own, venues) = try await ownVisits(person, window: window, rules: rules, on: db)
        let presences = CoLocation.indexPresences(own, venues: venues, window: window, rules: rules)
        let ranges = CoLocation.scanRanges(presences, venues: venues, rules: rules)
        var visits: [Visit] = []
        for start in stride(from: 0, to: ranges.count, by: Self.rangesPerStatement) {
            visits += try await coVisits(Array(ranges[start..<min(start + Self.rangesPerStatement, ranges.count)]), excluding: person, on: db)
        }
        let household = try await householdMembers(of: person, on: db)
        let candidates = CoLocation.candidates(tracing: person, presences: presences, visits: visits, venues: venues, rules: rules,
                                               household: household, declared: declared)
        return TraceOutcome(window: window, marginMinutes: rules.marginMinutes, presences: presences, venues: venues, candidates: candidates)
    }

    private func ownVisits(_ person: Int64, window: DateInterval, rules: TracingRules, on db: any SQLDatabase) async throws
        -> ([Visit], [Int64: VenueFacts])
    {
        let rows = try await db.raw(Self.ownVisitsQuery(person: person, from: window.start.addingTimeInterval(-rules.longestPresence), to: window.end)).all()
        var visits: [Visit] = []
        var venues: [Int64: VenueFacts] = [:]
        for sqlRow in rows {
            let row = RowReader(sqlRow)
            guard let venue = try row.integer("venue_id"), let checkedIn = try row.instant("checked_in_at") else { throw UnreadableCheckIn() }
            visits.append(Visit(personID: person, venueID: venue, checkedIn: checkedIn, checkedOut: try row.instant("checked_out_at")))
            if venues[venue] == nil {
                venues[venue] = VenueFacts(id: venue, name: try row.text("name") ?? "", type: VenueType(rawValue: try row.text("venue_type") ?? "") ?? .other,
                                           dwellMinutes: Int(try row.integer("dwell_minutes") ?? 0))
            }
        }
        return (visits, venues)
    }

    /// The traced person's check-ins starting in [from, to), with their venues: a range read on (person_id, checked_in_at).
    static func ownVisitsQuery(person: Int64, from: Date, to: Date) -> SQLQueryString {
        """
        SELECT c.venue_id, c.checked_in_at, c.checked_out_at, v.name, v.venue_type, v.dwell_minutes
        FROM checkins c JOIN venues v ON v.id = c.venue_id
        WHERE c.person_id = \(bind: person) AND c.checked_in_at >= \(bind: from) AND c.checked_in_at < \(bind: to)
        """
    }

    /// Everyone else checked in within the ranges: one statement, a UNION ALL of indexed range reads.
    private func coVisits(_ ranges: [(venueID: Int64, from: Date, to: Date)], excluding person: Int64, on db: any SQLDatabase) async throws -> [Visit] {
        guard !ranges.isEmpty else { return [] }
        // Rows are read as they arrive (not collected first): a factory worker's window has hundreds of thousands.
        let visits = VisitCollector()
        try await db.execute(sql: Self.coVisitsQuery(ranges, excluding: person)) { sqlRow in
            let row = RowReader(sqlRow)
            do {
                guard let other = try row.integer("person_id"), let venue = try row.integer("venue_id"), let checkedIn = try row.instant("checked_in_at")
                else { throw UnreadableCheckIn() }
                visits.add(Visit(personID: other, venueID: venue, checkedIn: checkedIn, checkedOut: try row.instant("checked_out_at")))
            } catch {
                visits.fail()
            }
        }
        return try visits.result()
    }

    static func coVisitsQuery(_ ranges: [(venueID: Int64, from: Date, to: Date)], excluding person: Int64) -> SQLQueryString {
        var sql = SQLQueryString("")
        for (i, range) in ranges.enumerated() {
            if i > 0 { sql.appendLiteral(" UNION ALL ") }
            sql.appendInterpolation(unsafeRaw: "SELECT person_id, venue_id, checked_in_at, checked_out_at FROM checkins WHERE venue_id = ")
            sql.appendInterpolation(bind: range.venueID)
            sql.appendLiteral(" AND checked_in_at >= ")
            sql.appendInterpolation(bind: range.from)
            sql.appendLiteral(" AND checked_in_at < ")
            sql.appendInterpolation(bind: range.to)
            sql.appendLiteral(" AND person_id <> ")
            sql.appendInterpolation(bind: person)
        }
        return sql
    }

    /// People sharing the traced person's phone (a family's phone) or its address in the same commune.
    func householdMembers(of person: Int64, on db: any SQLDatabase) async throws -> Set<Int64> {
        let rows = try await db.raw("""
            SELECT o.id FROM persons p JOIN persons o ON o.phone = p.phone
            WHERE p.id = \(bind: person) AND p.phone IS NOT NULL AND o.id <> p.id
            UNION
            SELECT x.person_id FROM persons p JOIN person_phones x ON x.phone = p.phone
            WHERE p.id = \(bind: person) AND p.phone IS NOT NULL AND x.person_id <> p.id
            UNION
            SELECT o.id FROM persons p JOIN persons o ON o.commune_code = p.commune_code AND o.address_folded = p.address_folded
            WHERE p.id = \(bind: person) AND p.address_folded IS NOT NULL AND p.address_folded <> '' AND o.id <> p.id
            """).all()
        return Set(try rows.map { try $0.decode(column: "id", as: Int64.self) })
    }
}

/// Collects co-visit rows from the row callback (called on the database's thread, one row at a time). A row whose
/// columns cannot be read fails the whole read rather than being skipped.
final class VisitCollector: Sendable {
    private let state = Mutex<(visits: [Visit], unreadable: Bool)>(([], false))

    func add(_ visit: Visit) { state.withLock { $0.visits.append(visit) } }

    func fail() { state.withLock { $0.unreadable = true } }

    func result() throws -> [Visit] {
        let (visits, unreadable) = state.withLock { ($0.visits, $0.unreadable) }
        guard !unreadable else { throw UnreadableCheckIn() }
        return visits
    }
}

struct UnreadableCheckIn: Error, CustomStringConvertible {
    var description: String { "a check-in row could not be read (person, venue or time missing)" }
}
