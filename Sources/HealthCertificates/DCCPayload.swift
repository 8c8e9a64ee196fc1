import Foundation

/// Building and reading the DCC payload (`{ver, nam, dob, v|t|r: [entry]}`) and its CWT envelope.
public enum DCCPayload {
    public static let schemaVersion = "1.3.3"
    public static let covid19 = "840539006"

    public struct Person: Sendable {
        public var surname: String
        public var givenNames: String
        /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or "".
        public var dateOfBirth: String

        public init(surname: String, givenNames: String, dateOfBirth: String) {
            self.surname = surname
            self.givenNames = givenNames
            self.dateOfBirth = dateOfBirth
        }
    }

    public static func payload(person: Person, kind: CertificateKind, entry: [(String, CBOR)]) -> CBOR {
        var name: [(key: CBOR, value: CBOR)] = []
        if !person.surname.isEmpty {
            name.append((.text("fn"), .text(String(person.surname.prefix(80)))))
            name.append((.text("fnt"), .text(NameTransliteration.icao(person.surname))))
        }
        if !person.givenNames.isEmpty {
            name.append((.text("gn"), .text(String(person.givenNames.prefix(80)))))
            name.append((.text("gnt"), .text(NameTransliteration.icao(person.givenNames))))
        }
        return .map([
            (.text("ver"), .text(schemaVersion)),
            (.text("nam"), .map(name)),
            (.text("dob"), .text(person.dateOfBirth)),
            (.text(kind.payloadKey), .array([.map(entry.map { (CBOR.text($0.0), $0.1) })])),
        ])
    }

    /// A test entry (`t`): NAAT (`LP6464-4`) or rapid antigen (`LP217198-3`), result `260415000` not detected /
    /// `260373001` detected.
    public static func testEntry(type: String, name: String?, device: String?, sampledAt: Date, result: String, centre: String,
                                 country: String = "VN", issuer: String, uvci: String) -> [(String, CBOR)] {
        var entry: [(String, CBOR)] = [("tg", .text(covid19)), ("tt", .text(type))]
        if let name { entry.append(("nm", .text(String(name.prefix(80))))) }
        if let device { entry.append(("ma", .text(device))) }
        entry += [("sc", .text(rfc3339(sampledAt))), ("tr", .text(result)), ("tc", .text(String(centre.prefix(80)))),
                  ("co", .text(country)), ("is", .text(String(issuer.prefix(80)))), ("ci", .text(uvci))]
        return entry
    }

    /// A recovery entry (`r`): first positive NAAT date, valid from/until (dates `YYYY-MM-DD`).
    public static func recoveryEntry(firstPositive: String, validFrom: String, validUntil: String, country: String = "VN",
                                     issuer: String, uvci: String) -> [(String, CBOR)] {
        [("tg", .text(covid19)), ("fr", .text(firstPositive)), ("co", .text(country)), ("is", .text(String(issuer.prefix(80)))),
         ("df", .text(validFrom)), ("du", .text(validUntil)), ("ci", .text(uvci))]
    }

    /// A vaccination entry (`v`).
    public static func vaccinationEntry(prophylaxis: String, product: String, manufacturer: String, dose: Int, series: Int,
                                        date: String, country: String = "VN", issuer: String, uvci: String) -> [(String, CBOR)] {
        [("tg", .text(covid19)), ("vp", .text(prophylaxis)), ("mp", .text(product)), ("ma", .text(manufacturer)),
         ("dn", .int(Int64(dose))), ("sd", .int(Int64(series))), ("dt", .text(date)), ("co", .text(country)),
         ("is", .text(String(issuer.prefix(80)))), ("ci", .text(uvci))]
    }

    /// The holder's name as written (`fn gn`), for people to read.
    public static func holderName(of payload: CBOR) -> String {
        let name = payload[.text("nam")]
        return [name?[.text("fn")]?.textValue, name?[.text("gn")]?.textValue].compactMap { $0 }.joined(separator: " ")
    }

    /// The single entry of a payload with exactly one of v/t/r holding one entry; nil otherwise.
    public static func entry(of payload: CBOR) -> (CertificateKind, CBOR)? {
        let present = CertificateKind.allCases.filter { payload[.text($0.payloadKey)] != nil }
        guard present.count == 1, let kind = present.first, let items = payload[.text(kind.payloadKey)]?.arrayValue,
              items.count == 1 else { return nil }
        return (kind, items[0])
    }

    /// The CWT claims map: iss (1), iat (6), exp (4), hcert (−260) → {1: payload}.
    public static func claims(payload: CBOR, issuer: String, issuedAt: Date, expiresAt: Date) -> CBOR {
        .map([
            (.unsigned(1), .text(issuer)),
            (.unsigned(6), .int(Int64(issuedAt.timeIntervalSince1970.rounded(.down)))),
            (.unsigned(4), .int(Int64(expiresAt.timeIntervalSince1970.rounded(.down)))),
            (.int(-260), .map([(.unsigned(1), payload)])),
        ])
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension CBOR {
    /// From a Foundation JSON object (JSONSerialization output): numbers that are integral become integers.
    public init?(json: Any) {
        switch json {
        case let text as String: self = .text(text)
        case let number as NSNumber:
            // JSONSerialization gives booleans as NSNumber too; their type code is "c".
            if String(cString: number.objCType) == "c" { self = .bool(number.boolValue); return }
            let double = number.doubleValue
            if double.rounded() == double, abs(double) < 9e15 { self = .int(Int64(double)) } else { self = .double(double) }
        case let array as [Any]:
            var items: [CBOR] = []
            for item in array { guard let value = CBOR(json: item) else { return nil }; items.append(value) }
            self = .array(items)
        case let object as [String: Any]:
            var entries: [(key: CBOR, value: CBOR)] = []
            for (key, item) in object.sorted(by: { $0.key < $1.key }) {
                guard let value = CBOR(json: item) else { return nil }
                entries.append((.text(key), value))
            }
            self = .map(entries)
        case is NSNull: self = .null
        default: return nil
        }
    }

    /// To a Foundation JSON object; byte strings become base64, non-text map keys their description.
    public var jsonObject: Any {
        switch self {
        case .unsigned(let n): return NSNumber(value: n)
        case .negative: return NSNumber(value: intValue ?? Int64.min)
        case .bytes(let b): return Data(b).base64EncodedString()
        case .text(let s): return s
        case .array(let items): return items.map(\.jsonObject)
        case .map(let entries):
            var object: [String: Any] = [:]
            for entry in entries { object[entry.key.textValue ?? "\(entry.key.intValue ?? 0)"] = entry.value.jsonObject }
            return object
        case .tagged(_, let value): return value.jsonObject
        case .bool(let b): return b
        case .null, .undefined: return NSNull()
        case .double(let d): return d
        }
    }
}
