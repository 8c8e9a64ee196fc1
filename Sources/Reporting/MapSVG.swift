import Domain
import Foundation

/// What a map shows for one unit: its fill, the text of its hover title, and a short label drawn on it.
public struct MapRegion: Sendable, Equatable {
    public let code: String
    public let name: String
    public let fill: String
    public let title: String
    public let label: String?

    public init(code: String, name: String, fill: String, title: String, label: String? = nil) {
        self.code = code
        self.name = name
        self.fill = fill
        self.title = title
        self.label = label
    }
}

public struct MapPoint: Sendable, Equatable {
    public let lon: Double
    public let lat: Double
    public let title: String
    public let color: String

    public init(lon: Double, lat: Double, title: String, color: String) {
        self.lon = lon
        self.lat = lat
        self.title = title
        self.color = color
    }
}

public struct LegendEntry: Sendable, Equatable {
    public enum Symbol: Sendable, Equatable { case square, dot, hatch }
    public let color: String
    public let label: String
    public let symbol: Symbol
    public init(color: String, label: String, symbol: Symbol = .square) {
        self.color = color
        self.label = label
        self.symbol = symbol
    }
}

/// A lockdown zone over the map: its polygons (its own, or its units' outlines) and the grid cells of its units that
/// have no outline.
public struct MapZone: Sendable, Equatable {
    public let title: String
    public let rings: [[Boundary.Point]]
    public let gridCodes: Set<String>
    public init(title: String, rings: [[Boundary.Point]], gridCodes: Set<String> = []) {
        self.title = title
        self.rings = rings
        self.gridCodes = gridCodes
    }
}

/// A choropleth drawn as one self-contained SVG: outlines filled per unit, hover titles, labels, optional points, a
/// grid of cells for units that have no outline (communes without boundaries), lockdown zones hatched over them, a
/// legend, and a caption. No tiles, no scripts, no external references: it prints and works offline. The root element
/// carries its projection (`data-min-lon`, `data-max-lat`, `data-scale`, `data-squash`, `data-left`, `data-top`) so a
/// page's script can turn a click back into a position (drawing a zone).
public struct MapSVG: Sendable {
    public var title: String
    public var subtitle: String
    public var regions: [MapRegion]
    public var boundaries: [Boundary]
    /// Units without an outline, drawn as a grid of cells under the map, grouped under a heading.
    public var grid: [MapRegion] = []
    public var gridHeading: String = ""
    public var points: [MapPoint] = []
    public var zones: [MapZone] = []
    public var legend: [LegendEntry]
    public var caption: String
    public var width: Double = 720

    public init(title: String, subtitle: String, regions: [MapRegion], boundaries: [Boundary], legend: [LegendEntry], caption: String) {
        self.title = title
        self.subtitle = subtitle
        self.regions = regions
        self.boundaries = boundaries
        self.legend = legend
        self.caption = caption
    }

