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
        let rows = items.map { item in
            cells(item).map { cell -> String in
                switch cell {
                case .text(let s): s
                case .number(let n): String(Int64(n))
                case .empty: ""
                }
            }
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"\(filename("csv"))\""],
                        body: .init(byteBuffer: ByteBuffer(string: CSV.write(header: header, rows: rows))))
    }

    static func xlsxResponse(_ items: [CaseListItem]) -> Response {
        let bytes = Spreadsheet.xlsx(sheet: "Ca bệnh", header: header, rows: items.map(cells))
        return Response(status: .ok, headers: [.contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                               .contentDisposition: "attachment; filename=\"\(filename("xlsx"))\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
