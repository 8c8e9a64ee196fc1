import Accounts
import Domain
import Foundation
import Geography
import SQLKit
import Storage

/// The lists the province exports for a range of days and an area, as CSV written page by page: a page is read,
/// written out and dropped before the next is read, so a million rows never sit in memory and no transaction stays
/// open while the client reads.
public enum ReportKind: String, CaseIterable, Codable, Sendable {
    /// Confirmed cases by confirmation day.
    case f0
    /// F1 and F2 contacts by the day they were classified.
    case contacts
    /// Individual test results by result time.
    case tests
    /// Check-ins by check-in time (an outbreak investigation's raw material).
    case checkins

    var permission: Permission {
        switch self {
        case .f0, .contacts: .readCases
        case .tests: .readTests
        case .checkins: .readCheckIns
        }
    }

    enum ColumnType { case text, integer, instant }

    /// The selected columns of the paged reports, in header order, with how to read each.
    var columns: [(String, ColumnType)] {
        switch self {
        case .f0: [("id", .integer), ("full_name", .text), ("birth_year", .integer), ("sex", .text), ("id_number", .text), ("phone", .text),
                   ("commune_code", .text), ("confirmed_on", .text), ("onset_on", .text), ("severity", .text), ("care_place", .text),
                   ("outcome", .text), ("outcome_on", .text)]
        case .contacts: [("id", .integer), ("classification", .text), ("full_name", .text), ("birth_year", .integer), ("phone", .text),
                         ("commune_code", .text), ("reported_on", .text), ("last_exposure_on", .text), ("quarantine_setting", .text),
                         ("quarantine_start", .text), ("quarantine_end", .text), ("released_on", .text), ("follow_up", .text)]
        case .tests: [("id", .integer), ("full_name", .text), ("birth_year", .integer), ("phone", .text), ("commune_code", .text),
                      ("tube_barcode", .text), ("method", .text), ("pooled", .integer), ("outcome", .text), ("sampled_at", .instant),
                      ("resulted_at", .instant)]
        case .checkins: []
        }
    }

    /// Positions of the whole-number columns (ids, years, flags), written as numbers in a workbook.
    public var integerColumns: Set<Int> {
        Set(columns.enumerated().compactMap { i, column in column.1 == .integer ? i : nil })
    }

    public var header: [String] {
        switch self {
        case .f0: ["case_id", "full_name", "birth_year", "sex", "id_number", "phone", "commune_code", "confirmed_on", "onset_on", "severity",
                   "care_place", "outcome", "outcome_on"]
        case .contacts: ["case_id", "classification", "full_name", "birth_year", "phone", "commune_code", "reported_on", "last_exposure_on",
                         "quarantine_setting", "quarantine_start", "quarantine_end", "released_on", "follow_up"]
        case .tests: ["test_id", "full_name", "birth_year", "phone", "commune_code", "tube", "method", "pooled", "outcome", "sampled_at", "resulted_at"]
        case .checkins: ["event_id", "checked_in_at", "checked_out_at", "venue", "venue_commune", "full_name", "phone"]
        }
    }
}

public struct ReportExports: Sendable {
    let database: Database
    let statistics: Statistics
    let gate: AccessGate

    public init(database: Database, statistics: Statistics) {
        self.database = database
        self.statistics = statistics
        self.gate = AccessGate(database: database)
    }

    /// Rows read per page.
    public static let pageSize = 5_000

    /// Checks the role and the area (refusals audited), records the export in the audit log, and returns the stream.
    public func open(_ kind: ReportKind, area code: String, from: String, to: String, by principal: Principal,
                     trace: RequestTrace) async throws -> ReportStream {
        var v = Validator()
        v.require(LocalDay.isValid(from), "from", "a day as YYYY-MM-DD")
        v.require(LocalDay.isValid(to), "to", "a day as YYYY-MM-DD")
        try v.check()
        let days = StatsQuery.days(from: from, to: to)
        guard days >= 1, days <= StatsQuery.maxDays else { throw ValidationFailure([FieldError("to", "on or after from, at most 3 years later")]) }
        guard let unit = try await statistics.areas.unit(code: code, vintage: Statistics.vintage) else { throw AreaNotFound(code: code) }
        try await gate.require(principal, kind.permission, area: unit.code, entity: "report", entityID: kind.rawValue, trace: trace)
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "export:\(kind.rawValue)", entity: "report",
                                                                 entityID: "\(from)..\(to)", areaCode: unit.code, context: trace))
        return ReportStream(kind: kind, area: unit.code, from: from, to: to, database: database)
    }
}

