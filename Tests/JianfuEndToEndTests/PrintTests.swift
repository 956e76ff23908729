import Foundation
import JianfuTestSupport
import Testing

/// The HTML reports printed on A4 (SPEC §6, issue 12 "Print"): headless Chromium prints the
/// demo's `index.html` and the county's unit page to PDF, and poppler's `pdfinfo` and
/// `pdftotext` read the result back. The tools are required, not optional: `scripts/setup.sh`
/// installs `chromium`, `fonts-wqy-microhei` and `poppler-utils`, and a missing one fails here.
@Suite struct PrintTests {
    /// A4 portrait in PostScript points (210 × 297 mm), and the print style sheet's side margin
    /// (12 mm = 34.0 pt).
    static let a4 = (width: 595.28, height: 841.89)
    static let sideMargin = 12 / 25.4 * 72

    @Test func demoIndexPrintsOnAtMostSixA4Pages() throws {
        let (dir, result) = try DemoTests.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result.stderr)")
        let pdf = try Self.print(dir.file("out/index.html"), to: dir.file("index.pdf"), in: dir)
        let info = try Self.pdfInfo(pdf)
        // The demo's index: 30 units in 5 category tables, 5 charts, 16 alerts, 9 rejected rows.
        // Before the print style sheet sized the ranking columns it took 11 pages.
        #expect(info.pages >= 3 && info.pages <= 6, "index.pdf has \(info.pages) pages")
        #expect(abs(info.width - Self.a4.width) < 1 && abs(info.height - Self.a4.height) < 1, "not A4 portrait: \(info)")

