/// A QR Code symbol (ISO/IEC 18004), encoded by the project: numeric, alphanumeric and byte modes,
/// versions 1–40, error correction L/M/Q/H, the eight masks with the standard penalty choice.
public struct QRCode: Sendable, Equatable {
    public enum ErrorCorrection: String, CaseIterable, Sendable {
        case low = "L", medium = "M", quartile = "Q", high = "H"

        var tableIndex: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .quartile: 2
            case .high: 3
            }
        }

        /// The two format bits: L=01, M=00, Q=11, H=10.
        var formatBits: Int {
            switch self {
            case .low: 1
            case .medium: 0
            case .quartile: 3
            case .high: 2
            }
        }
    }

    public enum Mode: Sendable, Equatable {
        case numeric, alphanumeric, byte

        var indicator: Int {
            switch self {
            case .numeric: 0b0001
            case .alphanumeric: 0b0010
            case .byte: 0b0100
            }
        }

        func characterCountBits(_ version: Int) -> Int {
            let group = version <= 9 ? 0 : version <= 26 ? 1 : 2
            switch self {
            case .numeric: return [10, 12, 14][group]
            case .alphanumeric: return [9, 11, 13][group]
            case .byte: return [8, 16, 16][group]
            }
        }
    }

    public enum EncodingError: Error, Equatable, Sendable {
        /// The data does not fit even version 40 at this error-correction level.
        case dataTooLong(bytes: Int, level: String)
        case invalidVersion(Int)
        case invalidMask(Int)
    }

    public let version: Int
    public let errorCorrection: ErrorCorrection
    public let mask: Int
    public let mode: Mode
    /// Dark modules, row-major, `size × size`, without the quiet zone.
    public let modules: [Bool]

    public var size: Int { version * 4 + 17 }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    static let alphanumericCharset = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// The most compact mode that holds `bytes`.
    public static func mode(for bytes: [UInt8]) -> Mode {
        if !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return .numeric }
        if !bytes.isEmpty, bytes.allSatisfy({ alphanumericCharset.contains($0) }) { return .alphanumeric }
        return .byte
    }

    /// Encodes text (as UTF-8) in the smallest version that fits; `mask: nil` picks the mask with the lowest penalty.
    public init(text: String, errorCorrection: ErrorCorrection = .medium, minimumVersion: Int = 1, mask: Int? = nil) throws {
        try self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection, minimumVersion: minimumVersion, mask: mask)
    }

    public init(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium, mode: Mode? = nil, minimumVersion: Int = 1,
                mask: Int? = nil) throws {
        guard (1...40).contains(minimumVersion) else { throw EncodingError.invalidVersion(minimumVersion) }
        if let mask, !(0...7).contains(mask) { throw EncodingError.invalidMask(mask) }
        let mode = mode ?? Self.mode(for: bytes)
        let (version, codewords) = try Self.encodeData(bytes, mode: mode, level: errorCorrection, minimumVersion: minimumVersion)

        var matrix = QRMatrix(version: version)
        matrix.drawFunctionPatterns()
        matrix.drawCodewords(codewords)
        let masked: QRMatrix
        let chosenMask: Int
        if let mask {
            masked = matrix.masked(mask, level: errorCorrection)
            chosenMask = mask
        } else {
            var best: (penalty: Int, mask: Int, matrix: QRMatrix)? = nil
            for candidate in 0..<8 {
                let m = matrix.masked(candidate, level: errorCorrection)
                let penalty = m.penalty()
                if best == nil || penalty < best!.penalty { best = (penalty, candidate, m) }
            }
            masked = best!.matrix
            chosenMask = best!.mask
        }
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = chosenMask
        self.mode = mode
        self.modules = masked.modules
    }

    /// Mode indicator, character count and data bits; nil when the count does not fit its field.
    static func segmentBits(_ bytes: [UInt8], mode: Mode, version: Int) -> BitBuffer? {
        let countBits = mode.characterCountBits(version)
        guard bytes.count < (1 << countBits) else { return nil }
        var bits = BitBuffer()
        bits.append(mode.indicator, count: 4)
        bits.append(bytes.count, count: countBits)
        switch mode {
        case .numeric:
            var i = 0
            while i < bytes.count {
                let n = min(3, bytes.count - i)
                var value = 0
                for b in bytes[i..<i + n] { value = value * 10 + Int(b - 0x30) }
                bits.append(value, count: n * 3 + 1)
                i += n
            }
        case .alphanumeric:
            let index = bytes.map { alphanumericCharset.firstIndex(of: $0)! }
            var i = 0
            while i + 1 < index.count {
                bits.append(index[i] * 45 + index[i + 1], count: 11)
                i += 2
            }
            if i < index.count { bits.append(index[i], count: 6) }
        case .byte:
            for b in bytes { bits.append(Int(b), count: 8) }
        }
        return bits
    }

    /// Splits data into blocks, appends each block's Reed–Solomon codewords, and interleaves them.
    static func interleave(_ data: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        let blocks = QRTables.errorCorrectionBlocks[level.tableIndex][version]
        let eccLength = QRTables.eccCodewordsPerBlock[level.tableIndex][version]
        let rawCodewords = QRTables.rawDataModules(version) / 8
        let shortBlocks = blocks - rawCodewords % blocks
        let shortBlockLength = rawCodewords / blocks
        let divisor = ReedSolomon.divisor(degree: eccLength)
        var all: [[UInt8]] = []
        var k = 0
        for i in 0..<blocks {
            let length = shortBlockLength - eccLength + (i < shortBlocks ? 0 : 1)
            var block = Array(data[k..<k + length])
            k += length
            let ecc = ReedSolomon.remainder(data[(k - length)..<k], divisor: divisor)
            if i < shortBlocks { block.append(0) }
            all.append(block + ecc)
        }
        var result: [UInt8] = []
        result.reserveCapacity(rawCodewords)
        for i in 0..<all[0].count {
            for (j, block) in all.enumerated() where i != shortBlockLength - eccLength || j >= shortBlocks {
                result.append(block[i])
            }
        }
        return result
    }
}

