import Domain
import Foundation
import SQLKit

/// Daily counts per measure, commune and local day, kept current in the writers' own transactions.
///
/// A writer names the records it touched (`added` for new ones, `tracking` around a change); the counts they
/// contribute, before and after, become rows of `count_deltas` in the same transaction — inserts only, so
/// concurrent writers never wait on a shared count row. The aggregates job folds deltas into `daily_counts`
/// every few seconds; readers add both, so a saved record is in the figures the moment it commits.
public enum Aggregates {
    public struct Key: Hashable, Sendable, Comparable {
        public let measure: String
        public let commune: String
        public let day: String

        public init(measure: String, commune: String, day: String) {
            self.measure = measure
            self.commune = commune
            self.day = day
        }

        public static func < (a: Key, b: Key) -> Bool { (a.measure, a.day, a.commune) < (b.measure, b.day, b.commune) }
    }

    // MARK: Writers

    /// Records the counts of records just inserted under `keys` (absent before this transaction).
    public static func added(_ source: MeasureSource, keys: [any Encodable & Sendable], on db: any SQLDatabase) async throws {
        guard !keys.isEmpty else { return }
        var delta: [Key: Int64] = [:]
        for chunk in chunks(keys) {
            for (key, n) in try await contributions(source, keys: chunk, on: db) { delta[key, default: 0] += n }
        }
        try await insertDeltas(delta, on: db)
    }

    /// Counts a writer computed from the rows it has just inserted (cheaper than reading them back on a hot path),
    /// recorded like `added`'s. The writer must count exactly what the measure's SQL would: the consistency test of
    /// random histories holds it to that.
    public static func added(counts: [Key: Int64], on db: any SQLDatabase) async throws {
        guard !counts.isEmpty else { return }
        try await insertDeltas(counts, on: db)
    }

    /// Runs `body`, which changes the records under `keys`, and records how their counts changed. On PostgreSQL
    /// the records are locked first so that two transactions changing one record cannot both count the change.
    public static func tracking<T>(_ source: MeasureSource, keys: [any Encodable & Sendable], on db: any SQLDatabase,
                                   _ body: () async throws -> T) async throws -> T {
        guard !keys.isEmpty else { return try await body() }
        if kind(db) == .postgres, let lock = source.lockStatement {
            for chunk in chunks(keys) { try await db.raw("\(unsafeRaw: lock) (\(binds: chunk)) FOR UPDATE").run() }
        }
        var delta: [Key: Int64] = [:]
        for chunk in chunks(keys) {
            for (key, n) in try await contributions(source, keys: chunk, on: db) { delta[key, default: 0] -= n }
        }
        let result = try await body()
        for chunk in chunks(keys) {
            for (key, n) in try await contributions(source, keys: chunk, on: db) { delta[key, default: 0] += n }
        }
        try await insertDeltas(delta, on: db)
        return result
    }

    // MARK: The job

    /// Moves up to `limit` deltas into `daily_counts`; returns how many it moved. Each delta is deleted and added in
    /// one transaction, and only the rows this transaction deleted are added, so two servers folding at once and
    /// writers committing out of id order are all counted once.
    @discardableResult
    public static func fold(_ database: Database, limit: Int = 5_000) async throws -> Int {
        try await database.write { db in try await fold(on: db, limit: limit) }
    }

