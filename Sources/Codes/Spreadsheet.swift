import Domain
/// A one-sheet XLSX workbook (Office Open XML, ECMA-376) with a bold header row, text and number cells, written by
/// the project: inline strings, no shared-string table, stored ZIP entries.
public enum Spreadsheet {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        case empty
    }

    public static func xlsx(sheet: String, header: [String], rows: [[Cell]]) -> [UInt8] {
        var zip = ZipArchive()
        for (name, content) in parts(sheet: sheet) { zip.add(name, content) }
        var sheetXML = sheetStart
        for (r, row) in ([header.map(Cell.text)] + rows).enumerated() { appendRow(row, number: r + 1, header: r == 0, to: &sheetXML) }
        sheetXML += sheetEnd
        zip.add(sheetPath, Array(sheetXML.utf8))
        return zip.bytes()
    }

    static let sheetPath = "xl/worksheets/sheet1.xml"
    static let sheetStart = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
        """
    static let sheetEnd = "</sheetData></worksheet>"
    /// Rows a sheet holds (Excel's and LibreOffice's limit), the header's included.
    public static let maxRows = 1_048_576

    /// Every part of the workbook but its sheet: content types, relationships, the workbook, the styles (bold header).
    static func parts(sheet: String) -> [(String, [UInt8])] {
        [
            ("[Content_Types].xml", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            </Types>
            """.utf8)),
            ("_rels/.rels", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """.utf8)),
            ("xl/workbook.xml", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets><sheet name="\(escape(String(sheet.prefix(31))))" sheetId="1" r:id="rId1"/></sheets></workbook>
            """.utf8)),
            ("xl/_rels/workbook.xml.rels", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """.utf8)),
            ("xl/styles.xml", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
            </styleSheet>
            """.utf8)),
        ]
    }

    /// One row of the sheet, numbered from 1; the header row in bold.
    static func appendRow(_ row: [Cell], number r: Int, header: Bool, to sheetXML: inout String) {
        sheetXML += "<row r=\"\(r)\">"
        for (c, cell) in row.enumerated() {
            let ref = column(c) + String(r)
            let style = header ? " s=\"1\"" : ""
            switch cell {
            case .text(let text):
                sheetXML += "<c r=\"\(ref)\" t=\"inlineStr\"\(style)><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
            case .number(let value) where value.isFinite:
                sheetXML += "<c r=\"\(ref)\"\(style)><v>\(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))</v></c>"
            case .number, .empty:
                break
            }
        }
        sheetXML += "</row>"
    }

    /// A, B, … Z, AA, AB …
    static func column(_ index: Int) -> String {
        var n = index + 1, name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    static func escape(_ text: String) -> String { XMLText.escape(text) }
}
