import Foundation

/// Validation of a DCC payload against the DCC JSON Schema (1.3.3, bundled as data). The schema is interpreted, not
/// translated into code, so a new schema version is a file change. Only the keywords that schema uses are known;
/// a schema with any other keyword is refused when loaded rather than silently half-checked.
public struct DCCSchema: Sendable {
    indirect enum Node: Sendable {
        case schema(Rules)
        case reference(String)
    }

    /// A class: rules are shared, never copied, while a payload is checked (a struct of collections cost a copy per
    /// visit). @unchecked: filled in while the schema is compiled, read-only once `DCCSchema.init` returns.
    final class Rules: @unchecked Sendable {
        var type: String?
        /// `type` read once at load: a payload's every value is checked against it.
        var kind: ValueKind?
        var required: [String] = []
        var properties: [String: Node] = [:]
        var items: Node?
        var minItems: Int?
        var maxItems: Int?
        var maxLength: Int?
        var minimum: Double?
        var pattern: String?
        /// The compiled pattern, held here so a check needs no lookup by the pattern's text.
        var matcher: SchemaPattern?
        var format: String?
        var oneOf: [Node] = []
        var anyOf: [Node] = []
    }

    enum ValueKind: Sendable { case object, array, string, boolean, null, integer, number, other }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    let root: Node
    let definitions: [String: Node]
    public let version: String
    private let patterns: [String: SchemaPattern]

    static let annotations: Set<String> = ["$schema", "$id", "$comment", "title", "description", "examples", "valueset-uri", "$defs"]

    /// The bundled DCC schema 1.3.3.
    public static let bundled: DCCSchema = {
        guard let url = Bundle.module.url(forResource: "DCC.combined-schema", withExtension: "json"),
              let data = try? Data(contentsOf: url), let schema = try? DCCSchema(json: data)
        else { fatalError("the bundled DCC schema is missing or unreadable") }
        return schema
    }()

