@testable import ContactTracing
import Domain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite struct ChainTests {
    /// 1 F0 → 20 F1 → 179 F2 (200 cases): every case drawn once, in its generation's column, no two boxes
    /// overlapping, and the SVG is well-formed XML.
    @Test func twoHundredCasesStayLegible() throws {
        var nodes: [Chain.Node] = [Chain.Node(caseId: 1, classification: .f0, label: "#1 Nguyễn Văn <An> & co\u{0B}", generation: 0, communeCode: "25993")]
        var links: [Chain.Link] = []
        for i in 2...21 {
            nodes.append(Chain.Node(caseId: Int64(i), classification: .f1, label: "#\(i) F1 người số \(i)", generation: 1, communeCode: "25993"))
            links.append(Chain.Link(from: 1, to: Int64(i), kind: i % 3 == 0 ? "household" : "venue"))
        }
        for i in 22...200 {
            nodes.append(Chain.Node(caseId: Int64(i), classification: .f2, label: "#\(i) một cái tên rất dài để thử cắt nhãn cho vừa", generation: 2,
                                    communeCode: "25993"))
            links.append(Chain.Link(from: Int64(2 + i % 20), to: Int64(i), kind: "venue"))
        }
        let chain = Chain(nodes: nodes, links: links, truncated: false)
        #expect(Chain.generationsOf(nodes.map(\.caseId), links)[150] == 2)
        let svg = ChainDiagram.svg(chain, highlight: 1, title: "Chuỗi <1>")
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(!svg.contains("<An>"), "labels are escaped")
        let rects = svg.components(separatedBy: "<rect ").dropFirst().map { part -> (Double, Double) in
            func attribute(_ name: String) -> Double {
                Double(part.components(separatedBy: "\(name)=\"")[1].prefix { $0 != "\"" }) ?? -1
            }
            return (attribute("x"), attribute("y"))
        }
        #expect(rects.count == 200)
        #expect(Set(rects.map { "\($0.0),\($0.1)" }).count == 200, "no two cases in the same place")
        #expect(Set(rects.map(\.0)).count == 3, "three generations, three columns")
        #expect(svg.components(separatedBy: "<path ").count - 1 == links.count)
    }

    @Test func generationsFollowTheLongestPathAndSurviveACycle() {
        let links = [Chain.Link(from: 1, to: 2, kind: "venue"), Chain.Link(from: 2, to: 3, kind: "venue"), Chain.Link(from: 1, to: 3, kind: "venue"),
                     Chain.Link(from: 4, to: 5, kind: "venue"), Chain.Link(from: 5, to: 4, kind: "venue")]
        let g = Chain.generationsOf([1, 2, 3, 4, 5], links)
        #expect(g[1] == 0 && g[2] == 1 && g[3] == 2)
        #expect(g[4] != nil && g[5] != nil)
    }
}
