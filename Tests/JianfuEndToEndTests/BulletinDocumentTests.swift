import Foundation
import JianfuTestSupport
import Testing

/// The written bulletin (通报稿, SPEC §6) of the demo: `bulletin.docx` read back by python-docx
/// (text, styles, page setup after GB/T 9704-2012) and converted by LibreOffice, and
/// `bulletin.md` carrying the same text. `scripts/setup.sh` installs python-docx and LibreOffice.
@Suite struct BulletinDocumentTests {
    static func docx(_ file: URL) throws -> [String: Any] {
        let script = Jianfu.packageRoot.appendingPathComponent("scripts/check-docx.py")
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, file.path])
        try #require(result.status == 0, "check-docx.py: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func demoBulletinOpensInPythonDocxWithTheStandardLayout() throws {
        let (dir, result) = try DemoTests.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result.stderr)")
        let document = try Self.docx(dir.file("out/bulletin.docx"))
        // GB/T 9704-2012 §5.2: A4, margins top 37, bottom 35, left 28, right 26 mm.
        let page = try #require(document["page"] as? [String: Double])
        #expect(page["width"] == 210.0 && page["height"] == 297.0, "\(page)")
        #expect(page["top"] == 37.0 && page["bottom"] == 35.0 && page["left"] == 28.0 && page["right"] == 26.0, "\(page)")
        // §7: title 二号 (22 pt) 方正小标宋简体; body 三号 (16 pt) 仿宋_GB2312; headings 黑体, 楷体_GB2312.
        let styles = try #require(document["styles"] as? [String: [String: Any]])
        #expect(styles["Title"]?["east_asia"] as? String == "方正小标宋简体")
        #expect(styles["Title"]?["size_pt"] as? Double == 22)
        #expect(styles["Normal"]?["east_asia"] as? String == "仿宋_GB2312")
        #expect(styles["Normal"]?["size_pt"] as? Double == 16)
        #expect(styles["Heading 1"]?["east_asia"] as? String == "黑体")
        #expect(styles["Heading 2"]?["east_asia"] as? String == "楷体_GB2312")

        let paragraphs = try #require(document["paragraphs"] as? [[String: String]])
        let texts = paragraphs.map { $0["text"] ?? "" }
        // The demo's evaluation window ends 2024-12.
        #expect(texts.first == "关于2024年12月基层减负工作情况的通报")
        #expect(paragraphs.first?["style"] == "Title")
        let headings = paragraphs.filter { $0["style"] == "Heading 1" }.map { $0["text"] ?? "" }
        #expect(headings == ["一、总体情况", "二、分类排名", "三、预警和返工补课", "四、未报送单位", "五、下月随机调研名单"])
        // 四、未报送单位: 石桥村 last reported 2024-08, so it has been silent 4 months (fixtures/demo/README.md).
        #expect(texts.contains { $0.contains("石桥村") && $0.contains("已4个月未报送") }, "\(texts)")
        // 三: 县教育局 has 3 seconded staff against its category's cap of 2 (alerts.csv: value 3, threshold 2).
        #expect(texts.contains { $0.contains("县教育局") && $0.contains("借调人数超出上限") && $0.contains("上限 2") }, "\(texts)")

        // 一、总体情况 states each count metric's December total and 1—12月累计 as indicators.csv
        // has them: the leaf units' (rollup false) month_value and ytd, added up here.
        let indicators = try csvRows(dir.file("out/indicators.csv"))
        let header = try #require(indicators.first)
        let column = { (name: String) in try #require(header.firstIndex(of: name), "no column \(name)") }
        let (metricColumn, rollupColumn, monthColumn, ytdColumn) = (try column("metric"), try column("rollup"), try column("month_value"), try column("ytd"))
        for (metric, label, word) in [("documents", "发文", "件"), ("meetings", "会议", "次"), ("inspections", "督查检查考核", "次")] {
            let leaves = indicators.dropFirst().filter { $0[metricColumn] == metric && $0[rollupColumn] == "false" }
            let month = leaves.compactMap { Double($0[monthColumn]) }.reduce(0, +)
            let ytd = leaves.compactMap { Double($0[ytdColumn]) }.reduce(0, +)
            let sentence = try #require(texts.first { $0.hasPrefix(label + "：") }, "no sentence for \(label)")
            #expect(sentence.contains("12月\(label)\(Int(month))\(word)"), "\(sentence) vs month total \(month)")
            #expect(sentence.contains("1—12月累计\(label)\(Int(ytd))\(word)"), "\(sentence) vs ytd \(ytd)")
        }

        // bulletin.md carries the same text, block for block.
        let markdown = try String(contentsOf: dir.file("out/bulletin.md"), encoding: .utf8)
        for text in texts where !text.isEmpty {
            let plain = markdown.replacingOccurrences(of: "\\", with: "")
            #expect(plain.contains(text), "bulletin.md lacks: \(text)")
        }
    }

    @Test func demoBulletinConvertsWithLibreOffice() throws {
        let (dir, result) = try DemoTests.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result.stderr)")
        let pdf = try convertWithLibreOffice(dir.file("out/bulletin.docx"), in: dir)
        let text = try pdfText(pdf)
        #expect(text.contains("基层减负工作情况的通报"), "\(text.prefix(500))")
        #expect(text.contains("一、总体情况"))
        // Page numbers as `— N —` (pdftotext may drop the spaces).
        #expect(text.replacingOccurrences(of: " ", with: "").contains("—1—"), "a page number in the footer")
        let info = try runProcess(URL(fileURLWithPath: "/usr/bin/pdfinfo"), [pdf.path])
        #expect(info.stdout.contains("A4") || info.stdout.contains("595.") , "\(info.stdout)")
    }
}