/// One export, read page by page.
public struct ReportStream: Sendable {
    public let kind: ReportKind
    public let area: String
    public let from: String
    public let to: String
    let database: Database

    public var filename: String { filename(extension: "csv") }
    public func filename(extension ext: String) -> String { "\(kind.rawValue)-\(area)-\(from)-\(to).\(ext)" }

    /// Calls `body` with each page of rows, in order, until the last. The pages are read on a connection of the
    /// export's own with a small page cache: an export reads millions of rows once, and would otherwise fill the
    /// shared readers' caches (memory) and hold them from other requests while the client downloads.
    public func forEachPage(_ body: ([[String]]) async throws -> Void) async throws {
        let reader = try await database.dedicatedReader()
        do {
            try await forEachPage(reading: reader, body)
            await reader.close()
        } catch {
            await reader.close()
            throw error
        }
    }

    /// Where a page of check-ins ended: the next starts after this (check-in time as stored, tie-breaker).
    struct CheckInCursor: Sendable {
        let at: any Encodable & Sendable
        let tie: any Encodable & Sendable
    }

    /// The order within one instant: SQLite's rowid, which its time index already holds after the time (so a page is
    /// read in index order, nothing sorted); the event id on PostgreSQL (an incremental sort of the ties). The column
    /// and how its value is read back for the cursor are decided here only.
    enum TieBreaker {
        case rowid, eventID

        init(_ kind: DatabaseKind) { self = kind == .sqlite ? .rowid : .eventID }

        var column: String { self == .rowid ? "k.rowid" : "k.event_id" }

        /// The selected `tie` column of a row, as the next page's query binds it.
        func value(of row: RowReader) throws -> any Encodable & Sendable {
            self == .rowid ? try row.integer("tie") ?? 0 : try row.text("tie") ?? ""
        }
    }

    /// One page of an area's check-ins in [from, to), after `cursor`, in (check-in time, tie-breaker) order (a plan
    /// test guards that SQLite reads it along the time index).
    static func checkInPage(after cursor: CheckInCursor?, from: Date, to: Date, scope: ScopeFilter, kind: DatabaseKind) -> SQLQueryString {
        let tie = TieBreaker(kind).column
        var query: SQLQueryString = """
            SELECT k.event_id, k.checked_in_at, k.checked_out_at, v.name AS venue, k.commune_code, p.full_name, p.phone, \(unsafeRaw: tie) AS tie
            FROM checkins k JOIN venues v ON v.id = k.venue_id JOIN persons p ON p.id = k.person_id
            WHERE k.checked_in_at < \(bind: to) AND \(scope.predicate("k.commune_code"))
            """
        if let cursor {
            query.appendInterpolation(unsafeRaw: " AND k.checked_in_at >= ")
            query.appendInterpolation(bind: cursor.at)
            query.appendInterpolation(unsafeRaw: " AND (k.checked_in_at > ")
            query.appendInterpolation(bind: cursor.at)
            query.appendInterpolation(unsafeRaw: " OR \(tie) > ")
            query.appendInterpolation(bind: cursor.tie)
            query.appendInterpolation(unsafeRaw: ")")
        } else {
            query.appendInterpolation(unsafeRaw: " AND k.checked_in_at >= ")
            query.appendInterpolation(bind: from)
        }
        query.appendInterpolation(unsafeRaw: " ORDER BY k.checked_in_at, \(tie) LIMIT \(ReportExports.pageSize)")
        return query
    }

