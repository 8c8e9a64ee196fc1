/// A CBOR data item (RFC 8949), the subset the EU DCC uses: integers, byte and text strings, arrays, maps, tags,
/// simple values and floats. Written in the project so that what we sign is byte-for-byte under our control.
public enum CBOR: Sendable, Hashable {
    /// Major type 0.
    case unsigned(UInt64)
    /// Major type 1: the value is −1 − n.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    /// Entries in the order they were read or built; the encoder writes them in deterministic order.
    case map([(key: CBOR, value: CBOR)])
    /// Only the tag case needs a box; scalars stay unboxed (an `indirect enum` allocated for every integer and string).
    indirect case tagged(UInt64, CBOR)
    case bool(Bool)
    case null
    case undefined
    case double(Double)

    public static func int(_ value: Int64) -> CBOR {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-1 - value))
    }

    /// The integer value, when it fits an Int64.
    public var intValue: Int64? {
        switch self {
        case .unsigned(let n): return n <= UInt64(Int64.max) ? Int64(n) : nil
        case .negative(let n): return n <= UInt64(Int64.max) ? -1 - Int64(n) : nil
        default: return nil
        }
    }

    public var textValue: String? { if case .text(let s) = self { s } else { nil } }
    public var bytesValue: [UInt8]? { if case .bytes(let b) = self { b } else { nil } }
    public var arrayValue: [CBOR]? { if case .array(let a) = self { a } else { nil } }
    public var mapValue: [(key: CBOR, value: CBOR)]? { if case .map(let m) = self { m } else { nil } }

    /// The value stored under `key` in a map (nil for other items or a missing key).
    public subscript(key: CBOR) -> CBOR? {
        mapValue?.first(where: { $0.key == key })?.value
    }

    public static func == (lhs: CBOR, rhs: CBOR) -> Bool {
        switch (lhs, rhs) {
        case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.text(let a), .text(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)):
            // Maps are equal as data whatever their order (RFC 8949 §5.6).
            guard a.count == b.count else { return false }
            return a.allSatisfy { entry in b.contains { $0.key == entry.key && $0.value == entry.value } }
        case (.tagged(let t1, let v1), .tagged(let t2, let v2)): return t1 == t2 && v1 == v2
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null), (.undefined, .undefined): return true
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .unsigned(let n): hasher.combine(0); hasher.combine(n)
        case .negative(let n): hasher.combine(1); hasher.combine(n)
        case .bytes(let b): hasher.combine(2); hasher.combine(b)
        case .text(let s): hasher.combine(3); hasher.combine(s)
        case .array(let a): hasher.combine(4); hasher.combine(a)
        case .map(let m): hasher.combine(5); hasher.combine(m.count)  // order-free, consistent with ==
        case .tagged(let t, let v): hasher.combine(6); hasher.combine(t); hasher.combine(v)
        case .bool(let b): hasher.combine(7); hasher.combine(b)
        case .null: hasher.combine(8)
        case .undefined: hasher.combine(9)
        case .double(let d): hasher.combine(10); hasher.combine(d.isNaN ? .nan : d)
        }
    }
}

// MARK: - Encoding

extension CBOR {
    /// Deterministic encoding (RFC 8949 §4.2.1): shortest argument lengths, definite lengths, map keys sorted by
    /// their encoded bytes, floats as doubles only when they are not integral.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        encode(into: &out)
        return out
    }

    public func encode(into out: inout [UInt8]) {
        switch self {
        case .unsigned(let n): Self.head(0, n, &out)
        case .negative(let n): Self.head(1, n, &out)
        case .bytes(let b):
            Self.head(2, UInt64(b.count), &out)
            out.append(contentsOf: b)
        case .text(let s):
            Self.head(3, UInt64(s.utf8.count), &out)
            out.append(contentsOf: s.utf8)
        case .array(let items):
            Self.head(4, UInt64(items.count), &out)
            for item in items { item.encode(into: &out) }
        case .map(let entries):
            Self.head(5, UInt64(entries.count), &out)
            // Only the keys are encoded apart (to sort them), into one scratch buffer; values go straight into
            // `out`, so nested maps are encoded once, not once per level.
            var keyBytes: [UInt8] = []
            keyBytes.reserveCapacity(entries.count * 8)
            var ranges: [Range<Int>] = []
            ranges.reserveCapacity(entries.count)
            for entry in entries {
                let start = keyBytes.count
                entry.key.encode(into: &keyBytes)
                ranges.append(start..<keyBytes.count)
            }
            let order = ranges.indices.sorted { keyBytes[ranges[$0]].lexicographicallyPrecedes(keyBytes[ranges[$1]]) }
            for index in order {
                out.append(contentsOf: keyBytes[ranges[index]])
                entries[index].value.encode(into: &out)
            }
        case .tagged(let tag, let value):
            Self.head(6, tag, &out)
            value.encode(into: &out)
        case .bool(let b): out.append(b ? 0xF5 : 0xF4)
        case .null: out.append(0xF6)
        case .undefined: out.append(0xF7)
        case .double(let d):
            out.append(0xFB)
            let bits = d.bitPattern
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        }
    }

    static func head(_ major: UInt8, _ argument: UInt64, _ out: inout [UInt8]) {
        let m = major << 5
        switch argument {
        case 0..<24: out.append(m | UInt8(argument))
        case 24...0xFF: out.append(m | 24); out.append(UInt8(argument))
        case 0x100...0xFFFF:
            out.append(m | 25)
            out.append(UInt8(argument >> 8)); out.append(UInt8(truncatingIfNeeded: argument))
        case 0x1_0000...0xFFFF_FFFF:
            out.append(m | 26)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift))) }
        default:
            out.append(m | 27)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift))) }
        }
    }
}
