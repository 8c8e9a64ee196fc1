import Codes
import Foundation
import TestSupport
import Testing

@Suite struct XLSXReaderTests {
    @Test func aWorkbookWeWriteReadsBackCellForCell() throws {
        let bytes = Spreadsheet.xlsx(sheet: "Danh sách", header: ["full_name", "id_number", "phone", "birth_year", "commune_code"], rows: [
            [.text("Nguyễn Thị Ánh"), .number(75_190_012_345), .number(912_345_678), .number(1990), .text("25993")],
            [.text("Trần \"Bé\" <Út> & Co"), .empty, .text("0987654321"), .empty, .text("26002")],
        ])
        let rows = try XLSXReader.rows(bytes)
        #expect(rows.map(\.number) == [1, 2, 3])
        #expect(rows[0].cells == ["full_name", "id_number", "phone", "birth_year", "commune_code"])
        #expect(rows[1].cells == ["Nguyễn Thị Ánh", "75190012345", "912345678", "1990", "25993"])
        #expect(rows[2].cells.first == "Trần \"Bé\" <Út> & Co" && rows[2].cells[2] == "0987654321" && rows[2].cells[4] == "26002")
    }

    /// LibreOffice writes what Excel writes: deflated entries, shared strings, a workbook with relationships.
    @Test func aWorkbookLibreOfficeWroteIsRead() throws {
        guard ExternalTool.required("libreoffice") else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = "full_name,phone,birth_year,commune_code,note\nNguyễn Văn Một,0912000001,1985,25993,\nLê Thị Hai,0912000002,,26002,\"ca, sáng\"\n,,,,\nPhạm Ba,,1970,25996,x&y<z\n"
        try Data(csv.utf8).write(to: dir.appendingPathComponent("list.csv"))
        let result = try ExternalTool.run("libreoffice", ["-env:UserInstallation=file://\(dir.path)/profile", "--headless", "--infilter=CSV:44,34,76",
                                                          "--convert-to", "xlsx", "--outdir", dir.path, dir.appendingPathComponent("list.csv").path])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try XLSXReader.rows(Array(try Data(contentsOf: dir.appendingPathComponent("list.xlsx"))))
        #expect(rows.map(\.number) == [1, 2, 3, 5], "the empty fourth line is left out; row numbers are the sheet's")
        #expect(rows[0].cells == ["full_name", "phone", "birth_year", "commune_code", "note"])
        #expect(rows[1].cells.prefix(4) == ["Nguyễn Văn Một", "912000001", "1985", "25993"], "a number column loses its leading zero")
        #expect(rows[2].cells[0] == "Lê Thị Hai" && rows[2].cells[2] == "" && rows[2].cells[4] == "ca, sáng")
        #expect(rows[3].cells[0] == "Phạm Ba" && rows[3].cells[1] == "" && rows[3].cells[4] == "x&y<z")
    }

    @Test func brokenFilesAreRefusedWithAReason() {
        for bytes: [UInt8] in [[], Array("full_name\nA".utf8), [0x50, 0x4B, 0x03, 0x04, 1, 2, 3], Array(Spreadsheet.xlsx(sheet: "a", header: ["x"], rows: []).prefix(200))] {
            #expect(throws: XLSXReader.Unreadable.self) { try XLSXReader.rows(bytes) }
        }
        #expect(XLSXReader.isXLSX(Spreadsheet.xlsx(sheet: "a", header: ["x"], rows: [])) && !XLSXReader.isXLSX(Array("a,b".utf8)))
    }
}
