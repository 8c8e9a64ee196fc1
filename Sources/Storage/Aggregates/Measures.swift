import SQLKit

/// Everything the province counts per commune and local day. This file is the one place a capability registers
/// its measures: a name here, and the SQL that derives it from the records in `MeasureSource`. The same SQL serves
/// the incremental path (restricted to the records a transaction touched) and `Aggregates.rebuild` (all records),
/// so the two cannot drift apart; a test compares them on random histories.
public enum Measure: String, CaseIterable, Codable, Sendable {
    // Cases (by the day the case entered the classification; F0 by confirmation day).
    case f0New = "f0_new"
    /// F0 confirmed outside quarantine: the figure the risk levels are computed from.
    case f0Community = "f0_community"
    case f0InQuarantine = "f0_in_quarantine"
    case f1New = "f1_new"
    case f2New = "f2_new"
    case suspectedNew = "suspected_new"
    case recovered
    case deaths
    case transferred
    case quarantineIn = "quarantine_in"
    case quarantineOut = "quarantine_out"
    // Check-ins and declarations.
    case checkins
    case declarations
    case declarationsFlagged = "declarations_flagged"
    // Testing.
    case samples
    case samplesPooled = "samples_pooled"
    case personsSampled = "persons_sampled"
    /// Tubes with a result.
    case results
    case positivePools = "positive_pools"
    /// Individual results, positive or negative (the denominator of positivity).
    case tests
    case positives
    /// Members of positive or invalid pools called back for an individual test.
    case retests
    // Road checkpoints (by the local day of crossing).
    /// People arriving through a checkpoint, at the commune of the province they go to.
    case arrivals
    /// People crossing a checkpoint, at the checkpoint's commune.
    case crossings

    public var source: MeasureSource {
        switch self {
        case .f0New, .f0Community, .f0InQuarantine, .f1New, .f2New, .suspectedNew, .recovered, .deaths, .transferred,
             .quarantineIn, .quarantineOut:
            .cases
        case .checkins: .checkins
        case .declarations, .declarationsFlagged: .declarations
        case .samples, .samplesPooled, .personsSampled: .samples
        case .results, .positivePools, .tests, .positives, .retests: .results
        case .arrivals, .crossings: .travel
        }
    }
}

/// A family of records and the measures derived from them, with the key a writer names the records it touched by.
public enum MeasureSource: String, CaseIterable, Sendable {
    /// Keyed by `cases.person_id` (known before a case exists, so a new case is tracked like a changed one).
    case cases
    /// Keyed by `checkins.event_id`. Check-ins are purged after the retention period; their counts stay.
    case checkins
    /// Keyed by `health_declarations.id`.
    case declarations
    /// Keyed by `samples.id` (members of a pool included).
    case samples
    /// Keyed by `samples.id`: the tube's result and the person results derived from it.
    case results
    /// Keyed by `travel_declarations.id` (its people in `travel_occupants`).
    case travel

    public var measures: [Measure] { Measure.allCases.filter { $0.source == self } }

