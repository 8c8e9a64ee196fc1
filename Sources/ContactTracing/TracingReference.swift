import Foundation
import SQLKit
import Storage

/// The best single hand-written SQL statement for the co-visitor part of tracing, per engine: the yardstick the
/// engine's speed is compared with (docs/performance.md). It sums overlaps per candidate (the engine takes their
/// union, which differs only for a person checked in twice at once) and leaves out household and declared contacts.
public enum TracingReference {
    public struct Row: Sendable, Equatable {
        public let personID: Int64
        public let overlapSeconds: Double
        public let venues: Int
    }

    public static func query(kind: DatabaseKind, person: Int64, window: DateInterval, rules: TracingRules) -> SQLQueryString {
        let margin = rules.marginMinutes, capMinutes = rules.maxPresenceHours * 60
        switch kind {
        case .sqlite:
            let from = window.start.timeIntervalSince1970, to = window.end.timeIntervalSince1970, m = Double(margin * 60)
            return """
                WITH mine AS (
                  SELECT c.venue_id AS venue_id, v.dwell_minutes * 60 AS dwell, MAX(\(bind: capMinutes), v.dwell_minutes) * 60 AS cap,
                         MAX(c.checked_in_at, \(bind: from)) AS s,
                         MIN(COALESCE(c.checked_out_at, c.checked_in_at + v.dwell_minutes * 60),
                             c.checked_in_at + MAX(\(bind: capMinutes), v.dwell_minutes) * 60, \(bind: to)) AS e
                  FROM checkins c JOIN venues v ON v.id = c.venue_id
                  WHERE c.person_id = \(bind: person) AND c.checked_in_at >= \(bind: from - 86400) AND c.checked_in_at < \(bind: to)
                )
                SELECT o.person_id AS person_id,
                       SUM(MIN(m.e + \(bind: m), MIN(COALESCE(o.checked_out_at, o.checked_in_at + m.dwell), o.checked_in_at + m.cap))
                           - MAX(m.s - \(bind: m), o.checked_in_at)) AS overlap,
                       COUNT(DISTINCT o.venue_id) AS venues
                FROM mine m JOIN checkins o ON o.venue_id = m.venue_id AND o.checked_in_at >= m.s - \(bind: m) - m.cap
                                           AND o.checked_in_at < m.e + \(bind: m)
                WHERE m.s < m.e AND o.person_id <> \(bind: person)
                  AND MIN(m.e + \(bind: m), MIN(COALESCE(o.checked_out_at, o.checked_in_at + m.dwell), o.checked_in_at + m.cap)) > MAX(m.s - \(bind: m), o.checked_in_at)
                GROUP BY o.person_id
                ORDER BY overlap DESC, o.person_id
                """
        case .postgres:
            return """
                WITH mine AS (
                  SELECT c.venue_id, make_interval(mins => v.dwell_minutes) AS dwell, make_interval(mins => GREATEST(\(bind: capMinutes)::int, v.dwell_minutes)) AS cap,
                         GREATEST(c.checked_in_at, \(bind: window.start)) AS s,
                         LEAST(COALESCE(c.checked_out_at, c.checked_in_at + make_interval(mins => v.dwell_minutes)),
                               c.checked_in_at + make_interval(mins => GREATEST(\(bind: capMinutes)::int, v.dwell_minutes)), \(bind: window.end)) AS e
                  FROM checkins c JOIN venues v ON v.id = c.venue_id
                  WHERE c.person_id = \(bind: person) AND c.checked_in_at >= \(bind: window.start.addingTimeInterval(-86400))
                    AND c.checked_in_at < \(bind: window.end)
                )
                SELECT o.person_id,
                       SUM(EXTRACT(EPOCH FROM LEAST(m.e + make_interval(mins => \(bind: margin)::int), COALESCE(o.checked_out_at, o.checked_in_at + m.dwell), o.checked_in_at + m.cap)
                           - GREATEST(m.s - make_interval(mins => \(bind: margin)::int), o.checked_in_at)))::float8 AS overlap,
                       COUNT(DISTINCT o.venue_id) AS venues
                FROM mine m JOIN checkins o ON o.venue_id = m.venue_id AND o.checked_in_at >= m.s - make_interval(mins => \(bind: margin)::int) - m.cap
                                           AND o.checked_in_at < m.e + make_interval(mins => \(bind: margin)::int)
                WHERE m.s < m.e AND o.person_id <> \(bind: person)
                  AND LEAST(m.e + make_interval(mins => \(bind: margin)::int), COALESCE(o.checked_out_at, o.checked_in_at + m.dwell), o.checked_in_at + m.cap)
                      > GREATEST(m.s - make_interval(mins => \(bind: margin)::int), o.checked_in_at)
                GROUP BY o.person_id
                ORDER BY overlap DESC, o.person_id
                """
        }
    }

    public static func run(kind: DatabaseKind, person: Int64, window: DateInterval, rules: TracingRules, on db: any SQLDatabase) async throws -> [Row] {
        try await db.raw(query(kind: kind, person: person, window: window, rules: rules)).all().map {
            Row(personID: try $0.decode(column: "person_id", as: Int64.self), overlapSeconds: try $0.decode(column: "overlap", as: Double.self),
                venues: try $0.decode(column: "venues", as: Int.self))
        }
    }
}
