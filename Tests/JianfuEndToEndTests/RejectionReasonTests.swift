import Foundation
import GRDB
import JianfuTestSupport
import Testing

/// Rejection reasons through the binary (issue 16 item 3): `rejected.csv` keeps its English
/// `message` and adds `reason_id`; `index.html` and `jianfu.xlsx` give the reason in Chinese; and
/// a source the state store does not read again has the same Chinese reason the next night.
@Suite struct RejectionReasonTests {
    /// Line 5 (U2 "2019-13") is no period; line 6 (U2 "abc") no number. Everything else is kept.
    static let counts = """
        unit_id,period,metric,value
        U1,2018-01,documents,10
        U1,2019-01,documents,6
        U2,2018-01,documents,8
        U2,2019-13,documents,4
        U2,2019-01,documents,abc

        """

    static let units = twoVillages

    static func setUp(state: String) throws -> (TempDir, URL) {
        try TempDir.withPipeline("""
            name: 试点
            sources:
              - {name: units, kind: units, path: units.csv}
              - {name: counts, path: counts.csv}
            metrics:
              documents: {target: 0.3}
            baseline: {from: 2018-01, to: 2018-12}
            evaluation: {months: 1}
            max_rejected: 0.5
            outputs: {dir: out, formats: [csv, html, xlsx]}
            state: \(state)

            """, files: ["units.csv": units, "counts.csv": counts])
    }

    static let period = "统计期 '2019-13' 无效（应为 2024-03 这样的月份）"
    static let value = "数值 'abc' 不是数字（应为 12 或 0.5 这样的写法）"

