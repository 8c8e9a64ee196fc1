/// A strict CBOR decoder for untrusted input (a QR code anyone can print). It refuses what DCCs never need and what
/// attackers use: trailing bytes, nesting deeper than `maxDepth`, reserved additional-information values,
/// indefinite lengths on integers and tags, mixed chunk types in indefinite strings, invalid UTF-8, duplicate map
/// keys, and lengths that run past the end of the input (checked before anything is allocated).
public struct CBORDecoder {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case truncated(offset: Int)
        case trailingBytes(offset: Int)
        case tooDeep(limit: Int)
        case reserved(offset: Int)
        case indefiniteNotAllowed(offset: Int)
        case badChunk(offset: Int)
        case invalidUTF8(offset: Int)
        case duplicateKey(offset: Int)
        case unsupportedSimple(offset: Int)

        public var description: String {
            switch self {
            case .truncated(let o): "CBOR ends early at byte \(o)"
            case .trailingBytes(let o): "CBOR has bytes after the data item, from byte \(o)"
            case .tooDeep(let l): "CBOR nesting deeper than \(l)"
            case .reserved(let o): "CBOR uses a reserved value at byte \(o)"
            case .indefiniteNotAllowed(let o): "CBOR indefinite length where it is not allowed at byte \(o)"
            case .badChunk(let o): "CBOR indefinite string has a wrong chunk at byte \(o)"
            case .invalidUTF8(let o): "CBOR text is not UTF-8 at byte \(o)"
            case .duplicateKey(let o): "CBOR map repeats a key at byte \(o)"
            case .unsupportedSimple(let o): "CBOR simple value not supported at byte \(o)"
            }
        }
    }

    public static let defaultMaxDepth = 32

    /// Decodes exactly one data item that fills `bytes`.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(Failure) -> CBOR {
        var decoder = CBORDecoder(bytes: bytes, maxDepth: maxDepth)
        let item = try decoder.item(depth: 0)
        guard decoder.offset == bytes.count else { throw .trailingBytes(offset: decoder.offset) }
        return item
    }

    let bytes: [UInt8]
    let maxDepth: Int
    var offset = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private mutating func byte() throws(Failure) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func take(_ count: UInt64) throws(Failure) -> ArraySlice<UInt8> {
        guard count <= UInt64(bytes.count - offset) else { throw .truncated(offset: offset) }
        let end = offset + Int(count)
        defer { offset = end }
        return bytes[offset..<end]
    }

    /// Reads the argument for additional information `info`; nil means indefinite length.
    private mutating func argument(_ info: UInt8, at start: Int) throws(Failure) -> UInt64? {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return UInt64(try byte())
        case 25, 26, 27:
            let count = 1 << (info - 24)
            var value: UInt64 = 0
            for _ in 0..<count { value = value << 8 | UInt64(try byte()) }
            return value
        case 31: return nil
        default: throw .reserved(offset: start)
        }
    }

    mutating func item(depth: Int) throws(Failure) -> CBOR {
        guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth) }
        let start = offset
        let initial = try byte()
        let major = initial >> 5
        let info = initial & 0x1F
        if major == 7 { return try simple(info, at: start) }
        let argument = try argument(info, at: start)
        switch major {
        case 0:
            guard let n = argument else { throw .indefiniteNotAllowed(offset: start) }
            return .unsigned(n)
        case 1:
            guard let n = argument else { throw .indefiniteNotAllowed(offset: start) }
            return .negative(n)
        case 2:
            if let n = argument { return .bytes(Array(try take(n))) }
            return .bytes(try chunks(major: 2))
        case 3:
            let text: String?
            if let n = argument { text = Self.text(try take(n)) } else { text = Self.text(try chunks(major: 3)[...]) }
            guard let text else { throw .invalidUTF8(offset: start) }
            return .text(text)
        case 4:
            var items: [CBOR] = []
            if let n = argument {
                // Every item takes at least one byte: a count larger than what is left is a lie.
                guard n <= UInt64(bytes.count - offset) else { throw .truncated(offset: offset) }
                items.reserveCapacity(Int(n))
                for _ in 0..<n { items.append(try item(depth: depth + 1)) }
            } else {
                while try !atBreak() { items.append(try item(depth: depth + 1)) }
            }
            return .array(items)
        case 5:
            var entries: [(key: CBOR, value: CBOR)] = []
            if let n = argument { entries.reserveCapacity(Int(min(n, 64))) }
            var seen = Set<CBOR>()
            func add(_ decoder: inout CBORDecoder) throws(Failure) {
                let keyOffset = decoder.offset
                let key = try decoder.item(depth: depth + 1)
                let value = try decoder.item(depth: depth + 1)
                // Small maps (every DCC map) are checked by a scan; a hash set only pays for itself on large ones.
                if entries.count < 16 {
                    guard !entries.contains(where: { $0.key == key }) else { throw .duplicateKey(offset: keyOffset) }
                    if entries.count == 15 { seen = Set(entries.map(\.key) + [key]) }
                } else {
                    guard seen.insert(key).inserted else { throw .duplicateKey(offset: keyOffset) }
                }
                entries.append((key, value))
            }
            if let n = argument {
                guard n <= UInt64(bytes.count - offset) / 2 else { throw .truncated(offset: offset) }
                for _ in 0..<n { try add(&self) }
            } else {
                while try !atBreak() { try add(&self) }
            }
            return .map(entries)
        default:  // 6
            guard let tag = argument else { throw .indefiniteNotAllowed(offset: start) }
            return .tagged(tag, try item(depth: depth + 1))
        }
    }

    /// Strict UTF-8: nil unless `bytes` are valid. `String(validating:as:)` is generic and unspecialised here — its
    /// runtime metadata lookups were a third of decoding a DCC — so the bytes are decoded (which repairs invalid
    /// sequences) and compared with what came out: any repair shows as a difference.
    static func text(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            let text = String(decoding: buffer, as: UTF8.self)
            // A native string's bytes are contiguous: compared as two buffers, not through the UTF-8 view's iterator.
            let same = text.utf8.withContiguousStorageIfAvailable { $0.count == buffer.count && $0.elementsEqual(buffer) }
                ?? text.utf8.elementsEqual(buffer)
            return same ? text : nil
        }
    }

    /// True (and consumes it) when the next byte is the "break" stop code.
    private mutating func atBreak() throws(Failure) -> Bool {
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        if bytes[offset] == 0xFF { offset += 1; return true }
        return false
    }

    /// The chunks of an indefinite-length string: each must be a definite string of the same major type.
    private mutating func chunks(major: UInt8) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        while try !atBreak() {
            let start = offset
            let initial = try byte()
            guard initial >> 5 == major, let n = try argument(initial & 0x1F, at: start) else { throw .badChunk(offset: start) }
            out.append(contentsOf: try take(n))
        }
        return out
    }

    private mutating func simple(_ info: UInt8, at start: Int) throws(Failure) -> CBOR {
        switch info {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 25:
            let bits = UInt16(try byte()) << 8 | UInt16(try byte())
            return .double(Double(Float16Bits.decode(bits)))
        case 26:
            var bits: UInt32 = 0
            for _ in 0..<4 { bits = bits << 8 | UInt32(try byte()) }
            return .double(Double(Float(bitPattern: bits)))
        case 27:
            var bits: UInt64 = 0
            for _ in 0..<8 { bits = bits << 8 | UInt64(try byte()) }
            return .double(Double(bitPattern: bits))
        case 31: throw .reserved(offset: start)  // a break outside an indefinite item
        default: throw .unsupportedSimple(offset: start)
        }
    }
}

/// IEEE 754 half precision, decoded by hand (Float16 is not available on every platform Swift targets).
enum Float16Bits {
    static func decode(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int(bits >> 10 & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
