import Domain
import Foundation
@testable import HealthCertificates
import Testing

@Suite struct CBORTests {
    /// RFC 8949 Appendix A: value → encoding.
    static let appendixA: [(CBOR, String)] = [
        (.unsigned(0), "00"), (.unsigned(23), "17"), (.unsigned(24), "1818"), (.unsigned(100), "1864"),
        (.unsigned(1000), "1903e8"), (.unsigned(1_000_000), "1a000f4240"), (.unsigned(1_000_000_000_000), "1b000000e8d4a51000"),
        (.unsigned(UInt64.max), "1bffffffffffffffff"), (.negative(UInt64.max), "3bffffffffffffffff"),
        (.int(-1), "20"), (.int(-10), "29"), (.int(-100), "3863"), (.int(-1000), "3903e7"),
        (.double(1.1), "fb3ff199999999999a"), (.bool(false), "f4"), (.bool(true), "f5"), (.null, "f6"), (.undefined, "f7"),
        (.tagged(1, .unsigned(1_363_896_240)), "c11a514b67b0"), (.bytes([]), "40"), (.bytes([1, 2, 3, 4]), "4401020304"),
        (.text(""), "60"), (.text("a"), "6161"), (.text("IETF"), "6449455446"), (.text("\"\\"), "62225c"),
        (.text("ü"), "62c3bc"), (.text("水"), "63e6b0b4"), (.text("𐅑"), "64f0908591"),
        (.array([]), "80"), (.array([.unsigned(1), .unsigned(2), .unsigned(3)]), "83010203"),
        (.array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])]), "8301820203820405"),
        (.array((1...25).map { .unsigned(UInt64($0)) }), "98190102030405060708090a0b0c0d0e0f101112131415161718181819"),
        (.map([]), "a0"), (.map([(.unsigned(1), .unsigned(2)), (.unsigned(3), .unsigned(4))]), "a201020304"),
        (.map([(.text("a"), .unsigned(1)), (.text("b"), .array([.unsigned(2), .unsigned(3)]))]), "a26161016162820203"),
    ]

    @Test func appendixAEncodesAndDecodes() throws {
        for (value, hex) in Self.appendixA {
            #expect(hexString(value.encoded()) == hex, "\(value)")
            #expect(try CBORDecoder.decode(bytes(hex)) == value, "\(hex)")
        }
    }

    /// Appendix A's indefinite-length items decode (DCCs from some issuers use them: test vector CO6).
    @Test func indefiniteLengthsDecode() throws {
        #expect(try CBORDecoder.decode(bytes("5f42010243030405ff")) == .bytes([1, 2, 3, 4, 5]))
        #expect(try CBORDecoder.decode(bytes("7f657374726561646d696e67ff")) == .text("streaming"))
        #expect(try CBORDecoder.decode(bytes("9f018202039f0405ffff")) ==
            .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])]))
        #expect(try CBORDecoder.decode(bytes("bf61610161629f0203ffff")) ==
            .map([(.text("a"), .unsigned(1)), (.text("b"), .array([.unsigned(2), .unsigned(3)]))]))
        #expect(try CBORDecoder.decode(bytes("f93c00")) == .double(1.0))
        #expect(try CBORDecoder.decode(bytes("fa47c35000")) == .double(100000.0))
    }

    @Test func deterministicMapOrder() {
        let shuffled = CBOR.map([(.text("bb"), .unsigned(1)), (.int(-1), .unsigned(2)), (.unsigned(10), .unsigned(3)), (.text("a"), .unsigned(4))])
        // Bytewise lexicographic order of the encoded keys: 0x0a, 0x20, 0x61 61, 0x62 62 62.
        #expect(hexString(shuffled.encoded()) == "a40a0320026161046262620" + "1")
    }

    @Test func strictDecoderRefusesWhatDCCsNeverContain() {
        let cases: [(String, CBORDecoder.Failure)] = [
            ("0000", .trailingBytes(offset: 1)),
            ("1c", .reserved(offset: 0)),
            ("1f", .indefiniteNotAllowed(offset: 0)),
            ("df00", .indefiniteNotAllowed(offset: 0)),
            ("ff", .reserved(offset: 0)),
            ("5f6161ff", .badChunk(offset: 1)),
            ("62c328", .invalidUTF8(offset: 0)),
            ("a201020103", .duplicateKey(offset: 3)),
            ("9a ffffffff 00".replacingOccurrences(of: " ", with: ""), .truncated(offset: 5)),
            ("5b 00000000ffffffff".replacingOccurrences(of: " ", with: ""), .truncated(offset: 9)),
            ("1a0001", .truncated(offset: 3)),
            ("f0", .unsupportedSimple(offset: 0)),
        ]
        for (hex, expected) in cases {
            #expect(throws: expected, "\(hex)") { try CBORDecoder.decode(bytes(hex)) }
        }
    }

    /// Text strings are accepted exactly when the standard library's validating initialiser accepts their bytes —
    /// including invalid sequences whose repair would keep the byte count (a truncated 4-byte sequence is 3 bytes,
    /// as is the U+FFFD that replaces it).
    @Test func textValidationAgreesWithTheStandardLibrary() throws {
        var samples: [[UInt8]] = [[0xF0, 0x90, 0x80], [0xF0, 0x90, 0x80, 0x41], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xEF, 0xBF, 0xBD],
                                  [0xF4, 0x90, 0x80, 0x80], Array("Nguyễn Văn Ánh".utf8), [], [0x80], [0xE1, 0xBB]]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            samples.append((0..<Int.random(in: 1...6, using: &random)).map { _ in
                Bool.random(using: &random) ? UInt8.random(in: 0x80...0xFF, using: &random) : UInt8.random(in: 0...0xFF, using: &random)
            })
        }
        for sample in samples {
            let item = [UInt8(0x60 | sample.count)] + sample
            let expected = String(validating: sample, as: UTF8.self)
            if let expected {
                #expect(try CBORDecoder.decode(item) == .text(expected), "\(hexString(sample))")
            } else {
                #expect(throws: CBORDecoder.Failure.invalidUTF8(offset: 0), "\(hexString(sample))") { try CBORDecoder.decode(item) }
            }
        }
    }

    @Test func nestingIsCapped() {
        let deep = [UInt8](repeating: 0x81, count: 1000) + [0x00]
        #expect(throws: CBORDecoder.Failure.tooDeep(limit: CBORDecoder.defaultMaxDepth)) { try CBORDecoder.decode(deep) }
        let shallow = [UInt8](repeating: 0x81, count: 20) + [0x00]
        #expect((try? CBORDecoder.decode(shallow)) != nil)
    }

    /// Random items survive encode → decode (cbor2, which we did not write, reads what we issue: IssuingTests).
    @Test func randomRoundTrips() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let value = Self.randomItem(depth: 0, using: &random)
            #expect(try CBORDecoder.decode(value.encoded()) == value)
        }
    }

    static func randomItem(depth: Int, using random: inout SystemRandomNumberGenerator) -> CBOR {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &random) {
        case 0: return .unsigned(UInt64.random(in: 0...UInt64.max >> UInt64.random(in: 0...63, using: &random), using: &random))
        case 1: return .negative(UInt64.random(in: 0...70000, using: &random))
        case 2: return .text(String((0..<Int.random(in: 0...30, using: &random)).map { _ in "aăâđêôơưNguyễn水𐅑 ".randomElement(using: &random)! }))
        case 3: return .bytes((0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        case 4: return [CBOR.bool(true), .bool(false), .null, .double(Double.random(in: -1e6...1e6, using: &random))].randomElement(using: &random)!
        case 5: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in randomItem(depth: depth + 1, using: &random) })
        case 6:
            var keys = Set<CBOR>()
            var entries: [(key: CBOR, value: CBOR)] = []
            for index in 0..<Int.random(in: 0...5, using: &random) {
                let key: CBOR = index % 2 == 0 ? .int(Int64.random(in: -300...300, using: &random)) : .text("k\(index)")
                if keys.insert(key).inserted { entries.append((key, randomItem(depth: depth + 1, using: &random))) }
            }
            return .map(entries)
        default: return .tagged(UInt64.random(in: 0...100, using: &random), randomItem(depth: depth + 1, using: &random))
        }
    }
}

