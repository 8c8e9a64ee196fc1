import Domain
import Foundation
import Testing

/// The CSV writer scans bytes; this holds it to the rules written with characters (the reference below), and to the
/// parser: what it writes reads back field for field.
@Suite struct CSVWriterTests {
    /// The rule, written with characters: guard = + - @ unless a number, quote when a comma, quote or line end appears.
    static func reference(_ fields: [String]) -> String {
        func field(_ raw: String) -> String {
            var value = raw
            if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
            // "\r\n" is one Character in Swift, equal to neither "\r" nor "\n": the first writer, which compared characters,
            // left such fields unquoted (a broken file); this test found it.
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return fields.map(field).joined(separator: ",") + "\r\n"
    }

    @Test func randomFieldsAreWrittenAsTheCharacterRuleSaysAndReadBack() throws {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["Nguyễn", "Thị", "Ánh", "ơ", "ư", "Đ", " ", ",", "\"", "\n", "\r\n", "=", "+", "-", "@", "1", "2.5", "0", "'", ";", "a", "€", "𝔸", ""]
        for _ in 0..<5_000 {
            let fields = (0..<Int.random(in: 1...6, using: &rng)).map { _ in
                (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            }
            let written = CSV.line(fields)
            #expect(written == Self.reference(fields), "\(fields)")
            let back = try CSV.parse(written).first?.fields ?? [""]
            let expected = fields.map { f in
                f.first.map { "=+-@".contains($0) } == true && Double(f) == nil ? "'" + f : f
            }
            #expect(back == expected, "\(fields) → \(written.debugDescription)")
        }
        #expect(CSV.line(["-12", "-x", "=SUM(A1)", "a,b", "say \"hi\""]) == "-12,'-x,'=SUM(A1),\"a,b\",\"say \"\"hi\"\"\"\r\n")
    }
}