    /// `(measure, commune_code, day, n)` for the records whose key is in `keys`, or for all records when `keys` is
    /// nil; `window` (check-ins only) limits it to records checked in within [start, end) (epoch seconds).
    func contributions(_ kind: DatabaseKind, keys: [any Encodable & Sendable]?, window: (start: Double, end: Double)? = nil) -> SQLQueryString {
        func only(_ column: String) -> SQLQueryString {
            keys.map { " AND \(unsafeRaw: column) IN (\(binds: $0))" } ?? ""
        }
        let day = { (column: String) in Self.localDay(column, kind) }
        let rows: SQLQueryString
        switch self {
        case .cases:
            let f0Day = "COALESCE(c.confirmed_on, c.reported_on)"
            let k = only("c.person_id")
            rows = """
                SELECT 'f0_new' AS measure, c.commune_code, \(unsafeRaw: f0Day) AS day FROM cases c WHERE c.classification = 'F0'\(k)
                UNION ALL
                SELECT CASE WHEN c.quarantine_start IS NOT NULL AND c.quarantine_start <= \(unsafeRaw: f0Day)
                                 AND (c.released_on IS NULL OR c.released_on >= \(unsafeRaw: f0Day))
                            THEN 'f0_in_quarantine' ELSE 'f0_community' END,
                       c.commune_code, \(unsafeRaw: f0Day) FROM cases c WHERE c.classification = 'F0'\(k)
                UNION ALL
                SELECT CASE c.outcome WHEN 'recovered' THEN 'recovered' WHEN 'died' THEN 'deaths' ELSE 'transferred' END,
                       c.commune_code, c.outcome_on FROM cases c WHERE c.outcome IS NOT NULL AND c.outcome_on IS NOT NULL\(k)
                UNION ALL
                SELECT 'quarantine_in', c.commune_code, c.quarantine_start FROM cases c WHERE c.quarantine_start IS NOT NULL\(k)
                UNION ALL
                SELECT 'quarantine_out', c.commune_code, c.released_on FROM cases c WHERE c.released_on IS NOT NULL\(k)
                UNION ALL
                SELECT entered.measure, entered.commune_code, \(unsafeRaw: day("entered.at")) FROM (
                    SELECT CASE h.classification WHEN 'F1' THEN 'f1_new' WHEN 'F2' THEN 'f2_new' ELSE 'suspected_new' END AS measure,
                           c.commune_code, MIN(h.changed_at) AS at
                    FROM cases c JOIN case_classifications h ON h.case_id = c.id
                    WHERE h.classification IN ('F1', 'F2', 'suspected')\(k)
                    GROUP BY c.id, c.commune_code, h.classification) entered
                """
        case .checkins:
            let from: SQLQueryString = window.map {
                " AND checked_in_at >= \(unsafeRaw: Self.instant($0.start, kind)) AND checked_in_at < \(unsafeRaw: Self.instant($0.end, kind))"
            } ?? ""
            rows = """
                SELECT 'checkins' AS measure, commune_code, \(unsafeRaw: day("checked_in_at")) AS day FROM checkins
                WHERE 1 = 1\(only("event_id"))\(from)
                """
        case .declarations:
            let k = only("id")
            rows = """
                SELECT 'declarations' AS measure, commune_code, report_day AS day FROM health_declarations WHERE 1 = 1\(k)
                UNION ALL
                SELECT 'declarations_flagged', commune_code, report_day FROM health_declarations WHERE flag_reasons <> ''\(k)
                """
        case .samples:
            let k = only("s.id")
            rows = """
                SELECT 'samples' AS measure, s.commune_code, \(unsafeRaw: day("s.collected_at")) AS day FROM samples s WHERE 1 = 1\(k)
                UNION ALL
                SELECT 'samples_pooled', s.commune_code, \(unsafeRaw: day("s.collected_at")) FROM samples s WHERE s.pooled = 1\(k)
                UNION ALL
                SELECT 'persons_sampled', s.commune_code, \(unsafeRaw: day("s.collected_at"))
                FROM samples s JOIN sample_members m ON m.sample_id = s.id WHERE 1 = 1\(k)
                """
        case .results:
            rows = """
                SELECT 'results' AS measure, s.commune_code, \(unsafeRaw: day("r.resulted_at")) AS day
                FROM sample_results r JOIN samples s ON s.id = r.sample_id WHERE 1 = 1\(only("r.sample_id"))
                UNION ALL
                SELECT 'positive_pools', s.commune_code, \(unsafeRaw: day("r.resulted_at"))
                FROM sample_results r JOIN samples s ON s.id = r.sample_id WHERE r.outcome = 'positive' AND s.pooled = 1\(only("r.sample_id"))
                UNION ALL
                SELECT CASE t.outcome WHEN 'positive' THEN 'positives' ELSE 'retests' END, t.commune_code, \(unsafeRaw: day("t.resulted_at"))
                FROM person_tests t WHERE t.outcome IN ('positive', 'retest')\(only("t.sample_id"))
                UNION ALL
                SELECT 'tests', t.commune_code, \(unsafeRaw: day("t.resulted_at"))
                FROM person_tests t WHERE t.outcome IN ('positive', 'negative')\(only("t.sample_id"))
                """
        case .travel:
            let k = only("t.id")
            rows = """
                SELECT 'arrivals' AS measure, t.destination_code AS commune_code, t.report_day AS day
                FROM travel_declarations t JOIN travel_occupants o ON o.declaration_id = t.id WHERE LENGTH(t.destination_code) = 5\(k)
                UNION ALL
                SELECT 'crossings', t.commune_code, t.report_day
                FROM travel_declarations t JOIN travel_occupants o ON o.declaration_id = t.id WHERE 1 = 1\(k)
                """
        }
        return """
            SELECT measure, commune_code, day, COUNT(*) AS n FROM (\(rows)) contributions
            WHERE day IS NOT NULL GROUP BY measure, commune_code, day
            """
    }

    /// The local (Asia/Ho_Chi_Minh, UTC+7 without daylight saving since 1975) day of an instant column, as
    /// 'YYYY-MM-DD' like every report day in the schema.
    static func localDay(_ column: String, _ kind: DatabaseKind) -> String {
        switch kind {
        case .sqlite: "date(\(column) + 25200, 'unixepoch')"
        case .postgres: "to_char(\(column) AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')"
        }
    }

    static func instant(_ epochSeconds: Double, _ kind: DatabaseKind) -> String {
        switch kind {
        case .sqlite: "\(epochSeconds)"
        case .postgres: "to_timestamp(\(epochSeconds))"
        }
    }
}
