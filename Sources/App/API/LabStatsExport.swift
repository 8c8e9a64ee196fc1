import Codes
import Domain
import Foundation
import Geography
import Hummingbird
import Laboratory

/// Testing figures as a workbook for people (Vietnamese headings, positivity as a percentage, hours to one decimal)
/// — the CSV of `GET /api/v1/lab/stats?format=csv` keeps its English keys for machines.
enum LabStatsExport {
    /// The headings, from the pages' strings (`text` looks one up: the pages' catalogue in Vietnamese).
    static func header(_ grouping: LabStats.Grouping, text: (String) -> String) -> [String] {
        [text("lab_stats_by_" + grouping.rawValue), text("lab_stats_samples"), text("lab_stats_resulted"), text("lab_stats_positive"),
         text("lab_stats_pools"), text("lab_stats_positivity") + " (%)", text("lab_stats_median"), text("lab_stats_p90")]
    }

    /// A row each, then the total; `label` names a key (a commune's name, a method's).
    static func rows(_ stats: LabStats, label: (String) -> String, text: (String) -> String) -> [[Spreadsheet.Cell]] {
        func cells(_ row: LabStats.Row, _ name: String) -> [Spreadsheet.Cell] {
            [.text(name), .number(Double(row.samples)), .number(Double(row.resulted)), .number(Double(row.positive)),
             .number(Double(row.poolsPositive)), number(row.positivity.map { $0 * 100 }, places: 2),
             number(row.turnaroundMedianHours, places: 1), number(row.turnaroundP90Hours, places: 1)]
        }
        return stats.rows.map { cells($0, label($0.key)) } + [cells(stats.total, text("lab_stats_total"))]
    }

    /// What a row's key means to a reader: a day as dd/mm/yyyy, a commune's name with its code, a method's name.
    static func labels(_ stats: LabStats, areas: AreaStore, vintage: String, text: (String) -> String) async throws -> [String: String] {
        var names: [String: String] = [:]
        for row in stats.rows {
            switch stats.groupBy {
            case .day:
                let parts = row.key.split(separator: "-")
                names[row.key] = parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : row.key
            case .commune:
                names[row.key] = try await areas.unit(code: row.key, vintage: vintage).map { "\($0.name) (\(row.key))" } ?? row.key
            case .method:
                names[row.key] = TestMethod(rawValue: row.key).map { text("results_method_" + $0.rawValue) } ?? row.key
            }
        }
        return names
    }

    static func number(_ value: Double?, places: Int) -> Spreadsheet.Cell {
        guard let value else { return .empty }
        let scale = pow(10, Double(places))
        return .number((value * scale).rounded() / scale)
    }

    static func xlsxResponse(_ stats: LabStats, label: (String) -> String, text: (String) -> String) -> Response {
        TableDownload.xlsx(sheet: text("report_sheet_tests"), header: header(stats.groupBy, text: text), rows: rows(stats, label: label, text: text),
                           filename: "thong-ke-xet-nghiem-\(stats.from)-\(stats.to).xlsx")
    }
}
