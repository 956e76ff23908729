import Foundation
import JianfuTestSupport
import Testing

/// `pipelines/demo.yml` on `fixtures/demo` (see `fixtures/demo/README.md` for the planted rows
/// and the expected alerts), with its output redirected to a temporary folder so the
/// repository's `reports/` is never touched.
@Suite struct DemoTests {
    /// A copy of the demo pipeline in a fresh folder: fixture paths made absolute, output in
    /// `<tmp>/out`.
    static func demoPipeline() throws -> (TempDir, URL) {
        let dir = try TempDir()
        var yaml = try String(contentsOf: Jianfu.packageRoot.appendingPathComponent("pipelines/demo.yml"), encoding: .utf8)
        try #require(yaml.contains("../fixtures/demo/") && yaml.contains("dir: ../reports/demo"))
        yaml = yaml.replacingOccurrences(of: "../fixtures/demo/", with: Jianfu.demoFixtures.path + "/")
        yaml = yaml.replacingOccurrences(of: "dir: ../reports/demo", with: "dir: \(dir.file("out").path)")
        return (dir, try dir.write("demo.yml", yaml))
    }

    static func runDemo() throws -> (TempDir, RunResult) {
        let (dir, pipeline) = try Self.demoPipeline()
        return (dir, try Jianfu.run(["run", pipeline.path]))
    }

    @Test func validateReadsEverySourceAndWritesNothing() throws {
        let (dir, pipeline) = try Self.demoPipeline()
        defer { dir.remove() }
        let result = try Jianfu.run(["validate", pipeline.path])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // fixtures/demo/README.md: counts 2519 rows read, 3 rows rejected; extra 2518 read, 4 rejected.
        let counts = try #require(lines.first(where: { $0.hasPrefix("source counts") }), "\(result)")
        #expect(counts.contains("2519 rows read") && counts.contains(" 3 rejected") && counts.contains("2 cells rejected"), "\(counts)")
        let extra = try #require(lines.first(where: { $0.hasPrefix("source extra") }), "\(result)")
        #expect(extra.contains("2518 rows read") && extra.contains(" 4 rejected"), "\(extra)")
        let units = try #require(lines.first(where: { $0.hasPrefix("source units") }), "\(result)")
        #expect(units.contains("30 rows read"), "\(units)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["demo.yml"], "validate writes nothing")
    }

