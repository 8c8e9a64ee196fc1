import Foundation

/// How a person names themselves at a check-in or a declaration: an identity document number, a phone number,
/// or the token of their personal QR code. Normalised so that the same person is found again.
public enum PersonIdentity {
    /// CCCD (12 digits), CMND (9 digits) or a passport number (a letter and 7–8 digits, or 8–9 alphanumerics).
    public static func normalisedIDNumber(_ raw: String) -> String? {
        let s = raw.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        guard (8...12).contains(s.count), s.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }) else { return nil }
        if s.allSatisfy(\.isNumber) { return s.count == 12 || s.count == 9 ? s : nil }
        return s.count <= 9 ? s : nil
    }

    /// Vietnamese numbers as 0 + 9 digits: "+84 912 345 678", "84912345678" and "0912.345.678" are one number.
    public static func normalisedPhone(_ raw: String) -> String? {
        var digits = raw.filter { $0.isASCII && $0.isNumber }
        if raw.trimmedSpaces.hasPrefix("+") || (digits.hasPrefix("84") && digits.count == 11) {
            guard digits.hasPrefix("84") else { return nil }
            digits = "0" + digits.dropFirst(2)
        }
        guard digits.count == 10, digits.hasPrefix("0"), digits.dropFirst().first != "0" else { return nil }
        return digits
    }
}
