import Foundation
import JianfuTestSupport
import Testing

/// The rectification ledger (整改台账, SPEC §6 `alerts.csv` `first_seen,months_open,status`) over
/// successive bulletins kept in the state store, and the corrections audit (`corrections.csv`).
@Suite struct LedgerTests {
    /// One metric with a cap of 10 a month. U1 is over it in 2024-01 (20) and 2024-02 (15), not
    /// in 2024-03 (5); U2 only in 2024-03 (20). Rebounds are out of reach (threshold 100) and
    /// 2023 has no data (no 同比), so the cap is the only rule that fires. Line numbers count the
    /// header as line 1: U1 2024-02 is line 5.
    static let counts = """
        unit_id,period,metric,value
        U1,2022-01,documents,30
        U2,2022-01,documents,30
        U1,2024-01,documents,20
        U1,2024-02,documents,15
        U1,2024-03,documents,5
        U2,2024-01,documents,5
        U2,2024-02,documents,5
        U2,2024-03,documents,20

        """

    static let units = twoVillages

    static func setUp(state: String? = nil) throws -> (TempDir, URL) {
        try TempDir.withPipeline("""
            name: 台账
            sources:
              - {name: units, kind: units, path: units.csv}
              - {name: counts, path: counts.csv}
            metrics:
              documents: {label: 发文, cap: 10}
            baseline: {from: 2022-01, to: 2022-12}
            evaluation: {months: 1}
            rebound: {threshold: 100}
            outputs: {dir: out, formats: [csv, html, bulletin]}
            \(state.map { "state: \($0)" } ?? "")
            """, files: ["units.csv": units, "counts.csv": counts])
    }

    @discardableResult
    static func run(_ pipeline: URL, asOf: String? = nil) throws -> RunResult {
        let result = try Jianfu.run(["run", pipeline.path] + (asOf.map { ["--as-of", $0] } ?? []))
        try #require(result.status == 0, "\(result)")
        return result
    }

    static let header = "unit_id,unit_name,responsible,metric,rule,value,threshold,first_seen,months_open,status"

    @Test func anAlertAppearsPersistsAndIsResolvedOverThreeBulletins() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }

        // 2024-01: U1 20 > 10, first raised now.
        try Self.run(pipeline, asOf: "2024-01")
        #expect(try csvLines(dir.file("out/alerts.csv")) == [
            Self.header,
            "U1,甲村,张三,documents,cap_exceeded,20,10,2024-01,1,new",
        ])

        // 2024-02: U1 15 > 10 again: open since 2024-01, two bulletins.
        try Self.run(pipeline, asOf: "2024-02")
        #expect(try csvLines(dir.file("out/alerts.csv")) == [
            Self.header,
            "U1,甲村,张三,documents,cap_exceeded,15,10,2024-01,2,persisting",
        ])
        let february = try String(contentsOf: dir.file("out/bulletin.md"), encoding: .utf8)
        #expect(february.contains("已连续2期预警（自2024年1月起）"), "\(february)")

        // 2024-03: U1 5 ≤ 10 — resolved after two bulletins; U2 20 > 10 — new.
        try Self.run(pipeline, asOf: "2024-03")
        #expect(try csvLines(dir.file("out/alerts.csv")) == [
            Self.header,
            "U2,乙村,李四,documents,cap_exceeded,20,10,2024-03,1,new",
            "U1,甲村,张三,documents,cap_exceeded,,,2024-01,2,resolved",
        ])
        let march = try String(contentsOf: dir.file("out/bulletin.md"), encoding: .utf8)
        #expect(march.contains("（新增）乙村（减负责任人：李四）"), "\(march)")
        #expect(march.contains("已整改：2024年2月通报的以下1项预警本期不再出现，甲村发文超出上限（连续2期）。"), "\(march)")
        let html = try String(contentsOf: dir.file("out/index.html"), encoding: .utf8)
        #expect(html.contains("<th>首次预警</th>") && html.contains(">已整改</h3>"), "\(html)")
        #expect(html.contains("class=\"alerts resolved with-unit\""))

        // February again: it reads only January, and replaces February's alerts with the same.
        try Self.run(pipeline, asOf: "2024-02")
        #expect(try csvLines(dir.file("out/alerts.csv"))[1] == "U1,甲村,张三,documents,cap_exceeded,15,10,2024-01,2,persisting")
    }

    @Test func withoutAStoreEveryAlertIsNewAndTheLogSaysSoOnce() throws {
        let (dir, pipeline) = try Self.setUp(state: "none")
        defer { dir.remove() }
        try Self.run(pipeline, asOf: "2024-01")
        let result = try Self.run(pipeline, asOf: "2024-02")
        // Without history the February alert cannot know January's: new, first seen now.
        #expect(try csvLines(dir.file("out/alerts.csv")) == [
            Self.header,
            "U1,甲村,张三,documents,cap_exceeded,15,10,2024-02,1,new",
        ])
        #expect(result.stderr.components(separatedBy: "every alert is new").count == 2, "\(result)")
        #expect(try csvLines(dir.file("out/corrections.csv")) == ["unit_id,metric,period,old_value,new_value,source,line,run"])
    }

    @Test func aChangedValueIsListedInCorrectionsCSV() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        try Self.run(pipeline)
        #expect(try csvLines(dir.file("out/corrections.csv")) == ["unit_id,metric,period,old_value,new_value,source,line,run"])
        #expect(try String(contentsOf: dir.file("out/index.html"), encoding: .utf8).contains("本次运行无数据更正"))

        // U1 2024-02 (line 5) re-sent as 12 instead of 15.
        try dir.write("counts.csv", Self.counts.replacingOccurrences(of: "U1,2024-02,documents,15", with: "U1,2024-02,documents,12"))
        let second = try Self.run(pipeline)
        #expect(try csvLines(dir.file("out/corrections.csv")) == [
            "unit_id,metric,period,old_value,new_value,source,line,run",
            "U1,documents,2024-02,15,12,counts,5,2",
        ])
        #expect(second.stderr.contains("1 corrections: stored values replaced by a re-sent period: U1 documents 2024-02 15 → 12"), "\(second)")
        let html = try String(contentsOf: dir.file("out/index.html"), encoding: .utf8)
        #expect(html.contains("class=\"corrections\"") && !html.contains("本次运行无数据更正"))
    }
}
