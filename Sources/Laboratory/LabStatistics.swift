import Accounts
import Domain
import Foundation
import SQLKit
import Storage

/// Testing figures for an area and period: samples, results, positives and positivity, positive pools, turnaround
/// (sample → result: median and 90th percentile), and tubes still waiting for a result after N hours.
public struct LabStats: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public let key: String
        public var samples = 0
        public var resulted = 0
        /// Tubes with a positive result (a positive pool counts once, and is not a case).
        public var positive = 0
        public var poolsPositive = 0
        public var positivity: Double?
        public var turnaroundMedianHours: Double?
        public var turnaroundP90Hours: Double?
    }

    public enum Grouping: String, Sendable, Codable, CaseIterable { case day, commune, method }

    public let from: String
    public let to: String
    public let groupBy: Grouping
    public let rows: [Row]
    public let total: Row
    /// Tubes collected more than `pendingHours` ago with no result yet.
    public let pending: Int
    public let pendingHours: Int

    public var csv: String {
        CSV.write(header: ["key", "samples", "resulted", "positive", "pools_positive", "positivity", "turnaround_median_h", "turnaround_p90_h"],
                  rows: (rows + [total]).map { row in
            [row.key, String(row.samples), String(row.resulted), String(row.positive), String(row.poolsPositive),
             row.positivity.map { String(format: "%.4f", $0) } ?? "", row.turnaroundMedianHours.map { String(format: "%.1f", $0) } ?? "",
             row.turnaroundP90Hours.map { String(format: "%.1f", $0) } ?? ""]
        })
    }
}

extension LabStore {
    public static let maxStatsDays = 92

    public func stats(from: String, to: String, groupBy: LabStats.Grouping, pendingHours: Int = 24, by principal: Principal,
                      trace: RequestTrace, now: Date = Date()) async throws -> LabStats {
        var v = Validator()
        v.require(LocalDay.isValid(from), "from", "a day as YYYY-MM-DD")
        v.require(LocalDay.isValid(to), "to", "a day as YYYY-MM-DD")
        v.require((1...24 * 30).contains(pendingHours), "pendingHours", "1 to 720")
        try v.check()
        let start = LocalDay.start(from)!, end = LocalDay.start(to)!.addingTimeInterval(86400)
        guard end > start, end.timeIntervalSince(start) <= Double(Self.maxStatsDays) * 86400 else {
            throw ValidationFailure([FieldError("to", "on or after from, at most \(Self.maxStatsDays) days later")])
        }
        try await gate.require(principal, .readTests, entity: "lab_stats", trace: trace)
        let scope = ScopeFilter(principal).predicate("s.commune_code")
        let pendingScope = ScopeFilter(principal).predicate("commune_code")
        let (rows, pending) = try await database.read { db in
            let rows = try await db.raw("""
                SELECT s.collected_at, s.commune_code, s.method, s.pooled, r.outcome, r.resulted_at
                FROM samples s LEFT JOIN sample_results r ON r.sample_id = s.id
                WHERE \(scope) AND s.collected_at >= \(bind: start) AND s.collected_at < \(bind: end)
                """).all()
            let pending = try await db.raw("""
                SELECT COUNT(*) AS n FROM samples
                WHERE \(pendingScope) AND status IN ('open', 'closed', 'received') AND collected_at < \(bind: now.addingTimeInterval(-Double(pendingHours) * 3600))
                """).first()!.decode(column: "n", as: Int.self)
            return (rows, pending)
        }
        var groups: [String: LabStats.Row] = [:]
        var turnaround: [String: [Double]] = [:]
        var total = LabStats.Row(key: "total")
        var totalTurnaround: [Double] = []
        for row in rows {
            let collected = try row.decode(column: "collected_at", as: Date.self)
            let key: String = switch groupBy {
            case .day: LocalDay.string(collected)
            case .commune: try row.decode(column: "commune_code", as: String.self)
            case .method: try row.decode(column: "method", as: String.self)
            }
            let outcome = try row.decode(column: "outcome", as: String?.self)
            let pooled = try row.decode(column: "pooled", as: Int.self) != 0
            var group = groups[key] ?? LabStats.Row(key: key)
            for index in 0..<2 {
                var target = index == 0 ? group : total
                target.samples += 1
                if outcome != nil { target.resulted += 1 }
                if outcome == "positive" { target.positive += 1; if pooled { target.poolsPositive += 1 } }
                if index == 0 { group = target } else { total = target }
            }
            groups[key] = group
            if let resulted = try row.decode(column: "resulted_at", as: Date?.self) {
                let hours = resulted.timeIntervalSince(collected) / 3600
                turnaround[key, default: []].append(hours)
                totalTurnaround.append(hours)
            }
        }
        func finish(_ row: LabStats.Row, _ hours: [Double]) -> LabStats.Row {
            var row = row
            row.positivity = row.resulted > 0 ? Double(row.positive) / Double(row.resulted) : nil
            let sorted = hours.sorted()
            row.turnaroundMedianHours = Self.percentile(sorted, 0.5)
            row.turnaroundP90Hours = Self.percentile(sorted, 0.9)
            return row
        }
        return LabStats(from: from, to: to, groupBy: groupBy,
                        rows: groups.keys.sorted().map { finish(groups[$0]!, turnaround[$0] ?? []) },
                        total: finish(total, totalTurnaround), pending: pending, pendingHours: pendingHours)
    }

    /// Nearest-rank percentile of sorted values (nil for none).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
