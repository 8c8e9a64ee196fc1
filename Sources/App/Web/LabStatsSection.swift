import Accounts
import Domain
import Foundation
import Hummingbird
import Laboratory

/// The figures at the foot of the lab page: samples, results, positivity, positive pools and turnaround for a period
/// (the last 7 days unless asked), by day, commune or method, with the same table as CSV or XLSX to download.
struct LabStatsSection {
    let services: Services
    let pages: PageRenderer

    func model(_ request: Request, _ context: SentinelContext, principal: Principal) async throws -> [String: Any] {
        let q = request.uri.queryParameters
        let today = LocalDay.string(Date())
        let weekAgo = LocalDay.adding(-6, to: today) ?? today
        let asked = (from: q.get("from").flatMap { $0.isEmpty ? nil : $0 } ?? weekAgo,
                     to: q.get("to").flatMap { $0.isEmpty ? nil : $0 } ?? today,
                     groupBy: LabStats.Grouping(rawValue: q.get("groupBy") ?? "") ?? .day)
        let t = { (key: String) in pages.text(key, context) }
        var errors: [FieldError] = []
        var stats: LabStats
        do {
            stats = try await services.lab.stats(from: asked.from, to: asked.to, groupBy: asked.groupBy, by: principal, trace: context.trace(purpose: "lab page"))
        } catch let failure as ValidationFailure {
            // A bad period is shown beside the form; the figures fall back to the last 7 days.
            errors = failure.errors
            stats = try await services.lab.stats(from: weekAgo, to: today, groupBy: asked.groupBy, by: principal,
                                                 trace: context.trace(purpose: "lab page"))
        }
        let names = try await LabStatsExport.labels(stats, areas: services.areas, vintage: services.config.vintage) { pages.text($0, context) }
        func row(_ r: LabStats.Row, _ label: String) -> [String: Any] {
            ["label": label, "samples": r.samples, "resulted": r.resulted, "positive": r.positive, "pools": r.poolsPositive,
             "positivity": r.positivity.map { String(format: "%.1f %%", $0 * 100) } ?? "—",
             "median": r.turnaroundMedianHours.map { String(format: "%.1f", $0) } ?? "—",
             "p90": r.turnaroundP90Hours.map { String(format: "%.1f", $0) } ?? "—"]
        }
        let query = "from=\(stats.from)&to=\(stats.to)&groupBy=\(stats.groupBy.rawValue)"
        return [
            "from": stats.from, "to": stats.to,
            "groupings": LabStats.Grouping.allCases.map { ["value": $0.rawValue, "label": t("lab_stats_by_\($0.rawValue)"), "selected": $0 == stats.groupBy] },
            "keyHeading": t("lab_stats_by_\(stats.groupBy.rawValue)"),
            "rows": stats.rows.map { row($0, names[$0.key] ?? $0.key) }, "hasRows": !stats.rows.isEmpty,
            "total": row(stats.total, t("lab_stats_total")),
            "pending": stats.pending, "pendingHours": stats.pendingHours,
            "csv": "/api/v1/lab/stats?format=csv&\(query)", "xlsx": "/api/v1/lab/stats?format=xlsx&\(query)",
            "hasErrors": !errors.isEmpty, "errors": errors.map { ["field": $0.field, "reason": $0.reason] },
        ]
    }
}
