import Domain
import Foundation

/// Small server-rendered SVG charts: daily bars with a hover title per day, and an optional 7-day mean line.
public enum Charts {
    public static func dailyBars(_ values: [Int64], days: [String], label: String, color: String = "#c62828", width: Double = 280,
                                 height: Double = 64, meanLine: Bool = false) -> String {
        let n = max(values.count, 1)
        let top = Double(max(values.max() ?? 0, 1))
        let step = width / Double(n)
        let barWidth = max(step - 1, 1)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(f(width)) \(f(height + 12))" class="chart" role="img" \
            aria-label="\(XMLText.escape(label))" preserveAspectRatio="none">

            """
        for (i, value) in values.enumerated() {
            let h = Double(value) / top * height
            let day = i < days.count ? days[i] : ""
            svg += "<rect x=\"\(f(Double(i) * step))\" y=\"\(f(height - h))\" width=\"\(f(barWidth))\" height=\"\(f(max(h, value > 0 ? 1 : 0)))\" "
            svg += "fill=\"\(XMLText.escape(color))\"><title>\(XMLText.escape(day)): \(value)</title></rect>\n"
        }
        if meanLine, values.count >= 7 {
            var points: [String] = []
            for i in 6..<values.count {
                let mean = Double(values[(i - 6)...i].reduce(0, +)) / 7
                points.append("\(f(Double(i) * step + barWidth / 2)),\(f(height - mean / top * height))")
            }
            svg += "<polyline fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"><title>TB 7 ngày</title></polyline>\n"
        }
        svg += "<line x1=\"0\" y1=\"\(f(height))\" x2=\"\(f(width))\" y2=\"\(f(height))\" stroke=\"#999\" stroke-width=\"0.5\"/>\n"
        if let first = days.first, let last = days.last {
            svg += "<text x=\"0\" y=\"\(f(height + 11))\" font-size=\"9\" fill=\"#555\">\(XMLText.escape(String(first.suffix(5))))</text>"
            svg += "<text x=\"\(f(width))\" y=\"\(f(height + 11))\" font-size=\"9\" fill=\"#555\" text-anchor=\"end\">\(XMLText.escape(String(last.suffix(5))))</text>\n"
        }
        return svg + "</svg>"
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