@Suite struct Base45Tests {
    /// RFC 9285 §4.
    @Test func rfcExamples() throws {
        #expect(Base45.encode(Array("AB".utf8)) == "BB8")
        #expect(Base45.encode(Array("Hello!!".utf8)) == "%69 VD92EX0")
        #expect(Base45.encode(Array("base-45".utf8)) == "UJCLQE7W581")
        #expect(try Base45.decode("QED8WEX0") == Array("ietf!".utf8))
    }

    @Test func strictness() {
        #expect(throws: Base45.Failure.invalidLength(4)) { try Base45.decode("QED8") }
        #expect(throws: Base45.Failure.invalidCharacter(offset: 1)) { try Base45.decode("Qed") }
        #expect(throws: Base45.Failure.valueTooLarge(offset: 0)) { try Base45.decode("GGW") }  // 16 + 16·45 + 32·2025 = 65536
        #expect(throws: Base45.Failure.valueTooLarge(offset: 0)) { try Base45.decode(":::") }
    }

    @Test func roundTripsEveryLength() throws {
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            #expect(try Base45.decode(Base45.encode(bytes)) == bytes)
        }
    }
}

@Suite struct ZlibTests {
    @Test func roundTripAndDefences() throws {
        let text = Array(String(repeating: "Sở Y tế Đồng Nai ", count: 50).utf8)
        let compressed = Zlib.compress(text)
        #expect(try Zlib.decompress(compressed) == text)
        #expect(throws: Zlib.Failure.corrupt) { try Zlib.decompress(Array(compressed.dropLast(6))) }
        #expect(throws: Zlib.Failure.corrupt) { try Zlib.decompress(compressed + [0]) }
        #expect(throws: Zlib.Failure.notZlib) { try Zlib.decompress(text) }
        // A bomb (zlib's own: 10 MB of zeros in ~10 KB); expansion stops at the cap.
        let bomb = try ReferenceZlib.compress([UInt8](repeating: 0, count: 10_000_000))
        #expect(bomb.count < 20_000)
        #expect(throws: Zlib.Failure.tooLarge(limit: Zlib.defaultLimit)) { try Zlib.decompress(bomb) }
    }
}

