import CompressNIO
import NIOCore

/// Reads the first worksheet of an XLSX file (Office Open XML, as Excel and LibreOffice write it) into rows of text,
/// for list imports: a company's workers, a facility's residents. Only what a list needs: shared and inline strings,
/// numbers (integers without ".0"), booleans; cells placed by their reference, so gaps stay empty. Untrusted input:
/// sizes are capped before anything is inflated.
public enum XLSXReader {
    public struct Unreadable: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
        init(_ reason: String) { self.reason = reason }
    }

    /// A row with its number in the sheet (1-based), so a report can name the line a person sees in Excel.
    public struct Row: Equatable, Sendable {
        public let number: Int
        public let cells: [String]
    }

    public static let maxEntryBytes = 64 << 20
    public static let maxRows = 200_000

    public static func isXLSX(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    public static func rows(_ bytes: [UInt8]) throws -> [Row] {
        let entries = try ZipEntries(bytes)
        let sheetPath = try firstSheetPath(entries)
        let shared = try entries.text("xl/sharedStrings.xml").map(sharedStrings) ?? []
        guard let sheet = try entries.text(sheetPath) else { throw Unreadable("the workbook has no worksheet") }
        return try cells(sheet, shared: shared)
    }

    /// The first sheet of the workbook, through its relationship; sheet1.xml when the workbook does not say.
    static func firstSheetPath(_ entries: ZipEntries) throws -> String {
        guard let workbook = try entries.text("xl/workbook.xml"), let sheet = elements("sheet", in: workbook).first,
              let rid = attribute("r:id", in: sheet), let rels = try entries.text("xl/_rels/workbook.xml.rels"),
              let rel = elements("Relationship", in: rels).first(where: { attribute("Id", in: $0) == rid }),
              let target = attribute("Target", in: rel)
        else { return "xl/worksheets/sheet1.xml" }
        return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    static func sharedStrings(_ xml: String) -> [String] {
        blocks("si", in: xml).map { item in
            // Rich text keeps its runs' text; phonetic hints (rPh) are not part of the value.
            let plain = removingBlocks("rPh", from: item)
            return blocks("t", in: plain).map(unescape).joined()
        }
    }

    static func cells(_ xml: String, shared: [String]) throws -> [Row] {
        var rows: [Row] = []
        var next = 1
        for row in blocksWithTags("row", in: xml) {
            let number = attribute("r", in: row.tag).flatMap { Int($0) } ?? next
            next = number + 1
            var cells: [String] = []
            for cell in blocksWithTags("c", in: row.body) + selfClosing("c", in: row.body) {
                let column = attribute("r", in: cell.tag).map(columnIndex) ?? cells.count
                guard column < 16_384 else { throw Unreadable("row \(number): a cell beyond column XFD") }
                let type = attribute("t", in: cell.tag) ?? "n"
                let raw = blocks("v", in: cell.body).first.map(unescape)
                let value: String
                switch type {
                case "s":
                    guard let index = raw.flatMap({ Int($0) }), shared.indices.contains(index) else { throw Unreadable("row \(number): a missing shared string") }
                    value = shared[index]
                case "inlineStr": value = blocks("t", in: cell.body).map(unescape).joined()
                case "b": value = raw == "1" ? "TRUE" : "FALSE"
                case "n": value = raw.map(number(_:)) ?? ""
                default: value = raw ?? ""
                }
                if cells.count <= column { cells += Array(repeating: "", count: column - cells.count + 1) }
                cells[column] = value
            }
            if cells.contains(where: { !$0.isEmpty }) { rows.append(Row(number: number, cells: cells)) }
            guard rows.count <= maxRows else { throw Unreadable("more than \(maxRows) rows") }
        }
        return rows
    }

    /// "1985" stays "1985"; "1985.0" and "1.985E3" become "1985"; other numbers keep their text.
    static func number(_ text: String) -> String {
        guard let value = Double(text), value.rounded() == value, abs(value) < 1e15 else { return text }
        return String(Int64(value))
    }

    /// "A1" → 0, "AB7" → 27.
    static func columnIndex(_ reference: String) -> Int {
        var index = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65, scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
        }
        return max(0, index - 1)
    }

    // MARK: A small scanner for the few elements these parts use (no DTDs, no namespaces to resolve).

    struct Element { let tag: String; let body: String }

    /// `<name …>body</name>` (not `<nameOther…>`), in order. Scans the UTF-8 bytes once (Foundation's `range(of:)` on
    /// a substring copies the rest of the text each call: a 5,000-row sheet took 15 s that way).
    static func blocksWithTags(_ name: String, in xml: String) -> [Element] {
        let bytes = Array(xml.utf8)
        let open = Array(("<" + name).utf8), close = Array(("</" + name + ">").utf8)
        var out: [Element] = []
        var at = 0
        while let start = find(open, in: bytes, from: at) {
            let after = start + open.count
            guard after < bytes.count, [0x20, 0x3E, 0x09, 0x0A, 0x0D, 0x2F].contains(bytes[after]), let gt = find([0x3E], in: bytes, from: after)
            else { at = after; continue }
            if bytes[gt - 1] == 0x2F { at = gt + 1; continue }   // <name …/>: no body
            guard let end = find(close, in: bytes, from: gt + 1) else { break }
            out.append(Element(tag: String(decoding: bytes[start...gt], as: UTF8.self), body: String(decoding: bytes[(gt + 1)..<end], as: UTF8.self)))
            at = end + close.count
        }
        return out
    }

    /// The first index of `needle` in `bytes` at or after `from`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, bytes.count >= needle.count else { return nil }
        var i = from
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < needle.count && bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// `<name …/>` elements (empty cells with a style, say).
    static func selfClosing(_ name: String, in xml: String) -> [Element] {
        elements(name, in: xml).filter { $0.hasSuffix("/>") }.map { Element(tag: $0, body: "") }
    }

    static func blocks(_ name: String, in xml: String) -> [String] { blocksWithTags(name, in: xml).map(\.body) }

    static func removingBlocks(_ name: String, from xml: String) -> String {
        var out = xml
        for block in blocksWithTags(name, in: xml) { out = out.replacingOccurrences(of: block.body, with: "") }
        return out
    }

    /// The opening tags `<name …>` or `<name …/>`.
    static func elements(_ name: String, in xml: String) -> [String] {
        let bytes = Array(xml.utf8)
        let open = Array(("<" + name).utf8)
        var out: [String] = []
        var at = 0
        while let start = find(open, in: bytes, from: at) {
            let after = start + open.count
            guard after < bytes.count, [0x20, 0x3E, 0x2F, 0x0A, 0x09].contains(bytes[after]), let gt = find([0x3E], in: bytes, from: after)
            else { at = after; continue }
            out.append(String(decoding: bytes[start...gt], as: UTF8.self))
            at = gt + 1
        }
        return out
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        for quote in ["\"", "'"] {
            if let start = tag.range(of: " " + name + "=" + quote) ?? tag.range(of: "\n" + name + "=" + quote),
               let end = tag[start.upperBound...].firstIndex(of: Character(quote)) {
                return unescape(String(tag[start.upperBound..<end]))
            }
        }
        return nil
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                out += "&"; rest = rest[rest.index(after: amp)...]; continue
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let code = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                if let code, let scalar = Unicode.Scalar(code) { out.unicodeScalars.append(scalar) } else { out += "&" + entity + ";" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

/// The entries of a ZIP archive found through its central directory; stored or deflated, each inflated on demand
/// within `XLSXReader.maxEntryBytes`.
struct ZipEntries {
    struct Entry { let method: UInt16; let compressedSize: Int; let size: Int; let offset: Int }
    let bytes: [UInt8]
    var entries: [String: Entry] = [:]

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
        guard bytes.count >= 22, let end = stride(from: bytes.count - 22, through: max(0, bytes.count - 65_557), by: -1)
            .first(where: { u32($0) == 0x0605_4B50 })
        else { throw XLSXReader.Unreadable("not an XLSX file (no ZIP directory)") }
        var at = u32(end + 16)
        for _ in 0..<u16(end + 10) {
            guard at + 46 <= bytes.count, u32(at) == 0x0201_4B50 else { throw XLSXReader.Unreadable("a broken ZIP directory") }
            let nameLength = u16(at + 28), extra = u16(at + 30), comment = u16(at + 32)
            guard at + 46 + nameLength <= bytes.count else { throw XLSXReader.Unreadable("a broken ZIP directory") }
            let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            entries[name] = Entry(method: UInt16(u16(at + 10)), compressedSize: u32(at + 20), size: u32(at + 24), offset: u32(at + 42))
            at += 46 + nameLength + extra + comment
        }
    }

    func text(_ name: String) throws -> String? {
        guard let entry = entries[name] else { return nil }
        guard entry.size <= XLSXReader.maxEntryBytes else { throw XLSXReader.Unreadable("\(name) is larger than 64 MB") }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        guard entry.offset + 30 <= bytes.count else { throw XLSXReader.Unreadable("a broken ZIP entry") }
        let start = entry.offset + 30 + u16(entry.offset + 26) + u16(entry.offset + 28)
        guard start + entry.compressedSize <= bytes.count else { throw XLSXReader.Unreadable("a truncated ZIP entry") }
        let data = Array(bytes[start..<(start + entry.compressedSize)])
        switch entry.method {
        case 0: return String(decoding: data, as: UTF8.self)
        case 8:
            var input = ByteBuffer(bytes: data)
            do {
                var output = try input.decompress(with: .deflate(), maxSize: XLSXReader.maxEntryBytes)
                return output.readString(length: output.readableBytes) ?? ""
            } catch {
                throw XLSXReader.Unreadable("\(name) cannot be inflated")
            }
        default: throw XLSXReader.Unreadable("\(name) uses ZIP method \(entry.method)")
        }
    }
}