    public init(json: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw LoadError(description: "the schema is not a JSON object")
        }
        var patterns: [String: SchemaPattern] = [:]
        func compile(_ value: Any, at path: String) throws -> Node {
            guard let object = value as? [String: Any] else { throw LoadError(description: "\(path) is not an object") }
            if let ref = object["$ref"] as? String {
                guard ref.hasPrefix("#/$defs/") else { throw LoadError(description: "\(path): only local $defs references are supported") }
                return .reference(String(ref.dropFirst("#/$defs/".count)))
            }
            let rules = Rules()
            for (key, value) in object {
                switch key {
                case "type":
                    rules.type = value as? String
                    rules.kind = rules.type.map(Self.kind)
                case "required": rules.required = value as? [String] ?? []
                case "properties":
                    for (name, sub) in value as? [String: Any] ?? [:] { rules.properties[name] = try compile(sub, at: "\(path)/properties/\(name)") }
                case "items": rules.items = try compile(value, at: "\(path)/items")
                case "minItems": rules.minItems = value as? Int
                case "maxItems": rules.maxItems = value as? Int
                case "maxLength": rules.maxLength = value as? Int
                case "minimum": rules.minimum = (value as? NSNumber)?.doubleValue
                case "pattern":
                    guard let pattern = value as? String else { throw LoadError(description: "\(path)/pattern is not a string") }
                    let compiled = try patterns[pattern] ?? SchemaPattern(pattern)
                    patterns[pattern] = compiled
                    rules.pattern = pattern
                    rules.matcher = compiled
                case "format": rules.format = value as? String
                case "oneOf": rules.oneOf = try (value as? [Any] ?? []).enumerated().map { try compile($1, at: "\(path)/oneOf/\($0)") }
                case "anyOf": rules.anyOf = try (value as? [Any] ?? []).enumerated().map { try compile($1, at: "\(path)/anyOf/\($0)") }
                case _ where Self.annotations.contains(key): continue
                default: throw LoadError(description: "\(path): keyword \(key) is not supported")
                }
            }
            return .schema(rules)
        }
        let compiledRoot = try compile(object, at: "#")
        var definitions: [String: Node] = [:]
        for (name, sub) in object["$defs"] as? [String: Any] ?? [:] { definitions[name] = try compile(sub, at: "#/$defs/\(name)") }
        // References point at their definitions once, here: a check then follows a pointer, not a name.
        func link(_ node: Node, _ seen: Set<String> = []) -> Node {
            guard case .reference(let name) = node, !seen.contains(name), let target = definitions[name] else { return node }
            return link(target, seen.union([name]))
        }
        var visited = Set<ObjectIdentifier>()
        func linkAll(_ node: Node) {
            guard case .schema(let rules) = node, visited.insert(ObjectIdentifier(rules)).inserted else { return }
            for (name, sub) in rules.properties { rules.properties[name] = link(sub) }
            rules.items = rules.items.map { link($0) }
            rules.oneOf = rules.oneOf.map { link($0) }
            rules.anyOf = rules.anyOf.map { link($0) }
            for sub in Array(rules.properties.values) + [rules.items].compactMap({ $0 }) + rules.oneOf + rules.anyOf { linkAll(sub) }
        }
        let linkedRoot = link(compiledRoot)
        linkAll(linkedRoot)
        for node in definitions.values { linkAll(link(node)) }
        self.root = linkedRoot
        self.definitions = definitions
        version = (object["$comment"] as? String)?.split(separator: " ").last.map(String.init) ?? "unknown"
        self.patterns = patterns
    }

    /// The reasons `payload` does not match the schema, each with its JSON path; empty when it matches.
    public func violations(of payload: CBOR) -> [String] {
        var out: [String] = []
        var path: [PathStep] = []
        path.reserveCapacity(8)
        check(payload, against: root, path: &path, into: &out)
        return out
    }

    private func resolve(_ node: Node) -> Rules? {
        switch node {
        case .schema(let rules): return rules
        case .reference(let name): return definitions[name].flatMap(resolve)
        }
    }

    /// The path is a stack of components, turned into text only when something fails (the common case, a valid
    /// certificate, builds no strings).
    enum PathStep { case key(String), index(Int) }

    private static func text(_ path: [PathStep]) -> String {
        "$" + path.map { step in
            switch step {
            case .key(let name): "." + name
            case .index(let index): "[\(index)]"
            }
        }.joined()
    }

    private func check(_ value: CBOR, against node: Node, path: inout [PathStep], into out: inout [String]) {
        guard let rules = resolve(node) else { out.append("\(Self.text(path)): schema reference missing"); return }
        if let type = rules.type, let kind = rules.kind, !Self.matches(value, kind: kind) {
            out.append("\(Self.text(path)): expected \(type)")
            return
        }
        if case .map(let entries) = value {
            for name in rules.required where !entries.contains(where: { $0.key.textValue == name }) {
                out.append("\(Self.text(path)): \(name) is required")
            }
            if !rules.properties.isEmpty {
                for entry in entries {
                    guard let key = entry.key.textValue, let sub = rules.properties[key] else { continue }
                    path.append(.key(key))
                    check(entry.value, against: sub, path: &path, into: &out)
                    path.removeLast()
                }
            }
        }
        if case .array(let items) = value {
            if let min = rules.minItems, items.count < min { out.append("\(Self.text(path)): at least \(min) item(s)") }
            if let max = rules.maxItems, items.count > max { out.append("\(Self.text(path)): at most \(max) item(s)") }
            if let itemRule = rules.items {
                for (index, item) in items.enumerated() {
                    path.append(.index(index))
                    check(item, against: itemRule, path: &path, into: &out)
                    path.removeLast()
                }
            }
        }
        if case .text(let text) = value {
            if let max = rules.maxLength, text.utf8.count > max, text.unicodeScalars.count > max { out.append("\(Self.text(path)): longer than \(max)") }
            if let pattern = rules.pattern, let matcher = rules.matcher, !matcher.matches(text) {
                out.append("\(Self.text(path)): does not match \(pattern)")
            }
            if let format = rules.format, !Self.matches(text, format: format) { out.append("\(Self.text(path)): not a valid \(format)") }
        }
        if let minimum = rules.minimum, let number = Self.number(value), number < minimum { out.append("\(Self.text(path)): less than \(minimum)") }
        if !rules.oneOf.isEmpty {
            let passing = rules.oneOf.filter { passes(value, $0) }.count
            if passing != 1 { out.append("\(Self.text(path)): must match exactly one of \(rules.oneOf.count) alternatives (matches \(passing))") }
        }
        if !rules.anyOf.isEmpty, !rules.anyOf.contains(where: { passes(value, $0) }) {
            out.append("\(Self.text(path)): matches none of \(rules.anyOf.count) alternatives")
        }
    }

    private func passes(_ value: CBOR, _ node: Node) -> Bool {
        var scratch: [String] = [], path: [PathStep] = []
        check(value, against: node, path: &path, into: &scratch)
        return scratch.isEmpty
    }

    static func number(_ value: CBOR) -> Double? {
        if let n = value.intValue { return Double(n) }
        if case .double(let d) = value { return d }
        return nil
    }

    static func kind(_ type: String) -> ValueKind {
        switch type {
        case "object": .object
        case "array": .array
        case "string": .string
        case "boolean": .boolean
        case "null": .null
        case "integer": .integer
        case "number": .number
        default: .other
        }
    }

    static func matches(_ value: CBOR, type: String) -> Bool { matches(value, kind: kind(type)) }

    static func matches(_ value: CBOR, kind: ValueKind) -> Bool {
        switch (kind, value) {
        case (.object, .map(let entries)): return entries.allSatisfy { $0.key.textValue != nil }
        case (.array, .array), (.string, .text), (.boolean, .bool), (.null, .null): return true
        case (.integer, .unsigned), (.integer, .negative), (.number, .unsigned), (.number, .negative), (.number, .double): return true
        case (.integer, .double(let d)): return d.rounded() == d && d.isFinite
        default: return false
        }
    }

    /// `date` is an RFC 3339 full-date; `date-time` is the ISO 8601 form DCCs carry (the schema's own valid examples
    /// include offsets `+02` and `+0200`, so those are accepted besides RFC 3339's `+02:00` and `Z`).
    static func matches(_ text: String, format: String) -> Bool {
        let bytes = Array(text.utf8)
        switch format {
        case "date": return bytes.count == 10 && isDate(bytes[...])
        case "date-time":
            // YYYY-MM-DDThh:mm:ss[.fraction](Z | ±hh[[:]mm]); written by hand: a Swift Regex literal is compiled
            // on every call, which cost more than the signature check (docs/performance.md).
            guard bytes.count >= 20, isDate(bytes[0..<10]), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
                  let hour = number(bytes[11..<13]), hour < 24, bytes[13] == UInt8(ascii: ":"),
                  let minute = number(bytes[14..<16]), minute < 60, bytes[16] == UInt8(ascii: ":"),
                  let second = number(bytes[17..<19]), second <= 60
            else { return false }
            var index = 19
            if bytes[index] == UInt8(ascii: ".") {
                index += 1
                let digits = index
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                guard index > digits, index < bytes.count else { return false }
            }
            let zone = bytes[index...]
            if zone.count == 1 { return zone.first == UInt8(ascii: "Z") || zone.first == UInt8(ascii: "z") }
            guard let sign = zone.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return false }
            let rest = Array(zone.dropFirst())
            guard rest.count >= 2, let offsetHours = number(rest[0..<2]), offsetHours < 24 else { return false }
            switch rest.count {
            case 2: return true
            case 4: return number(rest[2..<4]).map { $0 < 60 } ?? false
            case 5: return rest[2] == UInt8(ascii: ":") && (number(rest[3..<5]).map { $0 < 60 } ?? false)
            default: return false
            }
        default: return true  // unknown formats are annotations (JSON Schema 2020-12 §7.2.1)
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return digits.isEmpty ? nil : value
    }

    /// An RFC 3339 full-date YYYY-MM-DD that exists in the calendar.
    static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let s = bytes.startIndex
        guard bytes.count == 10, bytes[s + 4] == UInt8(ascii: "-"), bytes[s + 7] == UInt8(ascii: "-"),
              let year = number(bytes[s..<s + 4]), let month = number(bytes[s + 5..<s + 7]), let day = number(bytes[s + 8..<s + 10]),
              (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return day <= (month == 2 ? (leap ? 29 : 28) : monthDays[month - 1])
    }

    private static let monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
}
