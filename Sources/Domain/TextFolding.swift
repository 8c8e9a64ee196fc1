import Foundation

/// Search in Vietnamese ignores diacritics and case: "nguyen van an" finds "Nguyễn Văn An".
public enum TextFolding {
    /// Made once: building a Locale per call cost more than the folding itself.
    private static let vietnamese = Locale(identifier: "vi_VN")

    /// Lower-cased, without combining marks, with đ/Đ as d, and runs of white space collapsed.
    public static func fold(_ text: String) -> String {
        let stripped = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: vietnamese)
        var out = ""
        out.reserveCapacity(stripped.count)
        var lastWasSpace = true
        for ch in stripped {
            if ch.isWhitespace {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
                continue
            }
            lastWasSpace = false
            switch ch {
            case "đ", "Đ": out.append("d")
            default: out.append(contentsOf: ch.lowercased())
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return out
    }
}
