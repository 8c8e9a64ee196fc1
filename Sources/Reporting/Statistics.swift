import Accounts
import Domain
import Foundation
import Geography
import SQLKit
import Storage

/// How a series is cut.
public enum StatsGrouping: String, CaseIterable, Codable, Sendable {
    case day, week, commune, district
}

/// A question for `/api/v1/stats`: measures, an area, a range of local days, a grouping.
public struct StatsQuery: Sendable, Equatable {
    public var measures: [Measure]
    public var areaCode: String
    public var from: String
    public var to: String
    public var groupBy: StatsGrouping

    public init(measures: [Measure], areaCode: String, from: String, to: String, groupBy: StatsGrouping) {
        self.measures = measures
        self.areaCode = areaCode
        self.from = from
        self.to = to
        self.groupBy = groupBy
    }

    /// The longest range a query may cover: three years.
    public static let maxDays = 3 * 366

    /// Reads the query parameters; every problem is named (unknown measure, bad day, range too long, grouping).
    public static func parse(measure: String?, area: String?, from: String?, to: String?, groupBy: String?, defaultArea: String,
                             today: String) throws -> StatsQuery {
        var errors: [FieldError] = []
        let names = (measure ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var measures: [Measure] = []
        if names.isEmpty { errors.append(FieldError("measure", "one or more of: \(Measure.allCases.map(\.rawValue).joined(separator: ", "))")) }
        for name in names {
            if let m = Measure(rawValue: name) { measures.append(m) } else { errors.append(FieldError("measure", "unknown measure \(name)")) }
        }
        if measures.count > 12 { errors.append(FieldError("measure", "at most 12 measures")) }
        let to = to ?? today
        let from = from ?? LocalDay.adding(-27, to: to) ?? to
        if !LocalDay.isValid(from) { errors.append(FieldError("from", "a day as YYYY-MM-DD")) }
        if !LocalDay.isValid(to) { errors.append(FieldError("to", "a day as YYYY-MM-DD")) }
        if LocalDay.isValid(from), LocalDay.isValid(to) {
            let days = Self.days(from: from, to: to)
            if days < 1 { errors.append(FieldError("to", "on or after from")) }
            if days > maxDays { errors.append(FieldError("to", "at most 3 years after from")) }
        }
        let grouping = StatsGrouping(rawValue: groupBy ?? "day")
        if grouping == nil { errors.append(FieldError("groupBy", "one of day, week, commune, district")) }
        guard errors.isEmpty, let grouping else { throw ValidationFailure(errors) }
        return StatsQuery(measures: measures, areaCode: (area?.isEmpty == false ? area : nil) ?? defaultArea, from: from, to: to, groupBy: grouping)
    }

    /// Days in [from, to], both included.
    static func days(from: String, to: String) -> Int {
        guard let a = LocalDay.start(from), let b = LocalDay.start(to) else { return 0 }
        return Int((b.timeIntervalSince(a) / 86_400).rounded()) + 1
    }
}

public struct StatsPoint: Sendable, Codable, Equatable {
    /// A day, an ISO week ("2021-W37"), or an area code.
    public let key: String
    /// The area's name when grouped by area.
    public let label: String?
    public let value: Int64
}

public struct StatsSeries: Sendable, Codable, Equatable {
    public let measure: String
    public let total: Int64
    public let points: [StatsPoint]
}

public struct StatsAnswer: Sendable, Codable, Equatable {
    public let area: AreaUnit
    public let from: String
    public let to: String
    public let groupBy: StatsGrouping
    public let series: [StatsSeries]
}

public struct AreaNotFound: MissingRecord {
    public let code: String
    public var detail: String { "No area with code \(code)." }
    public init(code: String) { self.code = code }
}

/// Figures from the daily counts, for an area the principal may see.
public struct Statistics: Sendable {
    let database: Database
    let areas: AreaStore
    let gate: AccessGate

    public init(database: Database, areas: AreaStore) {
        self.database = database
        self.areas = areas
        self.gate = AccessGate(database: database)
    }

    public static let vintage = BundledAreas.defaultVintage

    /// The unit, checked against the principal's dashboards permission and scope (refusals audited).
    public func area(_ code: String, for principal: Principal, trace: RequestTrace) async throws -> AreaUnit {
        guard let unit = try await areas.unit(code: code, vintage: Self.vintage) else { throw AreaNotFound(code: code) }
        try await gate.require(principal, .readDashboards, area: code, entity: "statistics", entityID: nil, trace: trace)
        return unit
    }

