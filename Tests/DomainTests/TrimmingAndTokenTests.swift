import Domain
import Foundation
import Testing

/// The Swift trimming agrees with Foundation's on random strings of letters, Vietnamese text, spaces of every kind
/// and line ends; random tokens and slip codes use their whole alphabets evenly and do not repeat.
@Suite struct TrimmingAndTokenTests {
    @Test func trimmingAgreesWithFoundation() {
        let pieces = ["a", "Ơ", "ễ", " ", "\t", "\u{A0}", "\u{3000}", "\u{2009}", "\n", "\r\n", "x y", "0", "\"", "-"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(text.trimmedSpaces == text.trimmingCharacters(in: .whitespaces), "\(Array(text.unicodeScalars))")
            #expect(text.trimmedWhitespace == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(text.unicodeScalars))")
        }
        #expect("  Nguyễn Văn An \t".trimmedSpaces == "Nguyễn Văn An")
        #expect(Substring("\n x \n").trimmedSpaces == "\n x \n" && Substring("\n x \n").trimmedWhitespace == "x")
    }

    /// Chi-square over the alphabet: with 63 (or 31) degrees of freedom, 130 (or 75) is far beyond p = 0.0001, so an
    /// even generator fails this about once in ten thousand runs; one that skips or favours letters fails always.
    @Test func tokensAndCodesUseTheirWholeAlphabetEvenly() {
        func chiSquare(_ text: String, alphabet: Int) -> Double {
            var counts: [Character: Int] = [:]
            for c in text { counts[c, default: 0] += 1 }
            let expected = Double(text.count) / Double(alphabet)
            #expect(counts.count == alphabet)
            return counts.values.reduce(0) { $0 + pow(Double($1) - expected, 2) / expected }
        }
        let tokens = (0..<4_000).map { _ in RandomToken.make(bytes: 16) }
        #expect(Set(tokens).count == tokens.count)
        #expect(tokens.allSatisfy { $0.count == 22 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } })
        // The 22nd character carries 2 random bits only: count the first 21.
        #expect(chiSquare(tokens.map { String($0.prefix(21)) }.joined(), alphabet: 64) < 130)
        let codes = (0..<4_000).map { _ in SlipCode.make() }
        #expect(codes.allSatisfy { SlipCode.isWellFormed($0) })
        #expect(Set(codes).count == codes.count)
        #expect(chiSquare(codes.joined(), alphabet: 32) < 75)
        #expect(RandomToken.randomBytes(13).count == 13 && RandomToken.randomBytes(0).isEmpty)
    }
}
