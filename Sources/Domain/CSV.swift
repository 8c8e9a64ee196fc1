import Foundation

/// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF, a UTF-8 byte-order mark.
/// Imports report bad rows by line number, so each record keeps the line it started on.
public struct CSVRecord: Sendable, Equatable {
    public let line: Int
    public let fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

public enum CSV {
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// `separator` is `,` by default; spreadsheets saved under a Vietnamese locale (decimal comma) write `;`.
    public static func parse(_ text: String, separator: Unicode.Scalar = ",") throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        var atFieldStart = true

        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        func endRecord() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(CSVRecord(line: recordLine, fields: fields))
            }
            fields = []
            atFieldStart = true
        }

        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\u{FEFF}" where records.isEmpty && fields.isEmpty && field.isEmpty:
                continue
            case "\"" where atFieldStart:
                inQuotes = true
                atFieldStart = false
            case "\"":
                throw Malformed(line: line, reason: "a quote inside an unquoted field")
            case separator:
                fields.append(field)
                field = ""
                atFieldStart = true
            case "\r":
                if let n = next(), n != "\n" { pending = n }
                endRecord()
                line += 1
                recordLine = line
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
                atFieldStart = false
            }
        }
        if inQuotes { throw Malformed(line: recordLine, reason: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }

    /// Rows as dictionaries keyed by the header row; fails if a required column is missing.
    public static func table(_ text: String, required: [String]) throws -> [(line: Int, values: [String: String])] {
        try table(records: try parse(text), required: required)
    }

    /// The same for records read from elsewhere (a spreadsheet's rows); a short row is padded, as a sheet leaves
    /// trailing cells out.
    public static func table(records: [CSVRecord], required: [String], padding: Bool = false) throws -> [(line: Int, values: [String: String])] {
        let records = padding ? records.map { record in
            CSVRecord(line: record.line, fields: record.fields + Array(repeating: "", count: max(0, (records.first?.fields.count ?? 0) - record.fields.count)))
        } : records
        guard let header = records.first else { throw Malformed(line: 1, reason: "the file is empty") }
        let names = header.fields.map(\.trimmedSpaces)
        let missing = required.filter { !names.contains($0) }
        if !missing.isEmpty {
            throw Malformed(line: 1, reason: "missing column(s): \(missing.joined(separator: ", "))")
        }
        return try records.dropFirst().map { record in
            guard record.fields.count == names.count else {
                throw Malformed(line: record.line, reason: "expected \(names.count) fields, found \(record.fields.count)")
            }
            var values: [String: String] = [:]
            for (name, value) in zip(names, record.fields) { values[name] = value.trimmedSpaces }
            return (record.line, values)
        }
    }
}

extension CSV {
    /// The separator a file's first line uses: `;` when it has more semicolons than commas (a spreadsheet saved
    /// under a Vietnamese locale), else `,`.
    public static func separator(of text: String) -> Unicode.Scalar {
        let first = text.prefix { $0 != "\n" && $0 != "\r" }
        return first.filter { $0 == ";" }.count > first.filter { $0 == "," }.count ? ";" : ","
    }

    /// RFC 4180 text with CRLF line ends and a UTF-8 byte-order mark, so Excel opens Vietnamese text correctly.
    /// A field starting with = + - @ is prefixed with an apostrophe: a spreadsheet must not run it as a formula.
    public static func write(header: [String], rows: [[String]]) -> String {
        var out = byteOrderMark
        for row in [header] + rows { out += line(row) }
        return out
    }

    public static let byteOrderMark = "\u{FEFF}"

    /// One record with its CRLF, fields quoted when needed and guarded against formulas (see `write`); for writers
    /// that stream a file line by line.
    public static func line(_ fields: [String]) -> String {
        var out = ""
        out.reserveCapacity(fields.reduce(2) { $0 + $1.utf8.count + 3 })
        for (i, field) in fields.enumerated() {
            if i > 0 { out += "," }
            append(field, to: &out)
        }
        out += "\r\n"
        return out
    }

    /// One field, scanned as UTF-8 bytes (the characters that matter are ASCII; walking grapheme clusters was most of
    /// an export's time, docs/performance.md).
    static func append(_ field: String, to out: inout String) {
        var first: UInt8?
        var quoted = false
        for byte in field.utf8 {
            if first == nil { first = byte }
            if byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D { quoted = true; break }
        }
        // = + - @ start a formula in a spreadsheet unless the field is a plain number.
        let guarded = first.map { $0 == 0x3D || $0 == 0x2B || $0 == 0x2D || $0 == 0x40 } == true && Double(field) == nil
        guard quoted else {
            if guarded { out += "'" }
            out += field
            return
        }
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(field.utf8.count + 4)
        if guarded { bytes.append(0x27) }
        for byte in field.utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
        out += String(decoding: bytes, as: UTF8.self)
    }
}
