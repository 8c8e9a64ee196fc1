/// QR symbols as SVG and PNG, with the standard's four-module quiet zone.
extension QRCode {
    public static let quietZone = 4

    /// A scalable SVG; one path of unit squares, crisp at any size.
    public func svg(moduleSize: Int = 8, title: String? = nil) -> String {
        let full = size + 2 * Self.quietZone
        var path = ""
        path.reserveCapacity(size * size * 4)
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while x + run < size && isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + Self.quietZone) \(y + Self.quietZone)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let pixels = full * moduleSize
        let titleElement = title.map { "<title>\(SVG.escape($0))</title>" } ?? ""
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" viewBox="0 0 \(full) \(full)" \
            shape-rendering="crispEdges" role="img">\(titleElement)<rect width="\(full)" height="\(full)" fill="#fff"/>\
            <path d="\(path)" fill="#000"/></svg>
            """
    }

    /// A 1-bit PNG, `moduleSize` pixels per module.
    public func png(moduleSize: Int = 8) throws -> [UInt8] {
        let full = (size + 2 * Self.quietZone) * moduleSize
        return try PNG.encode(width: full, height: full) { px, py in
            let x = px / moduleSize - Self.quietZone, y = py / moduleSize - Self.quietZone
            return x >= 0 && y >= 0 && x < size && y < size && isDark(x: x, y: y)
        }
    }
}

enum SVG {
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
