import Accounts
import Domain
import Foundation
import Geography
import SQLKit
import Storage
import Synchronization

/// One headline figure: the day's value, sums over 7/14/28 days, the 7 days before for the trend, and 28 daily values.
public struct Headline: Codable, Sendable, Equatable {
    public let measure: String
    public let today: Int64
    public let last7: Int64
    public let previous7: Int64
    public let last14: Int64
    public let last28: Int64
    public let daily: [Int64]
}

public struct CommuneIncidence: Codable, Sendable, Equatable {
    public let code: String
    public let name: String
    public let district: String?
    public let cases7: Int64
    public let per100k: Double
    public let populationEstimated: Bool
}

/// What the operations page shows for an area on a day. Everything but the live case states comes from the daily
/// counts, so it costs the same on a province of millions as on a demo.
public struct DashboardSnapshot: Codable, Sendable, Equatable {
    public let area: AreaUnit
    public let day: String
    public let days: [String]
    public let headlines: [Headline]
    /// Active F0 (no outcome yet) by severity and by place of care, now.
    public let activeBySeverity: [String: Int64]
    public let activeByCarePlace: [String: Int64]
    public let topCommunes: [CommuneIncidence]
    /// F0 never traced; F1 and F2 contacts not yet called.
    public let untracedF0: Int64
    public let uncontactedContacts: Int64
    public let positivity7: Double?
}

public struct Dashboard: Sendable {
    let database: Database
    let statistics: Statistics
    let risk: RiskLevels
    /// Live figures per area and day, shared by every open page for `liveMaxAge`: twenty leaders watching the province
    /// cost the database one computation a second, not twenty.
    let liveCache = LiveCache()
    static let liveMaxAge: TimeInterval = 0.9

    public init(database: Database, statistics: Statistics, risk: RiskLevels) {
        self.database = database
        self.statistics = statistics
        self.risk = risk
    }

    final class LiveCache: Sendable {
        private let entries = Mutex<[String: (at: Date, figures: LiveFigures)]>([:])
        func get(_ key: String, now: Date) -> LiveFigures? {
            entries.withLock { $0[key].flatMap { now.timeIntervalSince($0.at) < Dashboard.liveMaxAge ? $0.figures : nil } }
        }
        func put(_ key: String, _ figures: LiveFigures, now: Date) {
            entries.withLock { entries in
                entries = entries.filter { now.timeIntervalSince($0.value.at) < Dashboard.liveMaxAge }
                entries[key] = (now, figures)
            }
        }
    }

    public static let headlineMeasures: [Measure] = [.f0New, .f1New, .f2New, .recovered, .deaths, .checkins, .declarationsFlagged, .samples, .tests,
                                                     .positives, .arrivals]

    public func snapshot(area code: String, day: String, for principal: Principal, trace: RequestTrace) async throws -> DashboardSnapshot {
        guard LocalDay.isValid(day) else { throw ValidationFailure([FieldError("date", "a day as YYYY-MM-DD")]) }
        let unit = try await statistics.area(code, for: principal, trace: trace)
        return try await snapshot(unit, day: day)
    }

    /// The headline measures over the 28 days ending `day`: the page's cards and the live feed both read this.
    func headlines(_ unit: AreaUnit, day: String) async throws -> (days: [String], headlines: [Headline]) {
        let from = LocalDay.adding(-27, to: day) ?? day
        let days = Statistics.daysBetween(from, day)
        let byDay = try await statistics.counts(Self.headlineMeasures, area: unit.code, from: from, to: day, byCommune: false)
        let headlines = Self.headlineMeasures.map { measure -> Headline in
            let values = days.map { byDay[measure]?[$0] ?? 0 }
            let sum = { (n: Int) in values.suffix(n).reduce(0, +) }
            return Headline(measure: measure.rawValue, today: values.last ?? 0, last7: sum(7), previous7: values.dropLast(7).suffix(7).reduce(0, +),
                            last14: sum(14), last28: sum(28), daily: values)
        }
        return (days, headlines)
    }

