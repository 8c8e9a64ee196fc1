import Foundation

/// The EU DCC value sets (ehn-dcc-valuesets, bundled as data). The schema no longer lists codes, so the codes a
/// certificate carries are checked here.
public struct ValueSets: Sendable {
    public struct Entry: Sendable {
        public let display: String
        public let active: Bool
    }

    public let sets: [String: [String: Entry]]

    public static let bundled: ValueSets = {
        var sets: [String: [String: Entry]] = [:]
        for name in ["disease-agent-targeted", "vaccine-prophylaxis", "vaccine-medicinal-product", "vaccine-mah-manf",
                     "test-type", "test-result", "country-2-codes"] {
            guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "valuesets"),
                  let data = try? Data(contentsOf: url),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let values = object["valueSetValues"] as? [String: [String: Any]]
            else { fatalError("value set \(name) is missing from the bundle") }
            sets[name] = values.mapValues { Entry(display: $0["display"] as? String ?? "", active: $0["active"] as? Bool ?? false) }
        }
        return ValueSets(sets: sets)
    }()

    /// Which value set each coded field of an entry draws from. `t.ma` (rapid-test devices) is not checked: only
    /// an example list was published outside the EU gateway.
    static let fields: [String: String] = [
        "tg": "disease-agent-targeted", "vp": "vaccine-prophylaxis", "mp": "vaccine-medicinal-product",
        "tt": "test-type", "tr": "test-result", "co": "country-2-codes",
    ]

    /// The fields `unknownCodes` looks at, in the order it reports them (sorted once, not on every certificate).
    static let checkedFields: [(field: String, key: CBOR)] = (Array(fields.keys) + ["ma"]).sorted().map { ($0, CBOR.text($0)) }

    public func display(_ code: String, in set: String) -> String? { sets[set]?[code]?.display }

    /// The value set a field of an entry of `kind` draws from (nil for free text and unchecked fields).
    public static func set(forField field: String, of kind: CertificateKind) -> String? {
        if field == "ma" { return kind == .vaccination ? "vaccine-mah-manf" : nil }
        return fields[field]
    }

    /// How a coded field reads to a person ("COVID-19", "Not detected"); the code itself when not in a set.
    public func display(field: String, code: String, of kind: CertificateKind) -> String {
        Self.set(forField: field, of: kind).flatMap { display(code, in: $0) } ?? code
    }

    /// Codes in the payload's entry that are not in their value set, as "field: code".
    public func unknownCodes(in payload: CBOR) -> [String] {
        guard let (kind, entry) = DCCPayload.entry(of: payload) else { return [] }
        var out: [String] = []
        for (field, key) in Self.checkedFields {
            guard let set = Self.set(forField: field, of: kind), let code = entry[key]?.textValue else { continue }
            if sets[set]?[code] == nil { out.append("\(kind.payloadKey).\(field): \(code)") }
        }
        return out
    }
}
