/// Base45 (RFC 9285): the 45-character set of QR alphanumeric mode, so a DCC fits a QR code efficiently.
public enum Base45 {
    public static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case invalidCharacter(offset: Int)
        case invalidLength(Int)
        case valueTooLarge(offset: Int)

        public var description: String {
            switch self {
            case .invalidCharacter(let o): "character \(o + 1) is not in the Base45 alphabet"
            case .invalidLength(let n): "a Base45 text cannot be \(n) characters long"
            case .valueTooLarge(let o): "the Base45 group at character \(o + 1) is larger than two bytes allow"
            }
        }
    }

    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = Int8(index) }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2 * 3 + 2)
        var index = 0
        while index + 1 < bytes.count {
            var n = Int(bytes[index]) << 8 | Int(bytes[index + 1])
            for _ in 0..<3 { out.append(alphabet[n % 45]); n /= 45 }
            index += 2
        }
        if index < bytes.count {
            let n = Int(bytes[index])
            out.append(alphabet[n % 45]); out.append(alphabet[n / 45])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Strict decoding: every character must be in the alphabet, the length must not be ≡ 1 (mod 3), and no group
    /// may exceed what its bytes can hold.
    public static func decode(_ text: some StringProtocol) throws(Failure) -> [UInt8] {
        // One pass over contiguous UTF-8 (a generic StringProtocol view is several times slower); a native string or
        // substring is read in place, anything else copied once.
        if let result = text.utf8.withContiguousStorageIfAvailable({ decode(utf8: $0) }) { return try result.get() }
        var string = String(text)
        return try string.withUTF8 { decode(utf8: $0) }.get()
    }

    private static func decode(utf8: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], Failure> {
        let count = utf8.count
        guard count % 3 != 1 else { return .failure(.invalidLength(count)) }
        return values.withUnsafeBufferPointer { table -> Result<[UInt8], Failure> in
            var failure: Failure?
            let out = [UInt8](unsafeUninitializedCapacity: count / 3 * 2 + 1) { buffer, written in
                var o = 0
                // Whole groups of three characters → two bytes, then a trailing pair → one byte.
                var index = 0
                while index + 3 <= count {
                    let a = Int(table[Int(utf8[index])]), b = Int(table[Int(utf8[index + 1])]), c = Int(table[Int(utf8[index + 2])])
                    guard a | b | c >= 0 else {
                        failure = .invalidCharacter(offset: a < 0 ? index : b < 0 ? index + 1 : index + 2)
                        written = o
                        return
                    }
                    let group = a + b * 45 + c * 2025
                    guard group <= 0xFFFF else { failure = .valueTooLarge(offset: index); written = o; return }
                    buffer[o] = UInt8(truncatingIfNeeded: group >> 8)
                    buffer[o + 1] = UInt8(truncatingIfNeeded: group)
                    o += 2
                    index += 3
                }
                if index < count {  // count % 3 == 2
                    let a = Int(table[Int(utf8[index])]), b = Int(table[Int(utf8[index + 1])])
                    guard a | b >= 0 else { failure = .invalidCharacter(offset: a < 0 ? index : index + 1); written = o; return }
                    let group = a + b * 45
                    guard group <= 0xFF else { failure = .valueTooLarge(offset: index); written = o; return }
                    buffer[o] = UInt8(group)
                    o += 1
                }
                written = o
            }
            if let failure { return .failure(failure) }
            return .success(out)
        }
    }
}