        let text = try Self.pdfText(pdf)
        // Every responsible person (fixtures/demo/units.csv) is in the ranking, whole on one line.
        let people = try Self.responsiblePersons()
        #expect(people.count == 30)
        for person in people {
            #expect(text.contains { $0.contains(person) }, "\(person) is not whole on one line of the printed index")
        }
        // The column headers of the ranking are not run into each other.
        #expect(text.contains { $0.contains("减负责任人") && $0.contains("综合得分") })
        // The issue header (pipelines/demo.yml `bulletin:`).
        #expect(text.contains { $0.contains("第12期") })
        #expect(text.contains { $0.contains("示例县减轻基层负担工作专班办公室") })
        try Self.expectNothingPastTheRightMargin(pdf)
    }

    @Test func countyUnitPagePrintsWithItsChildrenWhole() throws {
        let (dir, result) = try DemoTests.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result.stderr)")
        // The county (示例县) is the page with the most children: 5 departments and 4 townships.
        let units = dir.file("out/units")
        let page = try #require(try FileManager.default.contentsOfDirectory(atPath: units.path).map { units.appendingPathComponent($0) }
            .first { (try? String(contentsOf: $0, encoding: .utf8))?.contains("单位代码 330199000000<") == true })
        let pdf = try Self.print(page, to: dir.file("unit.pdf"), in: dir)
        let info = try Self.pdfInfo(pdf)
        #expect(info.pages >= 1 && info.pages <= 4, "the county's page has \(info.pages) pages")
        #expect(abs(info.width - Self.a4.width) < 1, "\(info)")
        let text = try Self.pdfText(pdf)
        for child in ["李敏（县教育局副局长）", "孙立新（县农业农村局局长）", "陈志强（镇长）", "朱伟（街道办事处主任）"] {
            #expect(text.contains { $0.contains(child) }, "\(child) is not whole on one line of the county's printed page")
        }
        try Self.expectNothingPastTheRightMargin(pdf)
    }

    /// Names far longer than ordinary ones wrap inside their column instead of pushing the table
    /// past the right edge of the page.
    @Test func extraordinaryNamesWrapInsteadOfRunningOffThePage() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let person = String(repeating: "很长的减负责任人姓名", count: 6)  // 60 characters
        let unit = String(repeating: "名称特别长的行政村", count: 5)  // 45 characters
        try dir.write("units.csv", LongLayoutRunTests.units
            .replacingOccurrences(of: "东门村,village,T1,李四", with: "\(unit),village,T1,\(person)"))
        try dir.write("counts.csv", LongLayoutRunTests.counts)
        let pipeline = try dir.write("tiny.yml", LongLayoutRunTests.pipeline
            .replacingOccurrences(of: "formats: [csv, json, prom]", with: "formats: [html]"))
        let result = try Jianfu.run(["run", pipeline.path])
        try #require(result.status == 0, "\(result)")
        let html = try String(contentsOf: dir.file("out/index.html"), encoding: .utf8)
        #expect(html.contains("<td class=\"person\">\(person)</td>"), "no one-line class for 60 characters")
        let pdf = try Self.print(dir.file("out/index.html"), to: dir.file("index.pdf"), in: dir)
        #expect(try Self.pdfInfo(pdf).pages <= 4)
        try Self.expectNothingPastTheRightMargin(pdf)
    }

    // MARK: Tools

    /// The `responsible` column of the demo's unit list.
    static func responsiblePersons() throws -> [String] {
        let rows = try csvRows(Jianfu.demoFixtures.appendingPathComponent("units.csv"))
        let column = try #require(rows.first?.firstIndex(of: "responsible"))
        return rows.dropFirst().map { $0[column] }.filter { !$0.isEmpty }
    }

    /// A tool on `PATH`; a failed requirement naming the package when it is missing.
    static func tool(_ name: String, package: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let found = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "\(name) is not installed (apt-get install \(package); bash scripts/setup.sh)")
    }

    /// `page` printed by headless Chromium, without the browser's own header and footer lines.
    static func print(_ page: URL, to pdf: URL, in dir: TempDir) throws -> URL {
        let chromium = try tool("chromium", package: "chromium")
        let run = try runProcess(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--user-data-dir=" + dir.file("chromium-profile").path, "--no-pdf-header-footer",
            "--print-to-pdf=" + pdf.path, "file://" + page.path,
        ], timeLimit: 120)
        try #require(FileManager.default.fileExists(atPath: pdf.path), "chromium wrote no PDF: \(run.stderr)")
        return pdf
    }

    /// `pdfinfo`'s page count and the first page's size in points.
    static func pdfInfo(_ pdf: URL) throws -> (pages: Int, width: Double, height: Double) {
        let run = try runProcess(try tool("pdfinfo", package: "poppler-utils"), [pdf.path])
        try #require(run.status == 0, "\(run)")
        var pages = 0, width = 0.0, height = 0.0
        for line in run.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Pages:"), fields.count >= 2 { pages = Int(fields[1]) ?? 0 }
            // "Page size:      595.92 x 842.88 pts (A4)"
            if line.hasPrefix("Page size:"), fields.count >= 5 {
                width = Double(fields[2]) ?? 0
                height = Double(fields[4]) ?? 0
            }
        }
        return (pages, width, height)
    }

    /// `pdftotext -layout`: the lines of every page, as the page sets them out.
    static func pdfText(_ pdf: URL) throws -> [String] {
        let run = try runProcess(try tool("pdftotext", package: "poppler-utils"), ["-layout", "-enc", "UTF-8", pdf.path, "-"])
        try #require(run.status == 0, "\(run)")
        return run.stdout.split(separator: "\n").map(String.init)
    }

    /// No word of any page ends past the right margin (a table wider than the page is cut
    /// there), read from `pdftotext -bbox`'s word boxes.
    static func expectNothingPastTheRightMargin(_ pdf: URL) throws {
        let run = try runProcess(try tool("pdftotext", package: "poppler-utils"), ["-bbox", "-enc", "UTF-8", pdf.path, "-"])
        try #require(run.status == 0, "\(run)")
        let limit = a4.width - sideMargin + 1  // 1 pt for rounding
        let word = try Regex(#"<word xMin="[0-9.]+" yMin="[0-9.]+" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>"#)
        var words = 0
        for match in run.stdout.matches(of: word) {
            words += 1
            let xMax = Double(match.output[1].substring ?? "") ?? .infinity
            #expect(xMax <= limit, "'\(match.output[2].substring ?? "")' ends at \(xMax) pt, past the margin at \(limit) pt")
        }
        #expect(words > 100, "pdftotext found \(words) words")
    }
}
