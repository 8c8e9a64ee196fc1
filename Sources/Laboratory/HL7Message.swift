import Foundation

/// HL7 version 2 messages as laboratory instruments and LIS send them: segments (`MSH`, `PID`, `OBR`, `OBX`,
/// `SPM`, …) of fields, components, repetitions and subcomponents, with the separators each message declares in
/// its `MSH` segment and the standard escape sequences. Written in the project; only what results import needs.
public struct HL7Message: Sendable, Equatable {
    public struct Separators: Sendable, Equatable {
        public var field: Character = "|"
        public var component: Character = "^"
        public var repetition: Character = "~"
        public var escape: Character = "\\"
        public var subcomponent: Character = "&"
    }

    public struct Segment: Sendable, Equatable {
        public let name: String
        /// Raw (still escaped) fields; index 0 is the segment name, so `fields[n]` is SEG-n. For MSH, `fields[1]`
        /// is the field separator itself, as the standard numbers them.
        public let fields: [String]
        /// 1-based line in the input, for error messages.
        public let line: Int
    }

    public let separators: Separators
    public let segments: [Segment]

    /// The first line of the message in its input.
    public var line: Int { segments.first?.line ?? 0 }

    public func segments(_ name: String) -> [Segment] { segments.filter { $0.name == name } }
    public func first(_ name: String) -> Segment? { segments.first { $0.name == name } }

    /// SEG-field.component (1-based; component 1 is the whole first component), unescaped; nil when empty.
    public func value(_ segment: Segment?, _ field: Int, component: Int = 1, repetition: Int = 1) -> String? {
        guard let segment, field < segment.fields.count else { return nil }
        let raw = segment.fields[field]
        guard !raw.isEmpty else { return nil }
        let escape = separators.escape.asciiValue!
        guard let repeated = Self.piece(raw.utf8[...], repetition - 1, separators.repetition.asciiValue!, escape),
              let part = Self.piece(repeated, component - 1, separators.component.asciiValue!, escape),
              let first = Self.piece(part, 0, separators.subcomponent.asciiValue!, escape)
        else { return nil }
        let text = String(Substring(first))
        guard !text.isEmpty else { return nil }
        return text.utf8.contains(escape) ? unescape(text) : text
    }

    /// The `index`th piece of `bytes` between separators that are not inside an escape sequence (ASCII bytes, so
    /// no grapheme work: this runs for every field of every message of an instrument batch).
    static func piece(_ bytes: Substring.UTF8View, _ index: Int, _ separator: UInt8, _ escape: UInt8) -> Substring.UTF8View? {
        var current = 0
        var start = bytes.startIndex
        var inEscape = false
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let byte = bytes[position]
            if byte == escape {
                inEscape.toggle()
            } else if byte == separator && !inEscape {
                if current == index { return bytes[start..<position] }
                current += 1
                start = bytes.index(after: position)
            }
            position = bytes.index(after: position)
        }
        return current == index ? bytes[start..<bytes.endIndex] : nil
    }

    /// \F\ \S\ \T\ \R\ \E\ become the separators, \X..\ hexadecimal bytes, \.br\ a line break; highlighting and
    /// unknown sequences are dropped (HL7 v2.5 §2.7).
    public func unescape(_ text: String) -> String {
        guard text.contains(separators.escape) else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == separators.escape, let close = text[text.index(after: index)...].firstIndex(of: separators.escape) else {
                out.append(character)
                index = text.index(after: index)
                continue
            }
            let code = String(text[text.index(after: index)..<close])
            switch code {
            case "F": out.append(separators.field)
            case "S": out.append(separators.component)
            case "T": out.append(separators.subcomponent)
            case "R": out.append(separators.repetition)
            case "E": out.append(separators.escape)
            case ".br": out.append("\n")
            default:
                if code.hasPrefix("X"), code.count > 1, code.count % 2 == 1 {
                    var bytes: [UInt8] = []
                    var hex = code.dropFirst()
                    while !hex.isEmpty, let byte = UInt8(hex.prefix(2), radix: 16) { bytes.append(byte); hex = hex.dropFirst(2) }
                    out += String(decoding: bytes, as: UTF8.self)
                }
            }
            index = text.index(after: close)
        }
        return out
    }
}