/// Bits appended most-significant first.
struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }

    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (i, bit) in bits.enumerated() where bit { out[i >> 3] |= 0x80 >> UInt8(i & 7) }
        return out
    }
}

extension QRCode {
    /// The final codeword sequence (data and error correction, interleaved) for `text` — exposed so that tests can
    /// compare with the standard's worked example.
    public static func codewords(text: String, errorCorrection: ErrorCorrection) throws -> [UInt8] {
        let bytes = Array(text.utf8)
        return try encodeData(bytes, mode: mode(for: bytes), level: errorCorrection, minimumVersion: 1).codewords
    }

    /// Chooses the smallest version from `minimumVersion` that holds the data, then adds the terminator, byte
    /// alignment, alternating pad bytes and error correction.
    static func encodeData(_ bytes: [UInt8], mode: Mode, level: ErrorCorrection, minimumVersion: Int) throws
        -> (version: Int, codewords: [UInt8])
    {
        for version in minimumVersion...40 {
            let capacity = QRTables.dataCodewords(version, level) * 8
            guard var bits = segmentBits(bytes, mode: mode, version: version), bits.count <= capacity else { continue }
            bits.append(0, count: min(4, capacity - bits.count))
            bits.append(0, count: (8 - bits.count % 8) % 8)
            var pad: UInt8 = 0xEC
            while bits.count < capacity {
                bits.append(Int(pad), count: 8)
                pad ^= 0xEC ^ 0x11
            }
            return (version, interleave(bits.bytes, version: version, level: level))
        }
        throw EncodingError.dataTooLong(bytes: bytes.count, level: level.rawValue)
    }
}