    @Test func alertsHoldThePlantedStories() throws {
        let (dir, result) = try Self.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let rows = try csvRows(dir.file("out/alerts.csv"))
        #expect(rows.first == ["unit_id", "unit_name", "responsible", "metric", "rule", "value", "threshold", "first_seen", "months_open", "status"])
        let alerts = rows.dropFirst().map { "\($0[0]) \($0[3]) \($0[4])" }
        // The four the README names first…
        #expect(alerts.contains("330199001204  stale"))  // 石桥村: no rows after 2024-08
        #expect(alerts.contains("330199002203 documents rebound"))  // 竹园村
        #expect(alerts.contains("330199903000 documents target_missed"))  // 县农业农村局: only about 10% fewer
        #expect(alerts.contains("330199901000 secondments cap_exceeded"))  // 县教育局: 3 > county_dept cap 2
        // …and the README's whole list. 330199003000 南山镇 and 330199001000 城关镇 have descendants,
        // so they appear once, as roll-ups (SPEC §6: one row per unit): 南山镇's own rebound is
        // diluted by its villages, leaving yoy_increase on documents and meetings.
        #expect(Set(alerts) == [
            "330199000000 documents yoy_increase", "330199000000 secondments cap_exceeded",
            "330199901000 secondments cap_exceeded",
            "330199903000 documents target_missed",
            "330199905000 documents rebound", "330199905000 documents yoy_increase",
            "330199001000 secondments cap_exceeded",
            "330199001204  stale",
            "330199002000 documents yoy_increase",
            "330199002203 documents rebound", "330199002203 documents yoy_increase",
            "330199003000 documents yoy_increase", "330199003000 meetings yoy_increase",
            "330199003202 survey target_missed",
            "330199004000 secondments cap_exceeded",
            "330199004203 secondments cap_exceeded",
        ])
        #expect(alerts.count == 16, "no alert twice")
        let secondments = try #require(rows.first(where: { $0[0] == "330199901000" && $0[4] == "cap_exceeded" }))
        #expect(secondments[5] == "3" && secondments[6] == "2", "3 seconded > cap 2: \(secondments)")
        let stale = try #require(rows.first(where: { $0[0] == "330199001204" && $0[4] == "stale" }))
        // last report 2024-08, window ends 2024-12: 4 months silent ≥ stale_after 2.
        #expect(stale[5] == "4" && stale[6] == "2", "\(stale)")
    }

    @Test func rejectedListsThePlantedRows() throws {
        let (dir, result) = try Self.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let rows = try csvRows(dir.file("out/rejected.csv"))
        #expect(rows.first == ["source", "line", "field", "reason", "message", "raw", "reason_id"])
        #expect(rows.dropFirst().map { [$0[0], $0[1], $0[2], $0[3]] } == [
            ["counts", "2516", "月份", "bad_period"],  // 2019-13
            ["counts", "2517", "单位代码", "unknown_unit"],  // 330199009999
            ["counts", "2518", "发文数", "bad_value"],  // 十二: the cell only
            ["counts", "2519", "会议数", "negative_count"],  // -3: the cell only
            ["counts", "2520", "", "duplicate_key"],  // copy of line 889
            ["extra", "2516", "metric", "unknown_metric"],  // meeting_minutes
            ["extra", "2517", "value", "empty_value"],
            ["extra", "2518", "period", "bad_period"],  // 19-03
            ["extra", "2519", "value", "bad_value"],  // "1,234"
        ])
        // Which sentence each is (docs/outputs.md): line 2520 repeats every cell of line 889.
        #expect(rows.dropFirst().map { $0[6] } == [
            "bad_period", "unknown_unit", "bad_value.not_a_number", "negative_count", "duplicate_key.row",
            "unknown_metric", "empty_value", "bad_period", "bad_value.not_a_number",
        ])
        #expect(rows[5][4] == "this unit and period were already given at line 889; the first is kept")
        #expect(rows.last?[5] == "330199003203,2022-07,secondments,\"1,234\"", "the raw row as in the file")
        #expect(rows[5][5] == "330199002204,𠀾坑村,2020年6月,1,2,0,75.2", "GB18030 4-byte character decoded")
    }

    @Test func metricsPromIsValidTextFormat() throws {
        let (dir, result) = try Self.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let text = try String(contentsOf: dir.file("out/metrics.prom"), encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let sample = try Regex(#"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.]+(e[+-]?[0-9]+)?$"#)
        var help = Set<String>(), type = Set<String>(), sampled = Set<String>()
        for line in lines {
            if line.hasPrefix("# HELP ") {
                help.insert(String(line.dropFirst(7).prefix { $0 != " " }))
            } else if line.hasPrefix("# TYPE ") {
                type.insert(String(line.dropFirst(7).prefix { $0 != " " }))
            } else {
                #expect(line.wholeMatch(of: sample) != nil, "not a sample line: \(line)")
                sampled.insert(String(line.prefix { $0 != "{" && $0 != " " }))
            }
        }
        #expect(!sampled.isEmpty)
        #expect(sampled.isSubset(of: help), "samples without # HELP: \(sampled.subtracting(help))")
        #expect(sampled.isSubset(of: type), "samples without # TYPE: \(sampled.subtracting(type))")
        #expect(help == type, "every family has both # HELP and # TYPE")
        // The data-quality numbers of the README: 2519 + 2518 rows read, 3 + 4 rejected, 2 cells.
        #expect(lines.contains { $0.hasPrefix("jianfu_rows_read{") && $0.hasSuffix("} 5037") })
        #expect(lines.contains { $0.hasPrefix("jianfu_rows_rejected{") && $0.hasSuffix("} 7") })
        #expect(lines.contains { $0.hasPrefix("jianfu_cells_rejected{") && $0.hasSuffix("} 2") })
    }

    @Test func summaryJSON() throws {
        let (dir, result) = try Self.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let summary = try readJSON(dir.file("out/summary.json"))
        #expect(summary["schema"] as? String == "jianfu.summary/1")
        let windows = try #require(summary["windows"] as? [String: Any])
        // evaluation: the 12 months ending at the latest month with data, 2024-12.
        #expect(windows["evaluation"] as? [String: String] == ["from": "2024-01", "to": "2024-12"])
        #expect(windows["baseline"] as? [String: String] == ["from": "2018-01", "to": "2018-12"])
        #expect(windows["prior"] as? [String: String] == ["from": "2023-01", "to": "2023-12"])
        let quality = try #require(summary["data_quality"] as? [String: Any])
        // README: counts 2519 read / 3 rows / 2 cells / 8384 kept; extra 2518 / 4 / 0 / 2514.
        #expect(quality["rows_read"] as? Int == 5037)  // 2519 + 2518
        #expect(quality["rows_rejected"] as? Int == 7)  // 3 + 4
        #expect(quality["cells_rejected"] as? Int == 2)
        #expect(quality["blank_lines"] as? Int == 0)
        #expect(quality["observations"] as? Int == 10898)  // 8384 + 2514
        let units = try #require(summary["units"] as? [String: Any])
        // 30 units: the county, 4 townships with descendants → 5 roll-ups, 25 leaves.
        #expect(units["total"] as? Int == 30)
        #expect(units["rollups"] as? Int == 5)
    }

    @Test func indicatorsHeaderAndRollUpMarks() throws {
        let (dir, result) = try Self.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        #expect(result.stdout.contains(dir.file("out").path))
        let rows = try csvRows(dir.file("out/indicators.csv"))
        #expect(rows.first?.joined(separator: ",") == "unit_id,unit_name,category,rollup,metric,baseline,current,change,reduction_rate,prior,yoy_rate,target,met,score,rebound,baseline_months,current_months,month_value,mom_rate,ytd,ytd_months,ytd_prior,ytd_rate")
        // One row per unit (30) and metric (5).
        #expect(rows.count == 1 + 30 * 5)
        let rollups = Set(rows.dropFirst().filter { $0[3] == "true" }.map { $0[0] })
        #expect(rollups == ["330199000000", "330199001000", "330199002000", "330199003000", "330199004000"])
        // 荷花村: no inspections in 2018 → baseline 0, reduction_rate, met and score empty.
        let lotus = try #require(rows.first(where: { $0[0] == "330199004202" && $0[4] == "inspections" }))
        #expect(lotus[5] == "0" && lotus[8] == "" && lotus[12] == "" && lotus[13] == "", "\(lotus)")
    }

    /// Issue 11 item 14: a roll-up's cap is judged unit by unit (SPEC §4).
    @Test func rollUpCapsAreJudgedPerUnit() throws {
        let (dir, pipeline) = try Self.demoPipeline()
        defer { dir.remove() }
        try #require(try Jianfu.run(["run", pipeline.path]).status == 0)
        let rows = try csvRows(dir.file("out/indicators.csv"))
        let county = try #require(rows.first(where: { $0[0] == "330199000000" && $0[4] == "secondments" }))
        // 示例县 sums 16 seconded against the per-unit cap 1, but is judged by its 30 units: over
        // their cap are 县教育局 (3 > county_dept 2), 渔港村 (2 > 1) and 城关镇 itself (2 > 1) →
        // 27 of 30 within → not met, score 90; current stays the sum, target the cap.
        #expect(county[6] == "16" && county[11] == "1" && county[12] == "false" && county[13] == "90", "\(county)")
        let alerts = try csvRows(dir.file("out/alerts.csv"))
        let countyAlert = try #require(alerts.first(where: { $0[0] == "330199000000" && $0[4] == "cap_exceeded" }))
        #expect(countyAlert[5] == "3" && countyAlert[6] == "0", "3 units over their cap, none allowed: \(countyAlert)")
        // 城关镇: itself, 桃园社区 and its four villages; only itself is over → 5/6 in the terminal.
        let unit = try Jianfu.run(["unit", "330199001000", "-p", pipeline.path])
        try #require(unit.status == 0, "\(unit)")
        let line = try #require(unit.stdout.split(separator: "\n").first { $0.hasPrefix("借调人数") }, "\(unit)")
        #expect(line.contains("每单位 ≤ 1") && line.contains("✗ 5/6 单位在上限内") && line.contains("83.3"), "\(line)")
    }

    /// Issue 11 item 15 and issue 12 item 3: the headline of a mean metric is the mean of the
    /// leaf units' levels, and the bulletin totals are the leaf units' values summed — both
    /// checked against the leaf rows of indicators.csv.
    @Test func headlineMeansAndBulletinTotals() throws {
        let (dir, result) = try Self.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let leaves = try csvRows(dir.file("out/indicators.csv")).dropFirst().filter { $0[3] == "false" }
        let summary = try readJSON(dir.file("out/summary.json"))
        let metrics = try #require(summary["metrics"] as? [[String: Any]])
        func metric(_ id: String) throws -> [String: Any] { try #require(metrics.first { $0["id"] as? String == id }) }

        let surveyBaselines = leaves.filter { $0[4] == "survey" }.compactMap { Double($0[5]) }
        #expect(surveyBaselines.count == 25)
        let survey = try metric("survey")
        let baseline = try #require(survey["baseline_total"] as? Double)
        #expect(abs(baseline - surveyBaselines.reduce(0, +) / 25) < 1e-9, "a mean (about 71.65), never the sum")
        #expect(survey["aggregate"] as? String == "mean" && survey["month_value"] is NSNull)

        let documents = try metric("documents")
        let leafDocuments = leaves.filter { $0[4] == "documents" }
        // December: 24 leaves reported, 石桥村 (silent since 2024-08) did not and is not counted.
        let december = leafDocuments.compactMap { Double($0[17]) }
        #expect(december.count == 24)
        #expect(documents["month_value"] as? Double == december.reduce(0, +))
        #expect(documents["month_units"] as? Int == 24 && documents["month_units_missing"] as? Int == 1)
        #expect(documents["ytd"] as? Double == leafDocuments.compactMap { Double($0[19]) }.reduce(0, +))
        #expect(documents["unit"] as? String == "件" && documents["bulletin_month"] as? String == "2024-12")
        let index = try String(contentsOf: dir.file("out/index.html"), encoding: .utf8)
        #expect(index.contains(">1—12月累计</th>") && index.contains("各计数指标：12月 1 个基层单位未报送"))
    }
}
