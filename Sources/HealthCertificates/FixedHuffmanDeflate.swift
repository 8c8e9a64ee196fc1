/// DEFLATE (RFC 1951) with the fixed Huffman codes (block type 1) and an LZ77 search over hash chains, in a zlib
/// container (RFC 1950) — what issuing a certificate needs, written in the project.
///
/// Why not zlib itself: on a DCC-sized input (~350 bytes) zlib spends ~10–13 µs per stream whatever the level,
/// window or strategy — clearing its 64 KiB hash table on every reset and building dynamic Huffman trees for a few
/// hundred symbols — as long as the rest of issuing apart from the signature. With the fixed codes there are no
/// trees to build or send, and the tables here are sized to the input; the output is on average ~3 bytes longer than
/// zlib's level 9 on the public DCC test vectors (measured in the test, against Python's zlib). Every zlib reads
/// it: decompression (`Zlib.decompress`, compress-nio) is unchanged.
enum FixedHuffmanDeflate {
    static let minMatch = 3
    static let maxMatch = 258
    static let window = 32_768
    /// Candidates tried per position: DCCs are small, and the chain cap bounds the work on repetitive input.
    static let maxChain = 128

    /// `bytes` as a complete zlib stream.
    static func zlib(_ bytes: [UInt8]) -> [UInt8] {
        var writer = BitWriter(capacity: bytes.count + bytes.count / 8 + 16)
        writer.out.append(0x78)  // CM 8 (deflate), CINFO 7 (32 KiB window)
        writer.out.append(0xDA)  // FLEVEL 3 (maximum compression); 0x78DA is a multiple of 31
        writer.write(1, 1)  // BFINAL: the only block
        writer.write(1, 2)  // BTYPE 01: fixed Huffman codes
        bytes.withUnsafeBufferPointer { compress($0, into: &writer) }
        writer.writeSymbol(256)  // end of block
        writer.flush()
        let adler = Zlib.adler32(bytes)
        for shift in stride(from: 24, through: 0, by: -8) { writer.out.append(UInt8(truncatingIfNeeded: adler >> UInt32(shift))) }
        return writer.out
    }

    private static func compress(_ input: UnsafeBufferPointer<UInt8>, into writer: inout BitWriter) {
        let count = input.count
        guard count >= minMatch else {
            for byte in input { writer.writeSymbol(Int(byte)) }
            return
        }
        // A hash table sized to the input (a power of two, 256…32,768 heads): a small certificate clears 1 KiB, not 64.
        var bits = 8
        while bits < 15, 1 << bits < count { bits += 1 }
        var chains = HashChains(input: input, bits: bits)
        defer { chains.deallocate() }

        var i = 0
        var pending = chains.longestMatch(at: 0)
        chains.insert(0)
        while i < count {
            let match = pending
            if match.length > 0, match.length < maxMatch, i + 1 < count {
                // Lazy evaluation (as zlib's higher levels): a longer match one byte on wins; this byte goes as a literal.
                let next = chains.longestMatch(at: i + 1)
                if next.length > match.length {
                    writer.writeSymbol(Int(input[i]))
                    i += 1
                    chains.insert(i)
                    pending = next
                    continue
                }
            }
            if match.length == 0 {
                writer.writeSymbol(Int(input[i]))
                i += 1
            } else {
                writer.writeMatch(length: match.length, distance: match.distance)
                for j in i + 1..<i + match.length { chains.insert(j) }
                i += match.length
            }
            if i < count {
                pending = chains.longestMatch(at: i)
                chains.insert(i)
            }
        }
    }

    /// Earlier positions by the hash of their next three bytes, newest first. Plain buffers in a struct: captured
    /// arrays in nested functions cost dynamic exclusivity checks on every access (measured: over half the time).
    private struct HashChains {
        let input: UnsafeBufferPointer<UInt8>
        let mask: Int
        let head: UnsafeMutableBufferPointer<Int32>
        let previous: UnsafeMutableBufferPointer<Int32>

        init(input: UnsafeBufferPointer<UInt8>, bits: Int) {
            self.input = input
            mask = (1 << bits) - 1
            head = .allocate(capacity: 1 << bits)
            head.initialize(repeating: -1)
            previous = .allocate(capacity: input.count)
            previous.initialize(repeating: -1)
        }

        func deallocate() {
            head.deallocate()
            previous.deallocate()
        }

