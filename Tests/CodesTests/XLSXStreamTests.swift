import Codes
import Foundation
import TestSupport
import Testing

/// The streamed workbook: what it writes piece by piece reads back cell for cell, Python's zipfile finds every CRC and
/// size right (an independent ZIP reader), LibreOffice opens it, and a full sheet says how many rows it left out.
@Suite struct XLSXStreamTests {
    static func rows(_ n: Int, from start: Int = 0) -> [[Spreadsheet.Cell]] {
        (start..<(start + n)).map { (i: Int) -> [Spreadsheet.Cell] in
            let name: String = i % 7 == 0 ? "Trần \"Bé\" <Út> & \(i)" : "Nguyễn Thị Ánh \(i)"
            let phone: Spreadsheet.Cell = i % 5 == 0 ? .empty : .text("0912" + String(format: "%06d", i % 1_000_000))
            return [.number(Double(i)), .text(name), .number(Double(1950 + i % 60)), phone]
        }
    }

    static func write(_ pages: [[[Spreadsheet.Cell]]], capacity: Int = Spreadsheet.maxRows) throws -> (bytes: [UInt8], dropped: Int) {
        let stream = try XLSXStream(sheet: "Ca F0", header: ["case_id", "full_name", "birth_year", "phone"], capacity: capacity)
        var bytes = try stream.start()
        for page in pages { bytes += try stream.append(page) }
        bytes += try stream.finish()
        return (bytes, stream.dropped)
    }

    @Test func pagesWrittenAsTheyComeReadBackCellForCell() throws {
        let pages = (0..<6).map { Self.rows(5_000, from: $0 * 5_000) } + [[]]
        let (bytes, dropped) = try Self.write(pages)
        #expect(dropped == 0)
        let read = try XLSXReader.rows(bytes)
        #expect(read.count == 30_001 && read.first?.cells == ["case_id", "full_name", "birth_year", "phone"])
        let expected = pages.joined().map { row in
            row.map { cell -> String in
                switch cell {
                case .text(let t): t
                case .number(let v): String(Int(v))
                case .empty: ""
                }
            }
        }
        // The reader drops trailing empty cells; compare what it has.
        for (got, want) in zip(read.dropFirst(), expected) where got.cells != Array(want.prefix(got.cells.count)) || got.cells.count < 3 {
            Issue.record("row \(got.number): \(got.cells) ≠ \(want)")
            break
        }
        #expect(bytes.count < 30_001 * 40, "deflated: \(bytes.count) bytes for 30,000 rows")
        if ExternalTool.required("python3") {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).xlsx")
            try Data(bytes).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let check = try ExternalTool.run("python3", ["-c", """
                import sys, zipfile
                z = zipfile.ZipFile(sys.argv[1])
                bad = z.testzip()
                info = z.getinfo('xl/worksheets/sheet1.xml')
                print(bad, info.compress_type, info.flag_bits & 8, len(z.read('xl/worksheets/sheet1.xml')) == info.file_size)
                """, file.path])
            #expect(String(decoding: check.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "None 8 8 True", "\(check.stderr)")
        }
    }

    @Test func aFullSheetSaysHowManyRowsItLeftOut() throws {
        let (bytes, dropped) = try Self.write([Self.rows(7), Self.rows(13, from: 7)], capacity: 10)
        #expect(dropped == 12)
        let read = try XLSXReader.rows(bytes)
        #expect(read.count == 10 && read.last?.cells.first?.hasPrefix("… 12 dòng nữa") == true)
        #expect(read[8].cells.first == "7", "the first 8 data rows are kept in order")
    }

    @Test func theChecksumComesOutTheSamePieceByPiece() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let pieces = stride(from: 0, to: bytes.count, by: 777).reduce(UInt32(0)) { crc, i in CRC32.update(crc, bytes[i..<min(i + 777, bytes.count)]) }
        #expect(pieces == CRC32.checksum(bytes))
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926, "the standard check value")
    }

    @Test func libreOfficeOpensTheStreamedWorkbook() throws {
        guard ExternalTool.required("libreoffice") else { return }
        let (bytes, _) = try Self.write([Self.rows(3)])
        let csv = try ExternalTool.libreOfficeCSV(xlsx: Data(bytes))
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines.first == "case_id,full_name,birth_year,phone")
        #expect(lines.count == 4 && lines[1].hasPrefix("0,\"Trần \"\"Bé\"\" <Út> & 0\",1950") && lines[2] == "1,Nguyễn Thị Ánh 1,1951,0912000001", "\(lines)")
    }
}