    static func fold(on db: any SQLDatabase, limit: Int) async throws -> Int {
        let rows = try await db.raw("""
            DELETE FROM count_deltas WHERE id IN (SELECT id FROM count_deltas ORDER BY id LIMIT \(literal: limit))
            RETURNING measure, day, commune_code, n
            """).all()
        var sums: [Key: Int64] = [:]
        for row in rows { sums[try key(row), default: 0] += try row.decode(column: "n", as: Int64.self) }
        let changes = sums.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: changes.count, by: 500) {
            var insert = db.insert(into: "daily_counts").columns("measure", "day", "commune_code", "n")
            for (key, n) in changes[start..<min(start + 500, changes.count)] {
                insert = insert.values(SQLBind(key.measure), SQLBind(key.day), SQLBind(key.commune), SQLBind(n))
            }
            try await insert.onConflict(with: ["measure", "day", "commune_code"]) {
                $0.set(SQLColumn("n"), to: SQLBinaryExpression(SQLColumn("n", table: "daily_counts"), .add, SQLExcludedColumn("n")))
            }.run()
        }
        if !changes.isEmpty { try await db.raw("DELETE FROM daily_counts WHERE n = 0").run() }
        return rows.count
    }

    /// Recomputes every count from the records, in one transaction. Check-ins older than the last purge are gone,
    /// so their days keep the counts made when they were written (`checkins.purged_through`).
    public static func rebuild(_ database: Database) async throws {
        try await database.write { db in
            if database.kind == .postgres { try await db.raw("LOCK TABLE count_deltas IN EXCLUSIVE MODE").run() }
            while try await fold(on: db, limit: 50_000) > 0 {}
            let kept = try await Settings.get(purgedThroughSetting, on: db)
            for source in MeasureSource.allCases {
                let names = source.measures.map(\.rawValue)
                if source == .checkins {
                    let since = try kept.map(nextDayStart(after:))
                    if let kept {
                        try await db.raw("DELETE FROM daily_counts WHERE measure IN (\(binds: names)) AND day > \(bind: kept)").run()
                    } else {
                        try await db.raw("DELETE FROM daily_counts WHERE measure IN (\(binds: names))").run()
                    }
                    try await insertCounts(try await checkInCounts(since: since, on: db), into: "daily_counts", on: db)
                    continue
                }
                try await db.raw("DELETE FROM daily_counts WHERE measure IN (\(binds: names))").run()
                try await db.raw("""
                    INSERT INTO daily_counts (measure, day, commune_code, n)
                    SELECT measure, day, commune_code, n FROM (\(source.contributions(database.kind, keys: nil))) c
                    """).run()
            }
            try await Settings.set(builtSetting, ISO8601DateFormatter().string(from: Date()), on: db)
        }
    }

    /// Set by every rebuild. A database that gained the counts' tables by migration (records already there, counts
    /// empty) has none, and the server's aggregates job rebuilds it once.
    public static let builtSetting = "aggregates.built_at"

    /// Rebuilds when the counts were never built on this database; true when it did.
    @discardableResult
    public static func buildIfNeverBuilt(_ database: Database) async throws -> Bool {
        guard try await database.read({ try await Settings.get(builtSetting, on: $0) }) == nil else { return false }
        try await rebuild(database)
        return true
    }

    /// The setting a purge of check-ins writes: the last local day whose check-ins may be partly deleted.
    public static let purgedThroughSetting = "aggregates.checkins.purged_through"

    /// Called by the check-in purge, in its transaction, with the oldest instant still kept.
    public static func checkInsPurged(before cutoff: Date, on db: any SQLDatabase) async throws {
        let day = LocalDay.string(cutoff)
        if let current = try await Settings.get(purgedThroughSetting, on: db), current >= day { return }
        try await Settings.set(purgedThroughSetting, day, on: db)
    }

    // MARK: Reading

    /// Every count, folded or not, without zeros — for tests and the rebuild check.
    public static func current(on db: any SQLDatabase) async throws -> [Key: Int64] {
        let rows = try await db.raw("""
            SELECT measure, day, commune_code, CAST(SUM(n) AS BIGINT) AS n FROM (
                SELECT measure, day, commune_code, n FROM daily_counts
                UNION ALL SELECT measure, day, commune_code, n FROM count_deltas) t
            GROUP BY measure, day, commune_code
            """).all()
        var result: [Key: Int64] = [:]
        for row in rows {
            let n = try row.decode(column: "n", as: Int64.self)
            if n != 0 { result[try key(row)] = n }
        }
        return result
    }

    /// What a rebuild would produce now, computed without writing; `checkInsSince` reads only check-ins from then on
    /// (through their time index), for figures over recent days.
    public static func recomputed(on db: any SQLDatabase, sources: [MeasureSource] = MeasureSource.allCases,
                                  checkInsSince: Date? = nil) async throws -> [Key: Int64] {
        var result: [Key: Int64] = [:]
        for source in sources {
            if source == .checkins {
                result.merge(try await checkInCounts(since: checkInsSince?.timeIntervalSince1970, on: db)) { a, _ in a }
                continue
            }
            for row in try await db.raw(source.contributions(kind(db), keys: nil)).all() {
                result[try key(row)] = try row.decode(column: "n", as: Int64.self)
            }
        }
        return result
    }

    /// Check-ins counted from the table, from `since` on. PostgreSQL groups them in one statement (a hash aggregate).
    /// SQLite sorts to group, and one sort of 100 M rows spills to disk for over 20 minutes, while reading through the
    /// time index is a random read per row: so it reads the table in rowid order, two million rows at a time, each
    /// slice grouped in memory, and adds the slices up.
    static func checkInCounts(since: Double?, on db: any SQLDatabase) async throws -> [Key: Int64] {
        var result: [Key: Int64] = [:]
        let k = kind(db)
        guard k == .sqlite else {
            let window = since.map { (start: $0, end: $0 + 100 * 366 * 86_400) }   // from `since` on
            for row in try await db.raw(MeasureSource.checkins.contributions(k, keys: nil, window: window)).all() {
                result[try key(row)] = try row.decode(column: "n", as: Int64.self)
            }
            return result
        }
        let last = try await db.raw("SELECT COALESCE(MAX(rowid), 0) AS n FROM checkins").first()!.decode(column: "n", as: Int64.self)
        let from: SQLQueryString = since.map { " AND checked_in_at >= \(bind: Date(timeIntervalSince1970: $0))" } ?? ""
        for low in stride(from: Int64(0), to: last, by: 2_000_000) {
            for row in try await db.raw("""
                SELECT 'checkins' AS measure, commune_code, \(unsafeRaw: MeasureSource.localDay("checked_in_at", k)) AS day, COUNT(*) AS n
                FROM checkins WHERE rowid > \(bind: low) AND rowid <= \(bind: low + 2_000_000)\(from)
                GROUP BY commune_code, \(unsafeRaw: MeasureSource.localDay("checked_in_at", k))
                """).all() {
                result[try key(row), default: 0] += try row.decode(column: "n", as: Int64.self)
            }
        }
        return result
    }

    static func insertCounts(_ counts: [Key: Int64], into table: String, on db: any SQLDatabase) async throws {
        let rows = counts.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: rows.count, by: 500) {
            var insert = db.insert(into: table).columns("measure", "day", "commune_code", "n")
            for (key, n) in rows[start..<min(start + 500, rows.count)] {
                insert = insert.values(SQLBind(key.measure), SQLBind(key.day), SQLBind(key.commune), SQLBind(n))
            }
            try await insert.run()
        }
    }

    // MARK: Helpers

    static func contributions(_ source: MeasureSource, keys: [any Encodable & Sendable]?, on db: any SQLDatabase) async throws -> [Key: Int64] {
        var result: [Key: Int64] = [:]
        for row in try await db.raw(source.contributions(kind(db), keys: keys)).all() {
            result[try key(row)] = try row.decode(column: "n", as: Int64.self)
        }
        return result
    }

    static func insertDeltas(_ delta: [Key: Int64], on db: any SQLDatabase) async throws {
        try await insertCounts(delta, into: "count_deltas", on: db)
    }

    static func key(_ row: any SQLRow) throws -> Key {
        Key(measure: try row.decode(column: "measure", as: String.self), commune: try row.decode(column: "commune_code", as: String.self),
            day: try row.decode(column: "day", as: String.self))
    }

    static func chunks(_ keys: [any Encodable & Sendable]) -> [[any Encodable & Sendable]] {
        stride(from: 0, to: keys.count, by: 1_000).map { Array(keys[$0..<min($0 + 1_000, keys.count)]) }
    }

    static func kind(_ db: any SQLDatabase) -> DatabaseKind { DatabaseKind.of(db) }

    static func nextDayStart(after day: String) throws -> Double {
        guard let next = LocalDay.adding(1, to: day), let start = LocalDay.start(next)
        else { throw AggregatesError("bad day in \(purgedThroughSetting): \(day)") }
        return start.timeIntervalSince1970
    }
}

struct AggregatesError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension MeasureSource {
    /// The statement (completed with the key list) that locks the records under some keys on PostgreSQL.
    var lockStatement: String? {
        switch self {
        case .cases: "SELECT id FROM cases WHERE person_id IN"
        case .samples: "SELECT id FROM samples WHERE id IN"
        case .checkins, .declarations, .results, .travel: nil   // append only
        }
    }
}
