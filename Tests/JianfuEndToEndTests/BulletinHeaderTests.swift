import Foundation
import JianfuTestSupport
import Testing

/// The bulletin's issue header (SPEC §6, pipeline key `bulletin:`) in `summary.json`, on
/// `index.html` and in `jianfu unit`: 期号 from `first_issue`, the issuer, and the date of issue
/// in the bulletin's time zone, with machine fields in UTC.
@Suite struct BulletinHeaderTests {
    /// `2026-11-25T15:10:00Z` shifted by `hours`, spelled with the offset: the test's own clock
    /// arithmetic, independent of jianfu's.
    static func shifted(_ utc: String, hours: Int) throws -> String {
        let parse = ISO8601DateFormatter()
        let date = try #require(parse.date(from: utc), "started_at \(utc) is not ISO 8601")
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(secondsFromGMT: hours * 3600)
        format.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let sign = hours < 0 ? "-" : "+"
        return format.string(from: date) + sign + String(format: "%02d:00", abs(hours))
    }

    @Test func demoSummaryCarriesTheIssueHeader() throws {
        let (dir, result) = try DemoTests.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let summary = try readJSON(dir.file("out/summary.json"))
        let bulletin = try #require(summary["bulletin"] as? [String: Any], "no bulletin in summary.json")
        // pipelines/demo.yml: first_issue 2024-01; the window ends 2024-12 → 1 + 11 = 第12期.
        #expect(bulletin["issue"] as? Int == 12)
        #expect(bulletin["month"] as? String == "2024-12")
        #expect(bulletin["first_issue"] as? String == "2024-01")
        #expect(bulletin["issuer"] as? String == "示例县减轻基层负担工作专班办公室")
        #expect(bulletin["timezone"] as? String == "Asia/Shanghai")
        // The machine field keeps UTC; the date of issue is the same instant 8 hours east.
        let run = try #require(summary["run"] as? [String: Any])
        let started = try #require(run["started_at"] as? String)
        #expect(started.hasSuffix("Z"), "run.started_at stays UTC: \(started)")
        #expect(bulletin["issued_at_local"] as? String == (try Self.shifted(started, hours: 8)))

        // The HTML head: title, 期号, issuer and the date of issue in Shanghai; the footer's time too.
        let html = try String(contentsOf: dir.file("out/index.html"), encoding: .utf8)
        let local = try Self.shifted(started, hours: 8)  // 2026-11-25T23:10:00+08:00
        let (year, month, day) = (Int(local.prefix(4))!, Int(local.dropFirst(5).prefix(2))!, Int(local.dropFirst(8).prefix(2))!)
        #expect(html.contains("<h1>示例县基层减负监测通报</h1>"))
        #expect(html.contains("<p class=\"issue-no\">第12期</p>"))
        #expect(html.contains("<span class=\"issuer\">示例县减轻基层负担工作专班办公室</span>"))
        #expect(html.contains(">\(year)年\(month)月\(day)日</span>"), "the date of issue in Shanghai")
        let clock = local.prefix(16).replacingOccurrences(of: "T", with: " ")  // 2026-11-25 23:10
        #expect(html.contains("开始于 \(clock)（Asia/Shanghai）"), "the footer's time in Shanghai")
        #expect(!html.contains("开始于 \(started)"), "no UTC time for the reader")
    }

    @Test func unitInTheTerminalNamesTheIssue() throws {
        let (dir, pipeline) = try DemoTests.demoPipeline()
        defer { dir.remove() }
        let result = try Jianfu.run(["unit", "330199002203", "-p", pipeline.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("第12期 · 评估期 2024-01..2024-12"), "\(result.stdout)")
    }

    /// `LongLayoutRunTests`' tiny township (data 2018-01 … 2019-03, window 2019-01..03) with
    /// `bulletin` as given.
    static func runTiny(bulletin: String) throws -> (TempDir, RunResult) {
        let dir = try TempDir()
        try dir.write("units.csv", LongLayoutRunTests.units)
        try dir.write("counts.csv", LongLayoutRunTests.counts)
        let pipeline = try dir.write("tiny.yml", LongLayoutRunTests.pipeline + bulletin)
        return (dir, try Jianfu.run(["run", pipeline.path]))
    }

    @Test func withoutTheKeyTimesAreUTCAndThereIsNoNumber() throws {
        let (dir, result) = try Self.runTiny(bulletin: "")
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let summary = try readJSON(dir.file("out/summary.json"))
        let bulletin = try #require(summary["bulletin"] as? [String: Any])
        #expect(bulletin["issue"] is NSNull && bulletin["issuer"] is NSNull && bulletin["first_issue"] is NSNull)
        #expect(bulletin["month"] as? String == "2019-03")
        #expect(bulletin["timezone"] as? String == "UTC")
        let started = try #require((summary["run"] as? [String: Any])?["started_at"] as? String)
        #expect(bulletin["issued_at_local"] as? String == (try Self.shifted(started, hours: 0)), "UTC, offset written as +00:00")
    }

    @Test func issueNumberOfTheTinyPipeline() throws {
        // first_issue 2018-04: 2019-03 is 11 months later → 第12期.
        let (dir, result) = try Self.runTiny(bulletin: "bulletin: {first_issue: 2018-04, timezone: America/New_York}\n")
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let bulletin = try #require(try readJSON(dir.file("out/summary.json"))["bulletin"] as? [String: Any])
        #expect(bulletin["issue"] as? Int == 12)
        #expect(bulletin["timezone"] as? String == "America/New_York")
        let local = try #require(bulletin["issued_at_local"] as? String)
        #expect(local.hasSuffix("-05:00") || local.hasSuffix("-04:00"), "New York is 4 or 5 hours west: \(local)")
    }

    @Test func aBulletinMonthBeforeTheFirstIssueHasNoNumberAndSaysSo() throws {
        let (dir, result) = try Self.runTiny(bulletin: "bulletin: {first_issue: 2019-04}\n")
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let bulletin = try #require(try readJSON(dir.file("out/summary.json"))["bulletin"] as? [String: Any])
        #expect(bulletin["issue"] is NSNull)
        #expect(result.stderr.contains("bulletin month 2019-03 is before first_issue 2019-04"), "\(result.stderr)")
    }
}
