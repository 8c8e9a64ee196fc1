import Domain
import Foundation
import Testing

/// The hexadecimal text agrees with Foundation's `%02x` / `%02X` formatting on every byte value and random strings.
@Suite struct HexTests {
    @Test func agreesWithFoundationFormatting() {
        let every = (0...255).map { UInt8($0) }
        #expect(Hex.string(every) == every.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.string(every, uppercase: true) == every.map { String(format: "%02X", $0) }.joined())
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            #expect(Hex.string(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        }
        #expect(Hex.string([]) == "")
        #expect(Hex.string([0x07, 0x5e, 0xff]) == "075eff")
    }

    @Test func decodesWhatItWritesAndRefusesWhatIsNotHex() {
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            #expect(Hex.decode(Hex.string(bytes)) == bytes && Hex.decode(Hex.string(bytes, uppercase: true)) == bytes)
        }
        for bad in ["0", "abc", "0g", "g0", "+1", " 12", "ü0"] { #expect(Hex.decode(bad) == nil, "\(bad)") }
    }
}
