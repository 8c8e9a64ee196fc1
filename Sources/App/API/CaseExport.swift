import Codes
import ContactTracing
import Domain
import Foundation
import Hummingbird

/// Case lists as CSV (with a byte-order mark, for Excel) and XLSX, with Vietnamese column names.
enum CaseExport {
    static let header = ["Mã ca", "Mã người", "Họ tên", "Năm sinh", "Điện thoại", "Phân loại", "Mã xã", "Ngày ghi nhận", "Theo dõi",
                         "Mức độ", "Kết thúc cách ly"]

    static func cells(_ item: CaseListItem) -> [Spreadsheet.Cell] {
        [.number(Double(item.id)), .number(Double(item.personId)), .text(item.fullName), item.birthYear.map { .number(Double($0)) } ?? .empty,
         item.phone.map(Spreadsheet.Cell.text) ?? .empty, .text(item.classification.rawValue), .text(item.communeCode), .text(item.reportedOn),
         .text(item.followUp.rawValue), item.severity.map { .text($0.rawValue) } ?? .empty, item.quarantineEnd.map(Spreadsheet.Cell.text) ?? .empty]
    }

    static func filename(_ ext: String) -> String { "danh-sach-ca-\(LocalDay.string(Date())).\(ext)" }

    static func csvResponse(_ items: [CaseListItem]) -> Response {
        TableDownload.csv(header: header, rows: items.map(cells), filename: filename("csv"))
    }

    static func xlsxResponse(_ items: [CaseListItem]) -> Response {
        TableDownload.xlsx(sheet: "Ca bệnh", header: header, rows: items.map(cells), filename: filename("xlsx"))
    }
}
