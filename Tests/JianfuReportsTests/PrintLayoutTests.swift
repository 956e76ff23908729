import Testing

@testable import JianfuReports

/// Which names the print style sheet keeps on one line (`td.one-line { white-space: nowrap }`):
/// ordinary ones, up to 16 characters; a longer one may wrap rather than push its table past the
/// right edge of an A4 page (the demo's longest, 孙立新（县农业农村局局长）, is 12).
@Suite struct PrintLayoutTests {
    @Test func ordinaryNamesStayOnOneLine() {
        #expect(ReportPage.nameClass("person", "孙立新（县农业农村局局长）") == "person one-line")  // 12 characters
        #expect(ReportPage.nameClass("name", "县农业农村局") == "name one-line")
        #expect(ReportPage.nameClass("person", String(repeating: "长", count: 16)) == "person one-line")
        #expect(ReportPage.nameClass("person", String(repeating: "长", count: 17)) == "person")
        #expect(ReportPage.nameClass("name", "") == "name one-line")
    }

    @Test func theStyleSheetPrintsOnA4AndSizesTablesByContent() {
        let css = ReportStyle.css.description
        #expect(css.contains("@page { size: A4 portrait;"))
        #expect(css.contains("table.units { table-layout: auto; }"), "the screen's fixed ranking columns do not fit A4")
        #expect(css.contains("thead { display: table-header-group; }"))
        #expect(css.contains("td.one-line { white-space: nowrap; }"))
    }
}
