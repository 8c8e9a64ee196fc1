import Domain
import Foundation
import SQLKit

/// A transmission chain: cases linked by `case_sources`, with the generation of each (0 for a case with no known
/// source in the chain, then 1, 2 …).
public struct Chain: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public let caseId: Int64
        public let classification: Classification
        public var label: String
        public let generation: Int
        public let communeCode: String
    }
    public struct Link: Sendable, Equatable {
        public let from: Int64
        public let to: Int64
        public let kind: String
    }
    public var nodes: [Node]
    public let links: [Link]
    /// True when the chain was cut at the node limit.
    public let truncated: Bool

    /// The chain around `caseID`: every case reachable through source links in either direction, up to `limit`.
    public static func around(_ caseID: Int64, limit: Int = 200, on db: any SQLDatabase) async throws -> Chain {
        var seen: Set<Int64> = [caseID]
        var frontier: [Int64] = [caseID]
        var links: [Link] = []
        var linkKeys = Set<String>()
        var truncated = false
        while !frontier.isEmpty {
            var next: [Int64] = []
            for start in stride(from: 0, to: frontier.count, by: 500) {
                let slice = Array(frontier[start..<min(start + 500, frontier.count)])
                let rows = try await db.raw("""
                    SELECT case_id, source_case_id, kind FROM case_sources
                    WHERE case_id IN (\(binds: slice)) OR source_case_id IN (\(binds: slice))
                    ORDER BY source_case_id, case_id
                    """).all()
                for row in rows {
                    let to = try row.decode(column: "case_id", as: Int64.self), from = try row.decode(column: "source_case_id", as: Int64.self)
                    for id in [from, to] where !seen.contains(id) {
                        if seen.count >= limit { truncated = true; continue }
                        seen.insert(id)
                        next.append(id)
                    }
                    if seen.contains(from), seen.contains(to), linkKeys.insert("\(from)>\(to)").inserted {
                        links.append(Link(from: from, to: to, kind: try row.decode(column: "kind", as: String.self)))
                    }
                }
            }
            frontier = next
        }
        var classes: [Int64: (Classification, String, String)] = [:]
        let ids = seen.sorted()
        for start in stride(from: 0, to: ids.count, by: 500) {
            let slice = Array(ids[start..<min(start + 500, ids.count)])
            for row in try await db.raw("""
                SELECT c.id, c.classification, c.commune_code, p.full_name FROM cases c JOIN persons p ON p.id = c.person_id WHERE c.id IN (\(binds: slice))
                """).all() {
                classes[try row.decode(column: "id", as: Int64.self)] = (
                    Classification(rawValue: try row.decode(column: "classification", as: String.self)) ?? .suspected,
                    try row.decode(column: "full_name", as: String.self), try row.decode(column: "commune_code", as: String.self))
            }
        }
        let generations = generationsOf(ids, links)
        let nodes = ids.compactMap { id -> Node? in
            guard let (classification, name, commune) = classes[id] else { return nil }
            return Node(caseId: id, classification: classification, label: "#\(id) \(name)", generation: generations[id] ?? 0, communeCode: commune)
        }
        return Chain(nodes: nodes, links: links.sorted { ($0.from, $0.to) < ($1.from, $1.to) }, truncated: truncated)
    }

    /// Longest distance from a source-less case, so a case appears after every case it caught it from (cycles,
    /// which the data should never hold, are broken by the visiting order).
    static func generationsOf(_ ids: [Int64], _ links: [Link]) -> [Int64: Int] {
        var incoming: [Int64: [Int64]] = [:]
        for link in links { incoming[link.to, default: []].append(link.from) }
        var memo: [Int64: Int] = [:]
        var visiting = Set<Int64>()
        func depth(_ id: Int64) -> Int {
            if let known = memo[id] { return known }
            guard visiting.insert(id).inserted else { return 0 }
            let value = (incoming[id] ?? []).map { depth($0) + 1 }.max() ?? 0
            visiting.remove(id)
            memo[id] = value
            return value
        }
        for id in ids { _ = depth(id) }
        return memo
    }
}

/// Draws a chain as SVG, generations as columns left to right, so that 200 cases stay legible: fixed row height,
/// labels cut to fit, links as curves from a source's right edge to a contact's left edge.
public enum ChainDiagram {
    static let columnWidth = 230.0, rowHeight = 22.0, boxWidth = 190.0, boxHeight = 18.0, margin = 10.0

    public static func svg(_ chain: Chain, highlight: Int64? = nil, title: String) -> String {
        let columns = Dictionary(grouping: chain.nodes, by: \.generation)
        var position: [Int64: (x: Double, y: Double)] = [:]
        for (generation, nodes) in columns {
            for (row, node) in nodes.sorted(by: { ($0.classification, $0.caseId) < ($1.classification, $1.caseId) }).enumerated() {
                position[node.caseId] = (margin + Double(generation) * columnWidth, margin + 20 + Double(row) * rowHeight)
            }
        }
        let width = margin * 2 + Double((columns.keys.max() ?? 0) + 1) * columnWidth
        let height = margin * 2 + 20 + Double(columns.values.map(\.count).max() ?? 1) * rowHeight
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" \
            role="img" aria-label="\(escape(title))" font-family="system-ui, sans-serif" font-size="11">
            <title>\(escape(title))</title>
            """
        for generation in (columns.keys.sorted()) {
            out += "<text x=\"\(Int(margin + Double(generation) * columnWidth))\" y=\"\(Int(margin + 10))\" font-weight=\"600\">\(generation == 0 ? "Nguồn" : "Thế hệ \(generation)")</text>"
        }
        for link in chain.links {
            guard let a = position[link.from], let b = position[link.to] else { continue }
            let x1 = a.x + boxWidth, y1 = a.y + boxHeight / 2, x2 = b.x, y2 = b.y + boxHeight / 2
            let mid = (x1 + x2) / 2
            out += "<path d=\"M\(f(x1)),\(f(y1)) C\(f(mid)),\(f(y1)) \(f(mid)),\(f(y2)) \(f(x2)),\(f(y2))\" fill=\"none\" stroke=\"#98a2b3\" stroke-width=\"1\"\(link.kind == "household" ? " stroke-dasharray=\"3 2\"" : "")/>"
        }
        for node in chain.nodes {
            guard let p = position[node.caseId] else { continue }
            let fill: String
            switch node.classification {
            case .f0: fill = "#b42318"
            case .f1: fill = "#f79009"
            case .f2: fill = "#fde68a"
            case .suspected: fill = "#d0d5dd"
            }
            let ink = node.classification == .f0 ? "#fff" : "#000"
            let stroke = node.caseId == highlight ? " stroke=\"#1d4ed8\" stroke-width=\"2\"" : ""
            let label = node.label.count > 30 ? String(node.label.prefix(29)) + "…" : node.label
            out += "<a href=\"/cases/\(node.caseId)\"><rect x=\"\(f(p.x))\" y=\"\(f(p.y))\" width=\"\(f(boxWidth))\" height=\"\(f(boxHeight))\" rx=\"3\" fill=\"\(fill)\"\(stroke)>"
            out += "<title>\(escape(node.classification.rawValue + " " + node.label))</title></rect>"
            out += "<text x=\"\(f(p.x + 4))\" y=\"\(f(p.y + 13))\" fill=\"\(ink)\">\(escape(node.classification.rawValue + " " + label))</text></a>"
        }
        return out + "</svg>"
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ text: String) -> String { XMLText.escape(text) }
}
