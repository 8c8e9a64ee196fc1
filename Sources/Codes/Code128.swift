/// Code 128 barcodes (ISO/IEC 15417) for tube labels: code set C for runs of digits, B otherwise,
/// with the modulo-103 check symbol.
public struct Code128: Sendable, Equatable {
    public enum EncodingError: Error, Equatable { case unsupportedCharacter(Character), empty }

    /// Symbol values including start, check and stop.
    public let symbols: [Int]

    /// Bar/space widths of each symbol value 0…106 (106 = stop, with its final 2-module bar).
    static let patterns: [String] = [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
    ]

    static let startB = 104, startC = 105, codeB = 100, codeC = 99, stop = 106

    public init(_ text: String) throws {
        let chars = Array(text)
        guard !chars.isEmpty else { throw EncodingError.empty }
        for ch in chars where !(ch.isASCII && (32...126).contains(ch.asciiValue!)) { throw EncodingError.unsupportedCharacter(ch) }

        func digitRun(_ i: Int) -> Int {
            var n = 0
            while i + n < chars.count, chars[i + n].isASCII, chars[i + n].isNumber { n += 1 }
            return n
        }
        var values: [Int] = []
        var i = 0
        // Set C pays off for 4+ digits (or the whole text when it is all an even run of digits).
        var inC = digitRun(0) >= 4 || (digitRun(0) == chars.count && chars.count % 2 == 0)
        values.append(inC ? Self.startC : Self.startB)
        while i < chars.count {
            if inC {
                let run = digitRun(i)
                if run >= 2 {
                    values.append(Int(String(chars[i..<i + 2]))!)
                    i += 2
                    continue
                }
                values.append(Self.codeB)
                inC = false
            } else {
                let run = digitRun(i)
                if run >= 4 && (run % 2 == 0 || i + run == chars.count || run >= 6) {
                    if run % 2 == 1 {
                        values.append(Int(chars[i].asciiValue!) - 32)
                        i += 1
                    }
                    values.append(Self.codeC)
                    inC = true
                    continue
                }
                values.append(Int(chars[i].asciiValue!) - 32)
                i += 1
            }
        }
        var check = values[0]
        for (position, value) in values.enumerated().dropFirst() { check += position * value }
        values.append(check % 103)
        values.append(Self.stop)
        symbols = values
    }

    /// Module widths, alternating bar/space, starting with a bar.
    public var widths: [Int] {
        symbols.flatMap { Self.patterns[$0].map { Int(String($0))! } }
    }

    /// Total modules, without quiet zones.
    public var moduleCount: Int { widths.reduce(0, +) }

    public func svg(moduleWidth: Int = 2, height: Int = 60, quietZone: Int = 10) -> String {
        var x = quietZone
        var rects = ""
        for (i, w) in widths.enumerated() {
            if i % 2 == 0 { rects += "<rect x=\"\(x)\" y=\"0\" width=\"\(w)\" height=\"\(height)\"/>" }
            x += w
        }
        let total = moduleCount + 2 * quietZone
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(total * moduleWidth)" height="\(height)" viewBox="0 0 \(total) \(height)" \
            preserveAspectRatio="none" shape-rendering="crispEdges"><rect width="\(total)" height="\(height)" fill="#fff"/><g fill="#000">\(rects)</g></svg>
            """
    }

    public func png(moduleWidth: Int = 2, height: Int = 60, quietZone: Int = 10) throws -> [UInt8] {
        var dark: [Bool] = Array(repeating: false, count: quietZone)
        for (i, w) in widths.enumerated() { dark += Array(repeating: i % 2 == 0, count: w) }
        dark += Array(repeating: false, count: quietZone)
        return try PNG.encode(width: dark.count * moduleWidth, height: height) { x, _ in dark[x / moduleWidth] }
    }
}
