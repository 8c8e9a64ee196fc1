import Foundation

/// Validation of a DCC payload against the DCC JSON Schema (1.3.3, bundled as data). The schema is interpreted, not
/// translated into code, so a new schema version is a file change. Only the keywords that schema uses are known;
/// a schema with any other keyword is refused when loaded rather than silently half-checked.
public struct DCCSchema: Sendable {
    indirect enum Node: Sendable {
        case schema(Rules)
        case reference(String)
    }

    struct Rules: Sendable {
        var type: String?
        var required: [String] = []
        var properties: [String: Node] = [:]
        var items: Node?
        var minItems: Int?
        var maxItems: Int?
        var maxLength: Int?
        var minimum: Double?
        var pattern: String?
        var format: String?
        var oneOf: [Node] = []
        var anyOf: [Node] = []
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    let root: Node
    let definitions: [String: Node]
    public let version: String
    private let patterns: [String: RegexBox]

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
        var patterns: [String: RegexBox] = [:]
        func compile(_ value: Any, at path: String) throws -> Node {
            guard let object = value as? [String: Any] else { throw LoadError(description: "\(path) is not an object") }
            if let ref = object["$ref"] as? String {
                guard ref.hasPrefix("#/$defs/") else { throw LoadError(description: "\(path): only local $defs references are supported") }
                return .reference(String(ref.dropFirst("#/$defs/".count)))
            }
            var rules = Rules()
            for (key, value) in object {
                switch key {
                case "type": rules.type = value as? String
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
                    patterns[pattern] = try RegexBox(pattern)
                    rules.pattern = pattern
                case "format": rules.format = value as? String
                case "oneOf": rules.oneOf = try (value as? [Any] ?? []).enumerated().map { try compile($1, at: "\(path)/oneOf/\($0)") }
                case "anyOf": rules.anyOf = try (value as? [Any] ?? []).enumerated().map { try compile($1, at: "\(path)/anyOf/\($0)") }
                case _ where Self.annotations.contains(key): continue
                default: throw LoadError(description: "\(path): keyword \(key) is not supported")
                }
            }
            return .schema(rules)
        }
        root = try compile(object, at: "#")
        var definitions: [String: Node] = [:]
        for (name, sub) in object["$defs"] as? [String: Any] ?? [:] { definitions[name] = try compile(sub, at: "#/$defs/\(name)") }
        self.definitions = definitions
        version = (object["$comment"] as? String)?.split(separator: " ").last.map(String.init) ?? "unknown"
        self.patterns = patterns
    }

    /// The reasons `payload` does not match the schema, each with its JSON path; empty when it matches.
    public func violations(of payload: CBOR) -> [String] {
        var out: [String] = []
        check(payload, against: root, at: "$", into: &out)
        return out
    }

    private func resolve(_ node: Node) -> Rules? {
        switch node {
        case .schema(let rules): return rules
        case .reference(let name): return definitions[name].flatMap(resolve)
        }
    }

    private func check(_ value: CBOR, against node: Node, at path: String, into out: inout [String]) {
        guard let rules = resolve(node) else { out.append("\(path): schema reference missing"); return }
        if let type = rules.type, !Self.matches(value, type: type) {
            out.append("\(path): expected \(type)")
            return
        }
        if let entries = value.mapValue {
            var members: [String: CBOR] = [:]
            for entry in entries { if let key = entry.key.textValue { members[key] = entry.value } }
            for name in rules.required where members[name] == nil { out.append("\(path): \(name) is required") }
            for (name, sub) in rules.properties.sorted(by: { $0.key < $1.key }) {
                if let member = members[name] { check(member, against: sub, at: "\(path).\(name)", into: &out) }
            }
        }
        if let items = value.arrayValue {
            if let min = rules.minItems, items.count < min { out.append("\(path): at least \(min) item(s)") }
            if let max = rules.maxItems, items.count > max { out.append("\(path): at most \(max) item(s)") }
            if let itemRule = rules.items {
                for (index, item) in items.enumerated() { check(item, against: itemRule, at: "\(path)[\(index)]", into: &out) }
            }
        }
        if let text = value.textValue {
            if let max = rules.maxLength, text.unicodeScalars.count > max { out.append("\(path): longer than \(max)") }
            if let pattern = rules.pattern, let regex = patterns[pattern], !regex.matches(text) {
                out.append("\(path): does not match \(pattern)")
            }
            if let format = rules.format, !Self.matches(text, format: format) { out.append("\(path): not a valid \(format)") }
        }
        if let minimum = rules.minimum, let number = Self.number(value), number < minimum { out.append("\(path): less than \(minimum)") }
        if !rules.oneOf.isEmpty {
            let passing = rules.oneOf.filter { sub in var scratch: [String] = []; check(value, against: sub, at: path, into: &scratch); return scratch.isEmpty }
            if passing.count != 1 { out.append("\(path): must match exactly one of \(rules.oneOf.count) alternatives (matches \(passing.count))") }
        }
        if !rules.anyOf.isEmpty {
            let anyPasses = rules.anyOf.contains { sub in var scratch: [String] = []; check(value, against: sub, at: path, into: &scratch); return scratch.isEmpty }
            if !anyPasses { out.append("\(path): matches none of \(rules.anyOf.count) alternatives") }
        }
    }

    static func number(_ value: CBOR) -> Double? {
        if let n = value.intValue { return Double(n) }
        if case .double(let d) = value { return d }
        return nil
    }

    static func matches(_ value: CBOR, type: String) -> Bool {
        switch (type, value) {
        case ("object", .map): return value.mapValue!.allSatisfy { $0.key.textValue != nil }
        case ("array", .array), ("string", .text), ("boolean", .bool), ("null", .null): return true
        case ("integer", .unsigned), ("integer", .negative), ("number", .unsigned), ("number", .negative), ("number", .double): return true
        case ("integer", .double(let d)): return d.rounded() == d && d.isFinite
        default: return false
        }
    }

    /// `date` is an RFC 3339 full-date; `date-time` is the ISO 8601 form DCCs carry (the schema's own valid examples
    /// include offsets `+02` and `+0200`, so those are accepted besides RFC 3339's `+02:00` and `Z`).
    static func matches(_ text: String, format: String) -> Bool {
        switch format {
        case "date": return isDate(Substring(text))
        case "date-time":
            guard text.count >= 19, let t = text.firstIndex(of: "T") ?? text.firstIndex(of: "t"), isDate(text[..<t]) else { return false }
            let rest = text[text.index(after: t)...]
            return rest.wholeMatch(of: /([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([zZ]|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)/) != nil
        default: return true  // unknown formats are annotations (JSON Schema 2020-12 §7.2.1)
        }
    }

    static func isDate(_ text: Substring) -> Bool {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})/), let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
              (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}

/// NSRegularExpression is not Sendable; it is immutable once built, so sharing it is safe.
struct RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ pattern: String) throws { regex = try NSRegularExpression(pattern: pattern) }
    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
