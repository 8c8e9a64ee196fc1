/// Whitespace off both ends of a string, in Swift. Foundation's `trimmingCharacters(in:)` goes through NSString on
/// Linux and was a tenth of a 100,000-row list import; these answer most fields from their first and last bytes.
extension StringProtocol where UTF8View: BidirectionalCollection {
    /// Spaces and tabs (any Unicode space) trimmed, newlines kept: `trimmingCharacters(in: .whitespaces)`.
    public var trimmedSpaces: String { trimmed { $0.isWhitespace && !$0.isNewline } }

    /// Spaces, tabs and newlines trimmed: `trimmingCharacters(in: .whitespacesAndNewlines)`.
    public var trimmedWhitespace: String { trimmed(\.isWhitespace) }

    private func trimmed(_ drop: (Character) -> Bool) -> String {
        if let first = utf8.first, let last = utf8.last, (0x21..<0x80).contains(first), (0x21..<0x80).contains(last) { return String(self) }
        var s = self[...]
        while let c = s.first, drop(c) { s.removeFirst() }
        while let c = s.last, drop(c) { s.removeLast() }
        return String(s)
    }
}
