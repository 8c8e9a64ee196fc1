/// Text for XML documents we write (spreadsheets, SVG): markup escaped, and characters XML 1.0 forbids dropped, so a
/// stray control character in a name cannot make a document unreadable.
public enum XMLText {
    public static func escape(_ text: String) -> String {
        if isPlain(text) { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Nothing to escape or drop: no markup character, no control character but tab and line ends, no U+FFFE/FFFF
    /// (UTF-8 EF BF BE/BF). Checked on the bytes: most names and figures are plain, and exports write millions.
    static func isPlain(_ text: String) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            switch byte {
            case 0x26, 0x3C, 0x3E, 0x22: return false
            case 0x09, 0x0A, 0x0D: break
            case ..<0x20: return false
            case 0xBE, 0xBF where previous == (0xEF, 0xBF): return false
            default: break
            }
            previous = (previous.1, byte)
        }
        return true
    }
}
