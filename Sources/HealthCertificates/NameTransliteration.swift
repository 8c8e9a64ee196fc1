import Domain
import Foundation

/// Names for the DCC: `fn`/`gn` as written, `fnt`/`gnt` in the ICAO 9303 machine-readable form (`^[A-Z<]*$`).
public enum NameTransliteration {
    /// ICAO 9303 part 3 §6: diacritics dropped (Vietnamese has no letter ICAO spells out otherwise; Đ is D),
    /// spaces and hyphens become `<`, apostrophes and other punctuation vanish, at most 80 characters.
    public static func icao(_ name: String) -> String {
        var out = ""
        for character in TextFolding.fold(name).uppercased() {
            switch character {
            case "A"..."Z": out.append(character)
            case " ", "-": if !out.isEmpty, out.last != "<" { out.append("<") }
            default: continue
            }
        }
        while out.last == "<" { out.removeLast() }
        return String(out.prefix(80))
    }

    /// Splits a Vietnamese full name (family name first, "Nguyễn Văn An") into surname and given names.
    public static func split(fullName: String) -> (surname: String, given: String) {
        let parts = fullName.split(whereSeparator: \.isWhitespace)
        guard let first = parts.first else { return ("", "") }
        return (String(first), parts.dropFirst().joined(separator: " "))
    }
}

/// The unique certificate identifier: `URN:UVCI:01:VN:<opaque id>#<check>` with the Luhn mod N check character over
/// the whole string in the 38-character set `A–Z 0–9 / :` (eHN UVCI guidelines; the Austrian examples in the DCC
/// test data check out this way).
public enum UVCI {
    static let checksumAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:")

    public static func make(country: String = "VN", opaque: String) -> String {
        let body = "URN:UVCI:01:\(country):\(opaque.uppercased())"
        return "\(body)#\(checkCharacter(body)!)"
    }

    /// A new identifier: 32 hexadecimal digits of randomness, as Viet Nam's national certificates use. Drawn again
    /// when the check character would be `/`, so that the identifier is one URL path segment.
    public static func random(country: String = "VN") -> String {
        while true {
            let hex = Hex.string((0..<16).map { _ in UInt8.random(in: 0...255) }, uppercase: true)
            let uvci = make(country: country, opaque: hex)
            if !uvci.hasSuffix("/") { return uvci }
        }
    }

    /// The identifier as a URL path segment: `#` (the check character's mark) must not start a fragment.
    public static func pathSegment(_ uvci: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/#?")
        return uvci.addingPercentEncoding(withAllowedCharacters: allowed) ?? uvci
    }

    /// The identifier from a URL path segment (decoded whether or not the client encoded it).
    public static func fromPath(_ segment: String) -> String { segment.removingPercentEncoding ?? segment }

    /// Luhn mod N; nil when a character is outside the set.
    public static func checkCharacter(_ text: String) -> Character? {
        let n = checksumAlphabet.count
        var factor = 2
        var sum = 0
        for character in text.reversed() {
            guard let index = checksumAlphabet.firstIndex(of: character) else { return nil }
            let addend = index * factor
            factor = factor == 2 ? 1 : 2
            sum += addend / n + addend % n
        }
        return checksumAlphabet[(n - sum % n) % n]
    }

    /// Whether `uvci` has a check character and it is right (identifiers without one are not judged here).
    public static func hasValidCheck(_ uvci: String) -> Bool {
        guard let hash = uvci.lastIndex(of: "#"), uvci.index(after: hash) < uvci.endIndex else { return false }
        return checkCharacter(String(uvci[..<hash])) == uvci[uvci.index(after: hash)] && uvci.index(hash, offsetBy: 2) == uvci.endIndex
    }
}