@Suite struct NameAndIdentifierTests {
    @Test func icaoTransliteration() {
        #expect(NameTransliteration.icao("Nguyễn") == "NGUYEN")
        #expect(NameTransliteration.icao("Văn  Đức-Anh") == "VAN<DUC<ANH")
        #expect(NameTransliteration.icao("Trần Thị Ngọc Ánh") == "TRAN<THI<NGOC<ANH")
        #expect(NameTransliteration.icao("d'Červenková Panklová") == "DCERVENKOVA<PANKLOVA")  // the schema's example
        #expect(NameTransliteration.icao(String(repeating: "Ân ", count: 40)).count == 80)
        #expect(NameTransliteration.split(fullName: "Nguyễn Văn An") == ("Nguyễn", "Văn An"))
    }

    /// The Austrian UVCIs in the DCC value-set examples carry check characters that this algorithm reproduces.
    @Test func uvciCheckCharacters() {
        for uvci in ["URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B", "URN:UVCI:01:AT:858CC18CFCF5965EF82F60E493349AA5#K",
                     "URN:UVCI:01:AT:B5921A35D6A0D696421B3E2462178297#I"] {
            #expect(UVCI.hasValidCheck(uvci), "\(uvci)")
            #expect(!UVCI.hasValidCheck(String(uvci.dropLast()) + "A"))
        }
        let fresh = UVCI.random()
        #expect(fresh.hasPrefix("URN:UVCI:01:VN:"))
        #expect(fresh.count == "URN:UVCI:01:VN:".count + 32 + 2)
        #expect(UVCI.hasValidCheck(fresh))
        // Every identifier is one URL path segment, and its path form (with %23 for #) reads back.
        for _ in 0..<2000 {
            let uvci = UVCI.random()
            #expect(!uvci.hasSuffix("/"))
            #expect(!UVCI.pathSegment(uvci).contains("#") && !UVCI.pathSegment(uvci).contains("/"))
            #expect(UVCI.fromPath(UVCI.pathSegment(uvci)) == uvci)
        }
    }
}

func bytes(_ hex: String) -> [UInt8] { Hex.decode(hex)! }
func hexString(_ bytes: [UInt8]) -> String { Hex.string(bytes) }

@Suite struct SchemaPatternTests {
    /// Our pattern matcher agrees with Foundation's NSRegularExpression (ICU, which we did not write) on the DCC
    /// schema's patterns and a few more of the same subset, over random and edge-case strings.
    @Test func agreesWithNSRegularExpression() throws {
        let patterns = [#"^\d+.\d+.\d+$"#, #"^((19|20)\d\d(-\d\d){0,2}){0,1}$"#, "^[A-Z<]*$", "[A-Z]{1,10}", "a(b|cd)+e?", "^x{2,3}$",
                        #"[^0-9]\.[a-c-]"#, "^(a|b)*$", "x*", "^$", "^a?", "b?$", "(a|^b)c", "a$|b", "^x{0,70}$", "(ab){2,}c|Z"]
        let alphabet = Array("0123456789.-<ABCZabcdexX9 \u{1EA0}")
        var random = SystemRandomNumberGenerator()
        for pattern in patterns {
            let ours = try SchemaPattern(pattern)
            let icu = try NSRegularExpression(pattern: pattern)
            var samples = ["", "1.3.3", "1964", "1964-01", "1964-01-01", "2100", "1899", "NGUYEN<VAN<AN", "nguyen", "abcde", "xx", "xxxx", "a.b"]
            for _ in 0..<400 {
                samples.append(String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
            }
            samples += ["ab", "ba", "bc", "abab", "ababc", "aZ", String(repeating: "x", count: 70), String(repeating: "x", count: 71)]
            for text in samples {
                let expected = icu.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(ours.matches(text) == expected, "\(pattern) on \(text)")
                #expect(ours.backtrackingMatches(text) == expected, "\(pattern) on \(text), backtracking")
            }
        }
        // The schema's own patterns all run on the one-pass automaton; inner anchors and more than 64 positions do not.
        for pattern in patterns.prefix(4) { #expect(try SchemaPattern(pattern).automaton != nil, "\(pattern)") }
        #expect(try SchemaPattern("(a|^b)c").automaton == nil)
        #expect(try SchemaPattern("a$|b").automaton == nil)
        #expect(try SchemaPattern("^x{0,70}$").automaton == nil)
        #expect(throws: SchemaPattern.Unsupported.self) { try SchemaPattern("(?i)abc") }
        #expect(throws: SchemaPattern.Unsupported.self) { try SchemaPattern(#"\w+"#) }
    }
}