    public func snapshot(_ unit: AreaUnit, day: String) async throws -> DashboardSnapshot {
        let (days, headlines) = try await self.headlines(unit, day: day)
        let tests7 = headlines.first { $0.measure == Measure.tests.rawValue }?.last7 ?? 0
        let positives7 = headlines.first { $0.measure == Measure.positives.rawValue }?.last7 ?? 0

        let weekStart = LocalDay.adding(-6, to: day)!
        let byCommune = try await statistics.counts([.f0New], area: unit.code, from: weekStart, to: day, byCommune: true)[.f0New] ?? [:]
        var top: [CommuneIncidence] = []
        for commune in try await statistics.communes(under: unit) {
            let n = byCommune[commune.code] ?? 0
            guard n > 0, let population = try await risk.population(of: commune), population.population > 0 else { continue }
            top.append(CommuneIncidence(code: commune.code, name: commune.name, district: commune.parentCode, cases7: n,
                                        per100k: Double(n) / Double(population.population) * 100_000, populationEstimated: population.estimated))
        }
        top.sort { ($0.per100k, $0.code) > ($1.per100k, $1.code) }

        let live = try await cases(under: unit)
        return DashboardSnapshot(area: unit, day: day, days: days, headlines: headlines, activeBySeverity: live.bySeverity, activeByCarePlace: live.byCarePlace,
                                 topCommunes: Array(top.prefix(10)), untracedF0: live.untraced, uncontactedContacts: live.uncontacted,
                                 positivity7: tests7 > 0 ? Double(positives7) / Double(tests7) : nil)
    }

    struct CaseStates { var bySeverity: [String: Int64] = [:]; var byCarePlace: [String: Int64] = [:]; var untraced: Int64 = 0; var uncontacted: Int64 = 0 }

    /// Active F0 by severity and place of care, and the tracing backlog, now: read live from the cases (an indexed
    /// read of the open cases only).
    func cases(under unit: AreaUnit) async throws -> CaseStates {
        let scope = ScopeFilter(scopeCode: unit.code)
        return try await database.read { db in
            var states = CaseStates()
            for row in try await db.raw(Self.activeQuery(scope)).all() {
                let n = try row.decode(column: "n", as: Int64.self)
                states.bySeverity[try row.decode(column: "severity", as: String.self), default: 0] += n
                states.byCarePlace[try row.decode(column: "care_place", as: String.self), default: 0] += n
            }
            states.untraced = try await db.raw(Self.untracedQuery(scope)).first()!.decode(column: "n", as: Int64.self)
            states.uncontacted = try await db.raw(Self.uncontactedQuery(scope)).first()!.decode(column: "n", as: Int64.self)
            return states
        }
    }

    // The three reads of open cases; each is answered from the `cases_states` index alone (a test checks the plans).
    public static func activeQuery(_ scope: ScopeFilter) -> SQLQueryString {
        """
        SELECT COALESCE(severity, 'unknown') AS severity, COALESCE(care_place, 'unknown') AS care_place, COUNT(*) AS n FROM cases
        WHERE classification = 'F0' AND outcome IS NULL AND \(scope.predicate("commune_code"))
        GROUP BY COALESCE(severity, 'unknown'), COALESCE(care_place, 'unknown')
        """
    }

    public static func untracedQuery(_ scope: ScopeFilter) -> SQLQueryString {
        """
        SELECT COUNT(*) AS n FROM cases c
        WHERE c.classification = 'F0' AND c.outcome IS NULL AND \(scope.predicate("c.commune_code"))
          AND NOT EXISTS (SELECT 1 FROM trace_runs r WHERE r.case_id = c.id)
        """
    }

    public static func uncontactedQuery(_ scope: ScopeFilter) -> SQLQueryString {
        """
        SELECT COUNT(*) AS n FROM cases WHERE classification IN ('F1', 'F2') AND follow_up = 'pending' AND \(scope.predicate("commune_code"))
        """
    }

    /// The figures the live feed sends: today's and the last 7 days' value of each headline measure, the active F0
    /// and the backlog. Small enough to compute every two seconds per open page.
    public func live(_ unit: AreaUnit, day: String) async throws -> LiveFigures {
        let key = unit.code + "|" + day
        if let cached = liveCache.get(key, now: Date()) { return cached }
        let figures = try await computeLive(unit, day: day)
        liveCache.put(key, figures, now: Date())
        return figures
    }

    /// The live figures computed now (what `live` caches).
    public func computeLive(_ unit: AreaUnit, day: String) async throws -> LiveFigures {
        let headlines = try await self.headlines(unit, day: day).headlines
        let states = try await cases(under: unit)
        func by(_ value: (Headline) -> Int64) -> [String: Int64] {
            Dictionary(uniqueKeysWithValues: headlines.map { ($0.measure, value($0)) })
        }
        return LiveFigures(day: day, today: by(\.today), last7: by(\.last7), previous7: by(\.previous7), last14: by(\.last14),
                           last28: by(\.last28), active: states.bySeverity.values.reduce(0, +), untraced: states.untraced,
                           uncontacted: states.uncontacted)
    }
}

public struct LiveFigures: Codable, Sendable, Equatable {
    public let day: String
    public let today: [String: Int64]
    public let last7: [String: Int64]
    public let previous7: [String: Int64]
    public let last14: [String: Int64]
    public let last28: [String: Int64]
    public let active: Int64
    public let untraced: Int64
    public let uncontacted: Int64
}