/// Splits an input of one or more messages (batch headers FHS/BHS/BTS/FTS are skipped) into messages, each parsed
/// on its own: one malformed message is reported with its line and the others are kept.
public enum HL7Parser {
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public static func parse(_ text: String) -> [Result<HL7Message, Rejection>] {
        // Segments end with CR; files passed around by people often have LF or CRLF instead: any of them ends a line.
        var out: [Result<HL7Message, Rejection>] = []
        var current: [(line: Int, text: String)] = []
        func flush() {
            guard !current.isEmpty else { return }
            out.append(message(current))
            current = []
        }
        let bytes = text.utf8
        var line = 0
        var start = bytes.startIndex
        var index = bytes.startIndex
        func take(_ end: String.UTF8View.Index) {
            line += 1
            let trimmed = bytes[start..<end].drop { $0 == 32 || $0 == 9 }
            guard !trimmed.isEmpty else { return }
            let text = String(Substring(trimmed))
            let name = String(text.prefix(3))
            if ["FHS", "BHS", "BTS", "FTS"].contains(name) { flush(); return }
            if name == "MSH" { flush() }
            current.append((line, text))
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 13 || byte == 10 {
                take(index)
                var next = bytes.index(after: index)
                if byte == 13, next < bytes.endIndex, bytes[next] == 10 { next = bytes.index(after: next) }  // CRLF is one line end
                start = next
                index = next
            } else {
                index = bytes.index(after: index)
            }
        }
        if start < bytes.endIndex { take(bytes.endIndex) }
        flush()
        return out
    }

    static func message(_ lines: [(line: Int, text: String)]) -> Result<HL7Message, Rejection> {
        let first = lines[0]
        guard first.text.hasPrefix("MSH") else {
            return .failure(Rejection(line: first.line, reason: "the message does not start with an MSH segment"))
        }
        let chars = Array(first.text)
        guard chars.count >= 8 else { return .failure(Rejection(line: first.line, reason: "the MSH segment is truncated")) }
        var separators = HL7Message.Separators()
        separators.field = chars[3]
        let encoding = chars[4..<8]
        guard (encoding + [separators.field]).allSatisfy({ $0.isASCII && !$0.isLetter && !$0.isNumber && !$0.isWhitespace }),
              Set(encoding + [separators.field]).count == 5
        else {
            return .failure(Rejection(line: first.line, reason: "MSH-1/MSH-2 do not declare five distinct separators"))
        }
        separators.component = encoding[encoding.startIndex]
        separators.repetition = encoding[encoding.startIndex + 1]
        separators.escape = encoding[encoding.startIndex + 2]
        separators.subcomponent = encoding[encoding.startIndex + 3]
        var segments: [HL7Message.Segment] = []
        for (line, text) in lines {
            let fields = text.utf8.split(separator: separators.field.asciiValue!, omittingEmptySubsequences: false).map { String(Substring($0)) }
            let name = fields[0]
            guard name.count == 3, name.allSatisfy({ $0.isUppercase || $0.isNumber }), name.first!.isLetter else {
                return .failure(Rejection(line: line, reason: "\"\(name.prefix(10))\" is not a segment name (a wrong separator or a broken line)"))
            }
            // MSH-1 is the field separator itself: keep the standard's numbering (MSH-n = fields[n]).
            segments.append(.init(name: name, fields: name == "MSH" ? [name, String(separators.field)] + fields.dropFirst() : fields, line: line))
        }
        return .success(HL7Message(separators: separators, segments: segments))
    }

    /// HL7 TS/DTM: YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]; without a zone, `defaultZone` (the lab's local time).
    public static func timestamp(_ text: String, defaultZone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!) -> Date? {
        var body = Substring(text)
        var zone = defaultZone
        if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let offset = body[body.index(after: sign)...]
            guard offset.count == 4, let hours = Int(offset.prefix(2)), let minutes = Int(offset.suffix(2)), hours < 24, minutes < 60 else { return nil }
            let seconds = (hours * 3600 + minutes * 60) * (body[sign] == "-" ? -1 : 1)
            guard let explicit = TimeZone(secondsFromGMT: seconds) else { return nil }
            zone = explicit
            body = body[..<sign]
        }
        var fraction = 0.0
        if let dot = body.firstIndex(of: ".") {
            guard let value = Double("0" + body[dot...]) else { return nil }
            fraction = value
            body = body[..<dot]
        }
        guard body.allSatisfy(\.isASCII), body.allSatisfy(\.isNumber), [4, 6, 8, 10, 12, 14].contains(body.count) else { return nil }
        let digits = Array(body)
        func part(_ from: Int, _ length: Int, default value: Int) -> Int {
            from + length <= digits.count ? Int(String(digits[from..<from + length]))! : value
        }
        var components = DateComponents()
        components.year = part(0, 4, default: 0)
        components.month = part(4, 2, default: 1)
        components.day = part(6, 2, default: 1)
        components.hour = part(8, 2, default: 0)
        components.minute = part(10, 2, default: 0)
        components.second = part(12, 2, default: 0)
        guard (1...12).contains(components.month!), (1...31).contains(components.day!), components.hour! < 24, components.minute! < 60,
              components.second! < 61 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == components.day else { return nil }
        return date.addingTimeInterval(fraction)
    }
}
