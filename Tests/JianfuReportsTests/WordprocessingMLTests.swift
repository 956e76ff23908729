import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import JianfuReports
import Testing

/// The Word document's XML (`bulletin.docx`, SPEC §6) for text a hand-edited export may carry:
/// markup characters, and control characters XML 1.0 does not allow at all.
@Suite struct WordprocessingMLTests {
    /// The text of every `w:t` element, as an XML parser reads it.
    final class TextCollector: NSObject, XMLParserDelegate {
        var texts: [String] = []
        var inText = false
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if name == "w:t" { inText = true; texts.append("") }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "w:t" { inText = false }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText { texts[texts.count - 1] += string }
        }
    }

    @Test func hostileTextStaysWellFormedAndVisible() throws {
        let text = BulletinText(blocks: [
            .title("A&B <b>\"x\"</b>"),
            .paragraph("村\u{1B}]0;title\u{07}名"),
            .item("行1\r\n行2\u{7F}"),
        ])
        let xml = WordprocessingML.document(text)
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = TextCollector()
        parser.delegate = collector
        #expect(parser.parse(), "document.xml is well-formed: \(String(describing: parser.parserError))")
        // ESC (0x1B) → U+241B, BEL (0x07) → U+2407, DEL → U+2421; a line break is one space.
        #expect(collector.texts == ["A&B <b>\"x\"</b>", "村\u{241B}]0;title\u{2407}名", "行1 行2\u{2421}"])
    }

    @Test func pageSetupFollowsGBT9704() {
        // 37 mm = 2098 twips, 35 mm = 1984, 28 mm = 1587.4 → 1587, 26 mm = 1474 (1 mm = 1440 / 25.4 twips).
        let xml = WordprocessingML.document(BulletinText())
        #expect(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"))
        #expect(xml.contains("w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""))
        // 22 lines in the 225 mm type area: 225 / 22 mm = 579.8 twips → 580.
        #expect(xml.contains("w:linePitch=\"580\""))
    }
}
