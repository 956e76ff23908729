import JianfuIndicators
import JianfuModel
@testable import JianfuReports
import Testing

/// The pieces of `jianfu.xlsx` that the end-to-end tests (ResultsWorkbookTests, openpyxl and
/// LibreOffice) do not reach cheaply: deterministic bytes, the cap on 未通过行, cell references,
/// widths, the XML of a cell.
@Suite struct ResultsWorkbookWriterTests {
    @Test func sameRunSameBytes() throws {
        let fixture = try ReportFixture()
        let first = OutputBuffer(), second = OutputBuffer()
        ResultsWorkbookWriter().write(fixture.evaluation, run: fixture.run, to: first)
        ResultsWorkbookWriter().write(fixture.evaluation, run: fixture.run, to: second)
        #expect(first.bytes.count > 1000)
        #expect(first.bytes == second.bytes)
        // A ZIP file: local file header signature PK\3\4, first entry [Content_Types].xml.
        #expect(Array(first.bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        #expect(String(decoding: first.bytes[30..<49], as: UTF8.self) == "[Content_Types].xml")
    }

    @Test func rejectedRowsAreCappedWithANote() {
        let limit = ResultsWorkbookWriter.rejectedRowLimit
        let rejections = (0..<(limit + 2)).map {
            Rejection(source: "counts", line: $0 + 2, field: "value", problem: .notANumber("x"), raw: "a,b")
        }
        let sheet = ResultsWorkbookWriter.rejectedSheet(rejections)
        #expect(sheet.rows.count == 100_000)
        #expect(SpreadsheetML.filterRange(sheet) == "A2:G100002")  // rejected.csv's 7 columns
        guard case .text(let note, .note)? = sheet.after.first?.first else {
            Issue.record("a note row after the table")
            return
        }
        #expect(note.hasPrefix("另有 2 行未列出") && note.contains("100002") && note.contains("rejected.csv"), "\(note)")
        // Under the limit: no note.
        #expect(ResultsWorkbookWriter.rejectedSheet(Array(rejections.prefix(3))).after.isEmpty)
    }

    @Test func columnNamesAndWidths() {
        #expect(SpreadsheetML.columnName(0) == "A")
        #expect(SpreadsheetML.columnName(25) == "Z")
        #expect(SpreadsheetML.columnName(26) == "AA")
        #expect(SpreadsheetML.columnName(701) == "ZZ")
        #expect(SpreadsheetML.columnName(702) == "AAA")
        #expect(SpreadsheetML.absolute("A2:X152") == "$A$2:$X$152")
        // 示例县 is three wide characters, ab two narrow ones; （） are fullwidth.
        #expect(SpreadsheetML.displayWidth("示例县ab") == 8)
        #expect(SpreadsheetML.displayWidth("县（区）") == 8)
        // 49.5 % shows as `49.5%` (2 digits + 3); 528.67 as `528.67` (3 + 3); a count as its digits.
        #expect(SpreadsheetML.width(.number(0.495, .percent)) == 5)
        #expect(SpreadsheetML.width(.number(528.6666, .level)) == 6)
        #expect(SpreadsheetML.width(.number(5037, .integer)) == 4)
    }

    @Test func cellsHoldNumbersAsNumbersAndTextAsInlineStrings() {
        #expect(SpreadsheetML.number(3) == "3")
        #expect(SpreadsheetML.number(-1) == "-1")
        #expect(SpreadsheetML.number(0.25) == "0.25")
        var sheet = SpreadsheetML.Sheet(name: "表", columns: [.init(id: "a", header: "甲"), .init(id: "b", header: "乙")])
        sheet.rows = [[.text("=HYPERLINK(\"http://x\",\"y\")"), .number(0.5, .percent)], [.text("a\u{1}b<"), .number(nil, .level)]]
        let xml = SpreadsheetML.worksheet(sheet, selected: true)
        #expect(!xml.contains("<f>") && !xml.contains("<f "))
        #expect(xml.contains("<c r=\"A3\" t=\"inlineStr\"><is><t xml:space=\"preserve\">=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</t></is></c>"))
        #expect(xml.contains("<c r=\"B3\" s=\"2\"><v>0.5</v></c>"))
        #expect(xml.contains("a\u{2401}b&lt;"), "U+0001 as its control picture")
        #expect(!xml.contains("r=\"B4\""), "an empty cell is left out")
        #expect(xml.contains("<pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        #expect(xml.contains("<row r=\"1\" hidden=\"1\">"))
        #expect(xml.contains("<autoFilter ref=\"A2:B4\"/>"))
        let workbook = SpreadsheetML.workbook([sheet])
        #expect(workbook.contains("<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'表'!$A$2:$B$4</definedName>"))
    }
}
