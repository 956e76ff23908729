import JianfuReports
import Testing

/// The HTML builder escapes by construction; display numbers round half away from zero.
@Suite struct HTMLBuilderTests {
    private func render(_ node: HTMLNode) -> String {
        let out = OutputBuffer()
        node.render(to: out)
        return out.text
    }

    @Test func textAndAttributesAreEscaped() {
        let node = HTMLNode.el("p", .class("a\"b'c<d>"), .title("x & y")) {
            "<script>alert(1)</script> & \u{0}"
        }
        #expect(render(node) == "<p class=\"a&quot;b&#39;c&lt;d&gt;\" title=\"x &amp; y\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; \u{FFFD}</p>")
    }

    @Test func voidElementsHaveNoEndTag() {
        #expect(render(.el("meta", HTMLAttribute("charset", "utf-8"))) == "<meta charset=\"utf-8\">")
    }

    @Test func linksAreRelative() {
        #expect(PageLink.unitPage("330106001", from: .index).path == "units/330106001.html")
        #expect(PageLink.unitPage("330106001", from: .unitPage).path == "330106001.html")
        #expect(PageLink.index(from: .unitPage).path == "../index.html")
        #expect(render(.el("a", .href(.anchor("trend-<x>")))).hasPrefix("<a href=\"#trend-_x_-"))
    }

    @Test func unitFileNames() {
        #expect(UnitPageName.safe("330106001001") == "330106001001")
        #expect(UnitPageName.safe("dept_A-1") == "dept_A-1")
        let slash = UnitPageName.safe("a/b"), question = UnitPageName.safe("a?b")
        #expect(slash.hasPrefix("a_b-") && question.hasPrefix("a_b-") && slash != question)
        for id in ["a/b", "../../etc/passwd", "县教育局", "", "a b", String(repeating: "x", count: 300)] {
            let name = UnitPageName.safe(id)
            #expect(name.wholeMatch(of: /[A-Za-z0-9_-]{1,80}/) != nil, "\(name)")
            #expect(UnitPageName.safe(id) == name)  // stable
        }
    }

    @Test(arguments: [
        (0.45, "45.0%"), (0.4444444, "44.4%"), (0.0625, "6.3%"), (-0.0004, "0.0%"), (1.0, "100.0%"),
    ])
    func percentages(value: Double, expected: String) {
        #expect(DisplayNumber.percent(value) == expected)
    }

    @Test func levelsAndScores() {
        #expect(DisplayNumber.level(354.1666666) == "354.17")
        #expect(DisplayNumber.level(12.0) == "12")
        #expect(DisplayNumber.level(12.5) == "12.5")
        #expect(DisplayNumber.level(-9) == "-9")
        #expect(DisplayNumber.level(nil) == "—")
        #expect(DisplayNumber.score(92.35) == "92.4")
        #expect(DisplayNumber.percent(0.0625, signed: true) == "+6.3%")
        #expect(DisplayNumber.percent(-0.014, signed: true) == "-1.4%")
    }
}