        @inline(__always) func hash(_ i: Int) -> Int {
            (Int(input[i]) << 10 ^ Int(input[i + 1]) << 5 ^ Int(input[i + 2])) & mask
        }

        @inline(__always) func insert(_ i: Int) {
            guard i + minMatch <= input.count else { return }
            let h = hash(i)
            previous[i] = head[h]
            head[h] = Int32(i)
        }

        /// The longest earlier match for position `i` (length, distance); length 0 when none reaches `minMatch`.
        func longestMatch(at i: Int) -> (length: Int, distance: Int) {
            guard i + minMatch <= input.count else { return (0, 0) }
            let limit = min(maxMatch, input.count - i)
            var best = 0, bestDistance = 0
            var candidate = Int(head[hash(i)])
            var chain = maxChain
            while candidate >= 0, i - candidate <= window, chain > 0 {
                // Check the byte that would make this candidate longer than the best first: most candidates fail there.
                if input[candidate + best] == input[i + best] {
                    var length = 0
                    while length < limit, input[candidate + length] == input[i + length] { length += 1 }
                    if length > best {
                        best = length
                        bestDistance = i - candidate
                        if length == limit { break }
                    }
                }
                candidate = Int(previous[candidate])
                chain -= 1
            }
            return best >= minMatch ? (best, bestDistance) : (0, 0)
        }
    }

    // MARK: - The fixed codes (RFC 1951 §3.2.6), bit-reversed for an LSB-first stream

    /// Literal/length symbols 0…287: (code reversed, bit length).
    static let literalCodes: [(code: UInt32, length: Int)] = (0..<288).map { symbol -> (code: UInt32, length: Int) in
        let (code, length): (Int, Int) = switch symbol {
        case 0...143: (0x30 + symbol, 8)
        case 144...255: (0x190 + symbol - 144, 9)
        case 256...279: (symbol - 256, 7)
        default: (0xC0 + symbol - 280, 8)
        }
        return (reversed(UInt32(code), length), length)
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                               4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    /// For each match length 3…258, the index of its length code (the symbol is 257 + index).
    static let lengthCode: [Int] = (0...maxMatch).map { length in
        length < minMatch ? 0 : lengthBase.lastIndex { $0 <= length }!
    }
    static let distanceCodes: [UInt32] = (0..<30).map { reversed(UInt32($0), 5) }

    static func reversed(_ code: UInt32, _ length: Int) -> UInt32 {
        var result: UInt32 = 0
        for bit in 0..<length where code & (1 << UInt32(length - 1 - bit)) != 0 { result |= 1 << UInt32(bit) }
        return result
    }

    struct BitWriter {
        var out: [UInt8]
        private var buffer: UInt64 = 0
        private var used = 0
        /// The code table held here, read without a lazy global's check per symbol.
        private let literals = FixedHuffmanDeflate.literalCodes

        init(capacity: Int) {
            out = []
            out.reserveCapacity(capacity)
        }

        /// The low `count` bits of `value`, least significant first (how DEFLATE packs everything but Huffman codes).
        @inline(__always) mutating func write(_ value: UInt32, _ count: Int) {
            buffer |= UInt64(value) << UInt64(used)
            used += count
            while used >= 8 {
                out.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                used -= 8
            }
        }

        @inline(__always) mutating func writeSymbol(_ symbol: Int) {
            let code = literals[symbol]
            write(code.code, code.length)
        }

        mutating func writeMatch(length: Int, distance: Int) {
            let index = FixedHuffmanDeflate.lengthCode[length]
            writeSymbol(257 + index)
            let lengthExtra = FixedHuffmanDeflate.lengthExtra[index]
            if lengthExtra > 0 { write(UInt32(length - FixedHuffmanDeflate.lengthBase[index]), lengthExtra) }
            let d = FixedHuffmanDeflate.distanceBase.lastIndex { $0 <= distance }!
            write(FixedHuffmanDeflate.distanceCodes[d], 5)
            let distanceExtra = FixedHuffmanDeflate.distanceExtra[d]
            if distanceExtra > 0 { write(UInt32(distance - FixedHuffmanDeflate.distanceBase[d]), distanceExtra) }
        }

        /// Pads the last byte with zero bits.
        mutating func flush() {
            if used > 0 { out.append(UInt8(truncatingIfNeeded: buffer)) }
            buffer = 0
            used = 0
        }
    }
}