    private func forEachPage(reading reader: DedicatedReader, _ body: ([[String]]) async throws -> Void) async throws {
        let scope = ScopeFilter(scopeCode: area)
        switch kind {
        case .checkins:
            guard let start = LocalDay.start(from), let end = LocalDay.adding(1, to: to).flatMap(LocalDay.start) else { return }
            // Pages of at most `pageSize` rows in (check-in time, tie-breaker) order, each starting after the last row of
            // the one before: however many check-ins fall in one minute (a factory's shift at its gate), a page is
            // bounded. (Windows of ten minutes read whole held a crowded district's peak in memory: +141 MB.)
            var cursor: CheckInCursor?
            let tieBreaker = TieBreaker(database.kind)
            while true {
                let query = Self.checkInPage(after: cursor, from: start, to: end, scope: scope, kind: database.kind)
                // The rows as text, and the cursor from the last one only (not a cursor per row).
                let (page, next) = try await reader.read { db -> ([[String]], CheckInCursor?) in
                    let rows = try await db.raw(query).all()
                    let page = try rows.map { sqlRow -> [String] in
                        let row = RowReader(sqlRow)
                        return [try row.text("event_id") ?? "", try row.instant("checked_in_at").map(Self.clock) ?? "",
                                try row.instant("checked_out_at").map(Self.clock) ?? "", try row.text("venue") ?? "",
                                try row.text("commune_code") ?? "", try row.text("full_name") ?? "", try row.text("phone") ?? ""]
                    }
                    let next = try rows.last.map { sqlRow -> CheckInCursor in
                        let row = RowReader(sqlRow)
                        return CheckInCursor(at: try row.storedInstant("checked_in_at"), tie: try tieBreaker.value(of: row))
                    }
                    return (page, next)
                }
                if !page.isEmpty { try await body(page) }
                guard page.count == ReportExports.pageSize, let next else { break }
                cursor = next
            }
        case .f0, .contacts, .tests:
            var last: Int64 = 0
            while true {
                let after = last
                let next = try await reader.read { db in try await self.page(after: after, scope: scope, on: db) }
                guard let lastID = next.lastID else { return }
                try await body(next.rows)
                last = lastID
                if next.rows.count < ReportExports.pageSize { return }
            }
        }
    }

    func page(after last: Int64, scope: ScopeFilter, on db: any SQLDatabase) async throws -> (rows: [[String]], lastID: Int64?) {
        let limit = ReportExports.pageSize
        let query: SQLQueryString
        switch kind {
        case .f0:
            query = """
                SELECT c.id, p.full_name, p.birth_year, p.sex, p.id_number, p.phone, c.commune_code, c.confirmed_on, c.onset_on, c.severity,
                       c.care_place, c.outcome, c.outcome_on
                FROM cases c JOIN persons p ON p.id = c.person_id
                WHERE c.id > \(bind: last) AND c.classification = 'F0' AND COALESCE(c.confirmed_on, c.reported_on) BETWEEN \(bind: from) AND \(bind: to)
                  AND \(scope.predicate("c.commune_code"))
                ORDER BY c.id LIMIT \(literal: limit)
                """
        case .contacts:
            query = """
                SELECT c.id, c.classification, p.full_name, p.birth_year, p.phone, c.commune_code, c.reported_on, c.last_exposure_on,
                       c.quarantine_setting, c.quarantine_start, c.quarantine_end, c.released_on, c.follow_up
                FROM cases c JOIN persons p ON p.id = c.person_id
                WHERE c.id > \(bind: last) AND c.classification IN ('F1', 'F2') AND c.reported_on BETWEEN \(bind: from) AND \(bind: to)
                  AND \(scope.predicate("c.commune_code"))
                ORDER BY c.id LIMIT \(literal: limit)
                """
        case .tests:
            let start = LocalDay.start(from) ?? Date.distantPast
            let end = LocalDay.adding(1, to: to).flatMap(LocalDay.start) ?? Date.distantFuture
            query = """
                SELECT t.id, p.full_name, p.birth_year, p.phone, t.commune_code, s.tube_barcode, t.method, s.pooled, t.outcome, t.sampled_at, t.resulted_at
                FROM person_tests t JOIN persons p ON p.id = t.person_id JOIN samples s ON s.id = t.sample_id
                WHERE t.id > \(bind: last) AND t.resulted_at >= \(bind: start) AND t.resulted_at < \(bind: end) AND \(scope.predicate("t.commune_code"))
                ORDER BY t.id LIMIT \(literal: limit)
                """
        case .checkins:
            return ([], nil)
        }
        let rows = try await db.raw(query).all()
        let columns = kind.columns
        var out: [[String]] = []
        out.reserveCapacity(rows.count)
        for sqlRow in rows {
            // Read by declared type: PostgreSQL hands an integer's raw bytes to a String decode.
            let row = RowReader(sqlRow)
            out.append(try columns.map { name, type in
                switch type {
                case .text: try row.text(name) ?? ""
                case .integer: try row.integer(name).map(String.init) ?? ""
                case .instant: try row.instant(name).map(Self.clock) ?? ""
                }
            })
        }
        let lastID = try rows.last.map { try $0.decode(column: "id", as: Int64.self) }
        return (out, lastID)
    }

    /// Local time as people read it: "2021-08-12 15:30".
    static func clock(_ date: Date) -> String { LocalDay.clock(date) }
}
