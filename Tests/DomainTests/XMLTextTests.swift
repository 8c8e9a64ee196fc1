import Domain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `XMLText.escape` (plain text skipped on a byte scan): whatever it writes, an XML parser reads back as the text with
/// only the characters XML 1.0 forbids left out (and it is well-formed inside a quoted attribute too).
@Suite struct XMLTextTests {
    final class Reader: NSObject, XMLParserDelegate {
        var text = ""
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    @Test func whatItWritesParsesBackToTheText() throws {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["Nguyễn", "Ánh", "&", "<", ">", "\"", "'", "\t", "\n", "\u{1}", "\u{1F}", "\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "\u{FEFF}",
                      "ï¿", "a", " ", "𝔸", "€", "¾", "&amp;"]
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let escaped = XMLText.escape(text)
            let reader = Reader()
            let parser = XMLParser(data: Data("<r v=\"\(escaped)\">\(escaped)</r>".utf8))
            parser.delegate = reader
            #expect(parser.parse(), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            let allowed = String(String.UnicodeScalarView(text.unicodeScalars.filter { s in
                s == "\t" || s == "\n" || (s.value >= 0x20 && s.value != 0xFFFE && s.value != 0xFFFF)
            }))
            #expect(reader.text == allowed, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(XMLText.escape("Trần <Út> & \"Bé\"") == "Trần &lt;Út&gt; &amp; &quot;Bé&quot;")
        #expect(XMLText.escape("Nguyễn Thị Ánh") == "Nguyễn Thị Ánh")
    }
}