    public func answer(_ query: StatsQuery, for principal: Principal, trace: RequestTrace) async throws -> StatsAnswer {
        let unit = try await area(query.areaCode, for: principal, trace: trace)
        let byCommune = query.groupBy == .commune || query.groupBy == .district
        let rows = try await counts(query.measures, area: unit.code, from: query.from, to: query.to, byCommune: byCommune)
        var series: [StatsSeries] = []
        for measure in query.measures {
            let found = rows[measure] ?? [:]
            let points: [StatsPoint]
            switch query.groupBy {
            case .day:
                points = Self.daysBetween(query.from, query.to).map { StatsPoint(key: $0, label: nil, value: found[$0] ?? 0) }
            case .week:
                var weeks: [(String, Int64)] = []
                for day in Self.daysBetween(query.from, query.to) {
                    let week = Self.isoWeek(day)
                    if weeks.last?.0 == week { weeks[weeks.count - 1].1 += found[day] ?? 0 } else { weeks.append((week, found[day] ?? 0)) }
                }
                points = weeks.map { StatsPoint(key: $0.0, label: nil, value: $0.1) }
            case .commune:
                points = try await communes(under: unit).map { StatsPoint(key: $0.code, label: $0.name, value: found[$0.code] ?? 0) }
            case .district:
                var sums: [String: Int64] = [:]
                let communes = try await communes(under: unit)
                for commune in communes { sums[commune.parentCode ?? "", default: 0] += found[commune.code] ?? 0 }
                var points0: [StatsPoint] = []
                for code in Set(communes.compactMap(\.parentCode)).sorted() {
                    let name = try await areas.unit(code: code, vintage: Self.vintage)?.name
                    points0.append(StatsPoint(key: code, label: name, value: sums[code] ?? 0))
                }
                points = points0
            }
            series.append(StatsSeries(measure: measure.rawValue, total: found.values.reduce(0, +), points: points))
        }
        return StatsAnswer(area: unit, from: query.from, to: query.to, groupBy: query.groupBy, series: series)
    }

    /// Sums per measure and day (or per measure and commune) for the communes under `area`, folded counts and
    /// pending deltas together, so a record is counted the moment its transaction commits.
    public func counts(_ measures: [Measure], area: String, from: String, to: String, byCommune: Bool) async throws -> [Measure: [String: Int64]] {
        try await database.read { db in try await Self.counts(measures, area: area, from: from, to: to, byCommune: byCommune, on: db) }
    }

    static func counts(_ measures: [Measure], area: String, from: String, to: String, byCommune: Bool,
                       on db: any SQLDatabase) async throws -> [Measure: [String: Int64]] {
        let names = measures.map(\.rawValue)
        let key = byCommune ? "commune_code" : "day"
        let rows = try await db.raw("""
            SELECT measure, \(unsafeRaw: key) AS k, CAST(SUM(n) AS BIGINT) AS n FROM (
                SELECT measure, day, commune_code, n FROM daily_counts
                WHERE measure IN (\(binds: names)) AND day >= \(bind: from) AND day <= \(bind: to)
                UNION ALL
                SELECT measure, day, commune_code, n FROM count_deltas
                WHERE measure IN (\(binds: names)) AND day >= \(bind: from) AND day <= \(bind: to)) t
            WHERE \(ScopeFilter(scopeCode: area).predicate("commune_code"))
            GROUP BY measure, \(unsafeRaw: key)
            """).all()
        var result: [Measure: [String: Int64]] = [:]
        for row in rows {
            guard let measure = Measure(rawValue: try row.decode(column: "measure", as: String.self)) else { continue }
            result[measure, default: [:]][try row.decode(column: "k", as: String.self)] = try row.decode(column: "n", as: Int64.self)
        }
        return result
    }

    /// The communes under a unit (itself when it is one), in code order.
    public func communes(under unit: AreaUnit) async throws -> [AreaUnit] {
        switch unit.level {
        case .commune: return [unit]
        case .district: return try await areas.children(of: unit.code, vintage: Self.vintage).sorted { $0.code < $1.code }
        case .province:
            var all: [AreaUnit] = []
            for district in try await areas.children(of: unit.code, vintage: Self.vintage) {
                all += try await areas.children(of: district.code, vintage: Self.vintage)
            }
            return all.sorted { $0.code < $1.code }
        }
    }

    /// Per-commune counts summed up the hierarchy: each commune, its district and its province get the commune's count.
    func rolledUp(_ byCommune: [String: Int64], communes: [AreaUnit]) async throws -> [String: Int64] {
        var totals: [String: Int64] = [:]
        for commune in communes {
            let n = byCommune[commune.code] ?? 0
            totals[commune.code, default: 0] += n
            guard let district = commune.parentCode else { continue }
            totals[district, default: 0] += n
            if let province = try await areas.unit(code: district, vintage: Self.vintage)?.parentCode { totals[province, default: 0] += n }
        }
        return totals
    }

    public static func daysBetween(_ from: String, _ to: String) -> [String] {
        var days: [String] = []
        var day = from
        while day <= to, days.count <= StatsQuery.maxDays {
            days.append(day)
            guard let next = LocalDay.adding(1, to: day) else { break }
            day = next
        }
        return days
    }

    /// ISO 8601 week of a local day, e.g. "2021-W37" (weeks start on Monday; week 1 holds the year's first Thursday).
    public static func isoWeek(_ day: String) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = LocalDay.timeZone
        guard let start = LocalDay.start(day) else { return day }
        let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: start)
        return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
    }
}
