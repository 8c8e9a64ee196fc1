import Codes
import Domain
import Foundation
import Hummingbird
import Reporting

/// Daily counts as a workbook for people: a row per day, week or area, a column per measure (named in Vietnamese),
/// the totals last — the shape a report to the province is typed into. `format=csv` keeps the long machine layout.
enum StatsExport {
    static func xlsxResponse(_ answer: StatsAnswer, measureName: (String) -> String) -> Response {
        let keyHeading = switch answer.groupBy {
        case .day: "Ngày"
        case .week: "Tuần"
        case .commune: "Xã/phường"
        case .district: "Huyện/thành phố"
        }
        let byArea = answer.groupBy == .commune || answer.groupBy == .district
        var keys: [String] = [], labels: [String: String] = [:]
        var values: [String: [String: Int64]] = [:]
        for series in answer.series {
            for point in series.points {
                if values[point.key] == nil { keys.append(point.key) }
                values[point.key, default: [:]][series.measure] = point.value
                if let label = point.label { labels[point.key] = label }
            }
        }
        let header = [keyHeading] + (byArea ? ["Tên"] : []) + answer.series.map { measureName($0.measure) }
        var rows: [[Spreadsheet.Cell]] = keys.map { key in
            [.text(key)] + (byArea ? [.text(labels[key] ?? "")] : [])
                + answer.series.map { series in values[key]?[series.measure].map { .number(Double($0)) } ?? .number(0) }
        }
        rows.append([.text("Tổng")] + (byArea ? [.empty] : []) + answer.series.map { .number(Double($0.total)) })
        return TableDownload.xlsx(sheet: "Số liệu \(answer.area.code)", header: header, rows: rows,
                                  filename: "so-lieu-\(answer.area.code)-\(answer.from)-\(answer.to).xlsx")
    }
}
