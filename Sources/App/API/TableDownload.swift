import Codes
import Domain
import Foundation
import Hummingbird

/// A table sent as a file to open in a spreadsheet: CSV (UTF-8 with a byte-order mark, formulas defused) or a
/// one-sheet XLSX whose numbers are numbers. Every export that people download goes through here.
enum TableDownload {
    static func csv(header: [String], rows: [[Spreadsheet.Cell]], filename: String) -> Response {
        let text = CSV.write(header: header, rows: rows.map { $0.map(Self.text) })
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func xlsx(sheet: String, header: [String], rows: [[Spreadsheet.Cell]], filename: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                        .contentDisposition: "attachment; filename=\"\(filename)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: Spreadsheet.xlsx(sheet: sheet, header: header, rows: rows))))
    }

    /// A cell as CSV text: whole numbers without a decimal point, others as written (a point, for machines).
    static func text(_ cell: Spreadsheet.Cell) -> String {
        switch cell {
        case .text(let s): s
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .empty: ""
        }
    }
}