    public func render() -> String {
        let margin = 16.0
        let header = 56.0
        let shown = boundaries.filter { b in regions.contains { $0.code == b.code } }
        let all = shown.flatMap { $0.rings.joined() }
        let minLon = all.map(\.lon).min() ?? 0, maxLon = all.map(\.lon).max() ?? 1
        let minLat = all.map(\.lat).min() ?? 0, maxLat = all.map(\.lat).max() ?? 1
        let squash = cos((minLat + maxLat) / 2 * .pi / 180)
        let mapWidth = width - 2 * margin - 200
        let scale = all.isEmpty ? 1 : mapWidth / max((maxLon - minLon) * squash, 1e-9)
        let mapHeight = all.isEmpty ? 0 : (maxLat - minLat) * scale
        func x(_ lon: Double) -> Double { margin + (lon - minLon) * squash * scale }
        func y(_ lat: Double) -> Double { header + (maxLat - lat) * scale }
        let columns = 6
        let cell = (width - 2 * margin) / Double(columns)
        let gridTop = header + mapHeight + (grid.isEmpty ? 0 : 28)
        let gridRows = (grid.count + columns - 1) / columns
        let legendTop = max(header, gridTop + Double(gridRows) * 40 + 12 - (grid.isEmpty ? 0 : 0))
        let captionLines = Self.wrap(caption, Int((width - 2 * margin) / 5.6))
        // Legend labels wrap within the legend's column (≈ 26 characters at 12 px); an entry is 22 px, 14 more per line.
        let legendLines = legend.map { Self.wrap($0.label, 26) }
        var legendTops: [Double] = []
        var legendBottom = header
        for lines in legendLines {
            legendTops.append(legendBottom)
            legendBottom += 22 + 14 * Double(lines.count - 1)
        }
        let bottom = max(header + mapHeight, gridTop + Double(gridRows) * 40, legendBottom) + 26 + 14 * Double(captionLines.count)
        let height = max(bottom, legendTop)

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(f(width)) \(f(height))" width="\(f(width))" height="\(f(height))" \
            role="img" aria-label="\(XMLText.escape(title))" font-family="system-ui, sans-serif" \
            data-min-lon="\(minLon)" data-max-lat="\(maxLat)" data-scale="\(scale)" data-squash="\(squash)" data-left="\(margin)" data-top="\(header)">
            <title>\(XMLText.escape(title))</title>
            <defs><pattern id="zone-hatch" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">\
            <line x1="0" y1="0" x2="0" y2="7" stroke="\(Self.zoneColor)" stroke-width="2.2"/></pattern></defs>
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(f(margin))" y="24" font-size="18" font-weight="600">\(XMLText.escape(title))</text>
            <text x="\(f(margin))" y="44" font-size="13" fill="#444">\(XMLText.escape(subtitle))</text>

            """
        let byCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        svg += "<g stroke=\"#ffffff\" stroke-width=\"1.2\" fill-rule=\"evenodd\">\n"
        for boundary in shown {
            guard let region = byCode[boundary.code] else { continue }
            var d = ""
            for ring in boundary.rings {
                var last = ""
                for (i, p) in ring.enumerated() {
                    let point = "\(f(x(p.lon))) \(f(y(p.lat)))"
                    if point == last && i != ring.count - 1 { continue }   // points closer than the drawing's precision
                    d += (i == 0 ? "M" : "L") + point
                    last = point
                }
                d += "Z"
            }
            svg += "<path data-code=\"\(XMLText.escape(region.code))\" fill=\"\(XMLText.escape(region.fill))\" d=\"\(d)\">"
            svg += "<title>\(XMLText.escape(region.title))</title></path>\n"
        }
        svg += "</g>\n<g font-size=\"11\" text-anchor=\"middle\" fill=\"#111\" pointer-events=\"none\">\n"
        for boundary in shown {
            guard let region = byCode[boundary.code], let label = region.label else { continue }
            let c = Self.labelPoint(boundary)
            svg += "<text x=\"\(f(x(c.lon)))\" y=\"\(f(y(c.lat)))\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">\(XMLText.escape(label))</text>\n"
        }
        svg += "</g>\n"
        if !zones.isEmpty {
            svg += "<g class=\"zones\" fill=\"url(#zone-hatch)\" fill-opacity=\"0.6\" stroke=\"\(Self.zoneColor)\" stroke-width=\"2\" stroke-dasharray=\"6 3\" fill-rule=\"evenodd\">\n"
            for zone in zones where !zone.rings.isEmpty {
                let d = zone.rings.map { ring in
                    ring.enumerated().map { (i, p) in (i == 0 ? "M" : "L") + "\(f(x(p.lon))) \(f(y(p.lat)))" }.joined() + "Z"
                }.joined()
                svg += "<path d=\"\(d)\"><title>\(XMLText.escape(zone.title))</title></path>\n"
            }
            svg += "</g>\n"
        }
        if !points.isEmpty {
            svg += "<g stroke=\"#ffffff\" stroke-width=\"1\">\n"
            for p in points where p.lon >= minLon && p.lon <= maxLon && p.lat >= minLat && p.lat <= maxLat {
                svg += "<circle cx=\"\(f(x(p.lon)))\" cy=\"\(f(y(p.lat)))\" r=\"4\" fill=\"\(XMLText.escape(p.color))\"><title>\(XMLText.escape(p.title))</title></circle>\n"
            }
            svg += "</g>\n"
        }
        if !grid.isEmpty {
            svg += "<text x=\"\(f(margin))\" y=\"\(f(gridTop - 8))\" font-size=\"13\" font-weight=\"600\">\(XMLText.escape(gridHeading))</text>\n"
            svg += "<g font-size=\"10\">\n"
            for (i, region) in grid.enumerated() {
                let cx = margin + Double(i % columns) * cell
                let cy = gridTop + Double(i / columns) * 40
                svg += "<g data-code=\"\(XMLText.escape(region.code))\"><title>\(XMLText.escape(region.title))</title>"
                svg += "<rect x=\"\(f(cx))\" y=\"\(f(cy))\" width=\"\(f(cell - 4))\" height=\"36\" rx=\"3\" fill=\"\(XMLText.escape(region.fill))\"/>"
                if let zone = zones.first(where: { $0.gridCodes.contains(region.code) }) {
                    svg += "<rect class=\"zone\" x=\"\(f(cx + 1))\" y=\"\(f(cy + 1))\" width=\"\(f(cell - 6))\" height=\"34\" rx=\"3\" fill=\"url(#zone-hatch)\" "
                    svg += "fill-opacity=\"0.5\" stroke=\"\(Self.zoneColor)\" stroke-width=\"2\"><title>\(XMLText.escape(zone.title))</title></rect>"
                }
                svg += "<text x=\"\(f(cx + 4))\" y=\"\(f(cy + 14))\">\(XMLText.escape(Self.short(region.name, 22)))</text>"
                if let label = region.label { svg += "<text x=\"\(f(cx + 4))\" y=\"\(f(cy + 29))\" font-weight=\"600\">\(XMLText.escape(label))</text>" }
                svg += "</g>\n"
            }
            svg += "</g>\n"
        }
        let legendX = width - margin - 190
        svg += "<g font-size=\"12\">\n"
        for (i, entry) in legend.enumerated() {
            let ly = legendTops[i]
            switch entry.symbol {
            case .square:
                svg += "<rect x=\"\(f(legendX))\" y=\"\(f(ly))\" width=\"16\" height=\"16\" fill=\"\(XMLText.escape(entry.color))\" stroke=\"#888\" stroke-width=\"0.5\"/>"
            case .dot:
                svg += "<circle cx=\"\(f(legendX + 8))\" cy=\"\(f(ly + 8))\" r=\"5\" fill=\"\(XMLText.escape(entry.color))\" stroke=\"#ffffff\"/>"
            case .hatch:
                svg += "<rect x=\"\(f(legendX))\" y=\"\(f(ly))\" width=\"16\" height=\"16\" fill=\"url(#zone-hatch)\" stroke=\"\(XMLText.escape(entry.color))\" stroke-width=\"1.5\"/>"
            }
            for (k, line) in legendLines[i].enumerated() {
                svg += "<text x=\"\(f(legendX + 22))\" y=\"\(f(ly + 12.5 + 14 * Double(k)))\">\(XMLText.escape(line))</text>\n"
            }
        }
        svg += "</g>\n"
        for (i, line) in captionLines.enumerated() {
            let ly = height - 14 * Double(captionLines.count - i)
            svg += "<text x=\"\(f(margin))\" y=\"\(f(ly))\" font-size=\"10\" fill=\"#555\">\(XMLText.escape(line))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// A point inside the largest ring for the label: the centre of the widest horizontal run through the ring's
    /// middle latitude (a bounding-box centre can fall outside a concave district).
    public static func labelPoint(_ boundary: Boundary) -> Boundary.Point {
        guard let ring = boundary.rings.max(by: { $0.count < $1.count }), ring.count > 2 else { return Boundary.Point(lon: 0, lat: 0) }
        let lats = ring.map(\.lat)
        let midLat = (lats.min()! + lats.max()!) / 2
        var crossings: [Double] = []
        for (a, b) in zip(ring, ring.dropFirst()) where (a.lat <= midLat) != (b.lat <= midLat) {
            crossings.append(a.lon + (midLat - a.lat) / (b.lat - a.lat) * (b.lon - a.lon))
        }
        crossings.sort()
        var best = (width: -1.0, lon: ring[0].lon)
        for i in stride(from: 0, to: crossings.count - 1, by: 2) where crossings[i + 1] - crossings[i] > best.width {
            best = (crossings[i + 1] - crossings[i], (crossings[i] + crossings[i + 1]) / 2)
        }
        return Boundary.Point(lon: best.lon, lat: midLat)
    }

    public static let zoneColor = "#b00020"

    /// Words into lines of at most `width` characters (a word longer than that gets a line of its own).
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    static func short(_ text: String, _ n: Int) -> String { text.count <= n ? text : String(text.prefix(n - 1)) + "…" }

    func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