    /// What one night's report says about the two rejected lines, in each file.
    static func checkReport(_ dir: TempDir, night: String) throws {
        let rows = try csvRows(dir.file("out/rejected.csv"))
        #expect(rows == [
            ["source", "line", "field", "reason", "message", "raw", "reason_id"],
            ["counts", "5", "period", "bad_period", "'2019-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)",
             "U2,2019-13,documents,4", "bad_period"],
            ["counts", "6", "value", "bad_value", "'abc' is not a plain decimal number", "U2,2019-01,documents,abc",
             "bad_value.not_a_number"],
        ], "\(night)")

        let index = try String(contentsOf: dir.file("out/index.html"), encoding: .utf8)
        #expect(index.contains("<td>\(period)</td>"), "\(night): index.html gives the reason in Chinese")
        #expect(index.contains("<td>\(value)</td>"), "\(night)")
        #expect(!index.contains("is not a period") && !index.contains("plain decimal"), "\(night): no English reason in index.html")

        let sheet = try #require(try ResultsWorkbookTests.workbook(dir.file("out/jianfu.xlsx")).sheets["未通过行"])
        #expect(sheet.ids == ["source", "line", "field", "reason", "message", "raw", "reason_id"])
        #expect(sheet.headers == ["来源", "行号", "字段", "原因", "说明", "原始行", "原因编号"])
        #expect(sheet.data.map { sheet.cell($0, "message")?["value"] as? String } == [period, value], "\(night)")
        #expect(sheet.data.map { sheet.cell($0, "reason_id")?["value"] as? String } == ["bad_period", "bad_value.not_a_number"], "\(night)")
    }

    @Test func theReasonIsChineseForPeopleAndSurvivesTheStore() throws {
        let (dir, pipeline) = try Self.setUp(state: ".jianfu/p.sqlite")
        defer { dir.remove() }
        let first = try Jianfu.run(["run", pipeline.path])
        try #require(first.status == 0, "\(first)")
        try Self.checkReport(dir, night: "first night")

        // The second night reads nothing: the rejections come from the store.
        let second = try Jianfu.run(["run", pipeline.path])
        try #require(second.status == 0, "\(second)")
        #expect(second.stderr.contains("source counts: unchanged since run 1"), "\(second)")
        try Self.checkReport(dir, night: "second night, from the store")

        // What the store holds, as docs/state.md says: the English message and the fields.
        let queue = try DatabaseQueue(path: dir.file(".jianfu/p.sqlite").path)
        let stored = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT reason, reason_id, value, detail, cell, message FROM rejections ORDER BY seq")
        }
        #expect(stored.map { $0["reason_id"] as String } == ["bad_period", "bad_value.not_a_number"])
        #expect(stored.map { $0["value"] as String } == ["2019-13", "abc"])
        #expect(stored.map { $0["detail"] as String } == [#"{"expected":"month"}"#, ""])
        #expect(stored.map { $0["cell"] as String? } == [nil, nil])
        #expect(stored.first?["message"] as String? == "'2019-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)")
    }

    /// A row an older jianfu stored has no reason_id: the report shows the English sentence it
    /// kept (here made recognisable) rather than nothing, until the source is read again.
    @Test func aRejectionStoredBeforeTypedReasonsKeepsItsSentence() throws {
        let (dir, pipeline) = try Self.setUp(state: ".jianfu/p.sqlite")
        defer { dir.remove() }
        let first = try Jianfu.run(["run", pipeline.path])
        try #require(first.status == 0, "\(first)")
        let queue = try DatabaseQueue(path: dir.file(".jianfu/p.sqlite").path)
        try queue.write { db in
            try db.execute(sql: "UPDATE rejections SET reason_id = '', value = '', detail = '', message = 'kept from 0.2.0' WHERE seq = 0")
        }
        try queue.close()

        let second = try Jianfu.run(["run", pipeline.path])
        try #require(second.status == 0, "\(second)")
        #expect(second.stderr.contains("source counts: unchanged since run 1"), "\(second)")
        let rows = try csvRows(dir.file("out/rejected.csv"))
        #expect(rows.dropFirst().map { [$0[3], $0[4], $0[6]] } == [
            ["bad_period", "kept from 0.2.0", "bad_period"],
            ["bad_value", "'abc' is not a plain decimal number", "bad_value.not_a_number"],
        ])
        let index = try String(contentsOf: dir.file("out/index.html"), encoding: .utf8)
        #expect(index.contains("<td>kept from 0.2.0</td>") && index.contains("<td>\(Self.value)</td>"))
    }

    /// An .xlsx source's rejections name their sheet and cell, read or from the store
    /// (fixtures/xlsx/gen_xlsx.py: B5 holds 2024-13, C3 'abc').
    @Test func anXLSXCellIsKeptByTheStore() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let xlsx = Jianfu.packageRoot.appendingPathComponent("fixtures/xlsx/bad.xlsx").path
        let pipeline = try dir.write("p.yml", """
            name: t
            sources:
              - {name: s, path: \(xlsx), layout: wide}
            metrics:
              documents: {label: 发文, direction: down, aggregate: sum, target: 0.3}
              meetings: {label: 会议, direction: down, aggregate: sum, target: 0.3}
            baseline: {from: 2023-01, to: 2023-12}
            evaluation: {months: 12}
            max_rejected: 0.9
            outputs: {dir: out, formats: [csv, html]}
            state: .jianfu/t.sqlite

            """)
        var seen: [[String]] = []
        for night in 1...2 {
            let result = try Jianfu.run(["run", pipeline.path])
            try #require(result.status == 0, "\(result)")
            if night == 2 { #expect(result.stderr.contains("source s: unchanged since run 1"), "\(result)") }
            let rows = try csvRows(dir.file("out/rejected.csv"))
            let period = try #require(rows.first { $0[3] == "bad_period" })
            #expect(period[4] == "乡镇!B5: '2024-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)", "night \(night)")
            let index = try String(contentsOf: dir.file("out/index.html"), encoding: .utf8)
            #expect(index.contains("<td>乡镇!B5：统计期 '2024-13' 无效（应为 2024-03 这样的月份）</td>"), "night \(night)")
            if night == 1 { seen = rows } else { #expect(rows == seen, "the same rejected.csv from the store") }
        }
    }
}
