/// The module grid while a symbol is being built: which modules are dark, and which belong to
/// function patterns (finders, timing, alignment, format, version) and so are never masked.
struct QRMatrix {
    let version: Int
    let size: Int
    var modules: [Bool]
    var isFunction: [Bool]

    init(version: Int) {
        self.version = version
        self.size = version * 4 + 17
        self.modules = Array(repeating: false, count: size * size)
        self.isFunction = Array(repeating: false, count: size * size)
    }

    subscript(x: Int, y: Int) -> Bool {
        get { modules[y * size + x] }
        set { modules[y * size + x] = newValue }
    }

    mutating func setFunction(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    mutating func drawFunctionPatterns() {
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
        drawFinder(3, 3)
        drawFinder(size - 4, 3)
        drawFinder(3, size - 4)
        let positions = QRTables.alignmentPositions(version)
        let last = positions.count - 1
        for (i, x) in positions.enumerated() {
            for (j, y) in positions.enumerated() where !((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0)) {
                for dy in -2...2 {
                    for dx in -2...2 { setFunction(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Reserve the format areas now (drawn for real once the mask is known) and draw the version blocks.
        drawFormatBits(level: .medium, mask: 0)
        drawVersion()
    }

    private mutating func drawFinder(_ x: Int, _ y: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let xx = x + dx, yy = y + dy
                guard (0..<size).contains(xx), (0..<size).contains(yy) else { continue }
                let distance = max(abs(dx), abs(dy))
                setFunction(xx, yy, distance != 2 && distance != 4)
            }
        }
    }

    mutating func drawFormatBits(level: QRCode.ErrorCorrection, mask: Int) {
        let data = level.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { setFunction(8, i, bit(i)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }
        for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
        setFunction(8, size - 8, true)  // the dark module
    }

    private mutating func drawVersion() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3, b = i / 3
            setFunction(a, b, dark)
            setFunction(b, a, dark)
        }
    }

    /// Places codewords in the two-column zigzag from the bottom-right corner, skipping function modules.
    mutating func drawCodewords(_ data: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = ((right + 1) & 2) == 0
                    let y = upward ? size - 1 - vertical : vertical
                    if !isFunction[y * size + x] && i < data.count * 8 {
                        self[x, y] = (data[i >> 3] >> UInt8(7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    static func maskBit(_ mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: return (x + y) % 2 == 0
        case 1: return y % 2 == 0
        case 2: return x % 3 == 0
        case 3: return (x + y) % 3 == 0
        case 4: return (x / 3 + y / 2) % 2 == 0
        case 5: return x * y % 2 + x * y % 3 == 0
        case 6: return (x * y % 2 + x * y % 3) % 2 == 0
        default: return ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    /// A copy with `mask` applied to the data modules and the matching format bits drawn.
    func masked(_ mask: Int, level: QRCode.ErrorCorrection) -> QRMatrix {
        var copy = self
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && Self.maskBit(mask, x: x, y: y) {
                copy.modules[y * size + x].toggle()
            }
        }
        copy.drawFormatBits(level: level, mask: mask)
        return copy
    }

    /// The standard's penalty (rules N1–N4); the mask with the lowest score is chosen.
    func penalty() -> Int {
        var score = 0
        // N1: runs of five or more same-coloured modules in a row or column; N3: finder-like 1:1:3:1:1 patterns
        // with four light modules on one side, the area outside the symbol counting as light.
        for line in 0..<size {
            for horizontal in [true, false] {
                var runColor = false, runLength = 0
                var padded: [Bool] = Array(repeating: false, count: 4)
                for i in 0..<size {
                    let dark = horizontal ? self[i, line] : self[line, i]
                    padded.append(dark)
                    if i > 0 && dark == runColor {
                        runLength += 1
                    } else {
                        if runLength >= 5 { score += 3 + (runLength - 5) }
                        runColor = dark
                        runLength = 1
                    }
                }
                if runLength >= 5 { score += 3 + (runLength - 5) }
                padded.append(contentsOf: Array(repeating: false, count: 4))
                score += 40 * Self.finderLikeCount(padded)
            }
        }
        // N2: 2×2 blocks of one colour.
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = self[x, y]
                if c == self[x + 1, y] && c == self[x, y + 1] && c == self[x + 1, y + 1] { score += 3 }
            }
        }
        // N4: 10 points for every full 5 % the dark proportion deviates from 50 %.
        let dark = modules.reduce(0) { $0 + ($1 ? 1 : 0) }
        let total = size * size
        let k = (abs(dark * 20 - total * 10) + total - 1) / total - 1
        score += max(0, k) * 10
        return score
    }

    private static let finderLike: [Bool] = [true, false, true, true, true, false, true]

    /// Occurrences of dark-light-dark×3-light-dark with four light modules before or after it.
    static func finderLikeCount(_ line: [Bool]) -> Int {
        var count = 0
        guard line.count >= 11 else { return 0 }
        for start in 0...(line.count - 7) {
            guard Array(line[start..<start + 7]) == finderLike else { continue }
            let before = start >= 4 && line[(start - 4)..<start].allSatisfy { !$0 }
            let after = start + 11 <= line.count && line[(start + 7)..<(start + 11)].allSatisfy { !$0 }
            if before || after { count += 1 }
        }
        return count
    }
}
