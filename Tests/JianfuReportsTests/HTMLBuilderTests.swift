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
        #expect(PageLink.unitPage("330106001", index: 0, from: .index).path == "units/330106001.html")
        #expect(PageLink.unitPage("330106001", index: 0, from: .unitPage).path == "330106001.html")
        #expect(PageLink.index(from: .unitPage).path == "../index.html")
        // < is 3C, > is 3E.
        #expect(render(.el("a", .href(.anchor("trend-<x>")))) == "<a href=\"#trend-~3cx~3e\"></a>")
    }

    @Test func unitFileNames() {
        #expect(UnitPageName.fileName(for: "330106001001", index: 5) == "330106001001.html")
        // _ and - are kept; a capital is escaped (A is 41), so A1 and a1 differ on any file system.
        #expect(UnitPageName.safe("dept_A-1") == "dept_~41-1")
        #expect(UnitPageName.safe("a1") != UnitPageName.safe("A1"))
        // / is 2F, ? is 3F, ~ is 7E, . is 2E, space is 20.
        #expect(UnitPageName.safe("a/b") == "a~2fb")
        #expect(UnitPageName.safe("a?b") == "a~3fb")
        #expect(UnitPageName.safe("a~2fb") == "a~7e2fb")
        #expect(UnitPageName.safe("../x") == "~2e~2e~2fx")
        #expect(UnitPageName.safe("") == "~")
        for id in ["a/b", "../../etc/passwd", "县教育局", "", "a b", "a_b", String(repeating: "x", count: 300)] {
            let name = UnitPageName.fileName(for: id, index: 7)
            #expect(name.wholeMatch(of: /[a-z0-9_~-]{1,200}\.html/) != nil, "\(name)")
            #expect(UnitPageName.fileName(for: id, index: 7) == name)  // stable
        }
    }

    /// Issue 11 item 12: with 8 hex digits of a hash over a mangled prefix, 东新左火 and 南右区旧
    /// were both `____-58382126.html`. Their UTF-8 bytes: 东 E4 B8 9C, 新 E6 96 B0, 左 E5 B7 A6,
    /// 火 E7 81 AB; 南 E5 8D 97, 右 E5 8F B3, 区 E5 8C BA, 旧 E6 97 A7.
    @Test func unitFileNamesAreUniqueByConstruction() {
        #expect(UnitPageName.fileName(for: "东新左火", index: 0) == "~e4~b8~9c~e6~96~b0~e5~b7~a6~e7~81~ab.html")
        #expect(UnitPageName.fileName(for: "南右区旧", index: 1) == "~e5~8d~97~e5~8f~b3~e5~8c~ba~e6~97~a7.html")
        // An id too long to spell out (300 bytes of x: 200 at most are) is named by its first
        // 176 characters and its index; `~u` appears in no spelled-out name.
        let long = String(repeating: "x", count: 300)
        #expect(UnitPageName.fileName(for: long, index: 12) == String(repeating: "x", count: 176) + "~u12.html")
        #expect(UnitPageName.fileName(for: long + "y", index: 13) == String(repeating: "x", count: 176) + "~u13.html")
        // 60 CJK characters are 540 escaped bytes; the first 176 end in "~e4~b" (19 characters
        // of 9 bytes are 171), cut back to the last whole escape: never inside a ~hh.
        let cjk = UnitPageName.fileName(for: String(repeating: "东", count: 60), index: 3)
        #expect(cjk == String(repeating: "~e4~b8~9c", count: 19) + "~e4~u3.html")
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
