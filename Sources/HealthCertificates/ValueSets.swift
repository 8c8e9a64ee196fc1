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

    public func display(_ code: String, in set: String) -> String? { sets[set]?[code]?.display }

    /// Codes in the payload's entry that are not in their value set, as "field: code".
    public func unknownCodes(in payload: CBOR) -> [String] {
        guard let (kind, entry) = DCCPayload.entry(of: payload) else { return [] }
        var out: [String] = []
        var fields = Self.fields
        if kind == .vaccination { fields["ma"] = "vaccine-mah-manf" }
        for (field, set) in fields.sorted(by: { $0.key < $1.key }) {
            guard let code = entry[.text(field)]?.textValue else { continue }
            if sets[set]?[code] == nil { out.append("\(kind.payloadKey).\(field): \(code)") }
        }
        return out
    }
}
