import Foundation
import JianfuTestSupport
import Testing

/// The results workbook `jianfu.xlsx` (docs/xlsx-output.md) read back by openpyxl
/// (`scripts/check-xlsx.py`): sheets, frozen header rows, autofilters, numbers stored as
/// numbers with their formats, no formulas; and converted to PDF by LibreOffice.
/// `scripts/setup.sh` installs openpyxl and LibreOffice.
@Suite struct ResultsWorkbookTests {
    /// One sheet as check-xlsx.py prints it.
    struct Sheet {
        let freeze: String?
        let autofilter: String?
        let hiddenRows: [Int]
        let formulas: Int
        /// `rows[r][c]`: value, type (`n`, `s`, `f`, …), number format, bold.
        let rows: [[[String: Any]]]

        /// Row 1 (hidden): the column ids.
        var ids: [String] { rows.first?.map { $0["value"] as? String ?? "" } ?? [] }
        /// Row 2: the Chinese headers.
        var headers: [String] { rows.count > 1 ? rows[1].map { $0["value"] as? String ?? "" } : [] }
        /// The data rows (from row 3).
        var data: [[[String: Any]]] { Array(rows.dropFirst(2)) }

        func cell(_ row: [[String: Any]], _ id: String) -> [String: Any]? {
            guard let c = ids.firstIndex(of: id), c < row.count else { return nil }
            return row[c]
        }
    }

    static func workbook(_ file: URL) throws -> (names: [String], sheets: [String: Sheet]) {
        let script = Jianfu.packageRoot.appendingPathComponent("scripts/check-xlsx.py")
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, file.path])
        try #require(result.status == 0, "check-xlsx.py: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let names = try #require(object["sheets"] as? [String])
        let bySheet = try #require(object["by_sheet"] as? [String: [String: Any]])
        var sheets: [String: Sheet] = [:]
        for (name, s) in bySheet {
            sheets[name] = Sheet(
                freeze: s["freeze"] as? String, autofilter: s["autofilter"] as? String, hiddenRows: s["hidden_rows"] as? [Int] ?? [],
                formulas: s["formulas"] as? Int ?? -1, rows: s["rows"] as? [[[String: Any]]] ?? [])
        }
        return (names, sheets)
    }

    static func number(_ cell: [String: Any]?) -> Double? { (cell?["value"] as? NSNumber)?.doubleValue }

    @Test func demoWorkbookHasItsSheetsFormatsAndNoFormulas() throws {
        let (dir, result) = try DemoTests.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result.stderr)")
        let (names, sheets) = try Self.workbook(dir.file("out/jianfu.xlsx"))
        #expect(names == ["总体情况", "指标", "得分排名", "预警", "未通过行"])
        for name in names {
            let sheet = try #require(sheets[name])
            #expect(sheet.freeze == "A3", "\(name): rows 1–2 frozen")
            #expect(sheet.hiddenRows == [1], "\(name): the ids row is hidden")
            #expect(sheet.formulas == 0, "\(name): no formulas")
            #expect(sheet.autofilter?.hasPrefix("A2:") == true, "\(name): \(sheet.autofilter ?? "no autofilter")")
            #expect(sheet.rows.count > 1 && sheet.rows[1].allSatisfy { $0["bold"] as? Bool == true }, "\(name): bold headers")
        }

        // 指标: one row per unit and metric; the demo has 30 units and 5 metrics, so A2:X152
        // (24 columns: indicators.csv's 23 and the metric label).
        let indicators = try #require(sheets["指标"])
        #expect(indicators.autofilter == "A2:X152")
        #expect(indicators.headers.prefix(6) == ["单位代码", "单位名称", "类别", "汇总单位", "指标", "指标代码"])
        #expect(indicators.ids.prefix(6) == ["unit_id", "unit_name", "category", "rollup", "metric_label", "metric"])
        // fixtures/demo/README.md: 县教育局 has 3 seconded staff against its category's cap of 2.
        let education = try #require(indicators.data.first {
            indicators.cell($0, "unit_id")?["value"] as? String == "330199901000" && indicators.cell($0, "metric")?["value"] as? String == "secondments"
        })
        let current = try #require(indicators.cell(education, "current"))
        #expect(Self.number(current) == 3 && current["type"] as? String == "n" && current["format"] as? String == "0.00", "\(current)")
        let cap = try #require(indicators.cell(education, "target"))
        #expect(Self.number(cap) == 2 && cap["format"] as? String == "0.00", "a cap is a level: \(cap)")
        #expect(indicators.cell(education, "met")?["value"] as? String == "否")
        #expect(indicators.cell(education, "rollup")?["value"] as? String == "否")
        #expect(indicators.cell(education, "unit_name")?["value"] as? String == "县教育局")
        #expect(indicators.cell(education, "category")?["value"] as? String == "县直部门")
        #expect(indicators.cell(education, "metric_label")?["value"] as? String == "借调人数")
        let months = try #require(indicators.cell(education, "current_months"))
        #expect(Self.number(months) == 12 && months["format"] as? String == "0", "\(months)")
        // Every rate is a number formatted 0.0%; every id and name is text.
        for row in indicators.data {
            for id in ["reduction_rate", "yoy_rate", "mom_rate", "ytd_rate"] {
                guard let cell = indicators.cell(row, id), cell["value"] != nil, !(cell["value"] is NSNull) else { continue }
                #expect(cell["type"] as? String == "n" && cell["format"] as? String == "0.0%", "\(id): \(cell)")
            }
            #expect(indicators.cell(row, "unit_id")?["type"] as? String == "s")
        }

        // 预警: 示例县's secondments alert is a roll-up's: 3 of its units over their own cap, a count.
        let alerts = try #require(sheets["预警"])
        // alerts.csv's columns, with the metric's label before its id.
        #expect(alerts.ids == ["unit_id", "unit_name", "responsible", "metric_label", "metric", "rule", "value", "threshold",
                               "first_seen", "months_open", "status"])
        #expect(alerts.headers.prefix(6) == ["单位代码", "单位名称", "减负责任人", "指标", "指标代码", "预警规则"])
        let county = try #require(alerts.data.first {
            alerts.cell($0, "unit_name")?["value"] as? String == "示例县" && alerts.cell($0, "metric")?["value"] as? String == "secondments"
        })
        #expect(alerts.cell(county, "rule")?["value"] as? String == "超出上限")
        let exceeding = try #require(alerts.cell(county, "value"))
        #expect(Self.number(exceeding) == 3 && exceeding["format"] as? String == "0", "\(exceeding)")

        // 未通过行: fixtures/demo/README.md: 3 + 4 rows and 2 cells rejected, with their line numbers.
        let rejected = try #require(sheets["未通过行"])
        #expect(rejected.data.count == 9)
        #expect(rejected.data.allSatisfy { rejected.cell($0, "line")?["type"] as? String == "n" })
        #expect(rejected.data.contains { Self.number(rejected.cell($0, "line")) == 2519 && rejected.cell($0, "source")?["value"] as? String == "extra" })

        // 总体情况: a row per metric, its rates 0.0%.
        let summary = try #require(sheets["总体情况"])
        #expect(summary.autofilter == "A2:T7")
        let documents = try #require(summary.data.first { summary.cell($0, "id")?["value"] as? String == "documents" })
        #expect(summary.cell(documents, "reduction_rate")?["format"] as? String == "0.0%")
        #expect(summary.cell(documents, "direction")?["value"] as? String == "减少")
    }

    /// A unit named like a formula stays text, with a hand-worked rate: 10 documents a month in
    /// 2018, 6 a month in 2019: a reduction of (10 − 6) / 10 = 40 %.
    @Test func formulaLikeNamesAreTextAndControlCharactersShow() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let formula = "=HYPERLINK(\"http://x\",\"y\")"
        try dir.write("units.csv", "unit_id,name,category,parent_id\nU1,\"\(formula.replacingOccurrences(of: "\"", with: "\"\""))\",township,\n"
            + "U2,村\u{1}名,village,U1\n")
        var counts = "unit_id,period,metric,value\n"
        for unit in ["U1", "U2"] {
            for month in 1...12 {
                let m = month < 10 ? "0\(month)" : "\(month)"
                counts += "\(unit),2018-\(m),documents,10\n\(unit),2019-\(m),documents,6\n"
            }
        }
        try dir.write("counts.csv", counts)
        try dir.write("pipeline.yml", """
            name: tiny
            sources:
              - {name: units, kind: units, path: units.csv}
              - {name: counts, path: counts.csv}
            metrics:
              documents: {label: 发文, target: 0.3}
            baseline: {from: 2018-01, to: 2018-12}
            evaluation: {months: 12}
            outputs: {dir: out, formats: [xlsx]}

            """)
        let result = try Jianfu.run(["run", "pipeline.yml"], in: dir.url)
        try #require(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out/indicators.csv").path), "formats: [xlsx] writes no CSV")
        let (_, sheets) = try Self.workbook(dir.file("out/jianfu.xlsx"))
        for (name, sheet) in sheets { #expect(sheet.formulas == 0, "\(name)") }
        let indicators = try #require(sheets["指标"])
        let u1 = try #require(indicators.data.first { indicators.cell($0, "unit_id")?["value"] as? String == "U1" })
        let name = try #require(indicators.cell(u1, "unit_name"))
        #expect(name["value"] as? String == formula && name["type"] as? String == "s", "\(name)")
        let u2 = try #require(indicators.data.first { indicators.cell($0, "unit_id")?["value"] as? String == "U2" })
        #expect(indicators.cell(u2, "unit_name")?["value"] as? String == "村\u{2401}名", "U+0001 as its control picture")
        let rate = try #require(indicators.cell(u2, "reduction_rate"))
        #expect(abs((Self.number(rate) ?? 0) - 0.4) < 1e-12 && rate["format"] as? String == "0.0%", "\(rate)")
        let target = try #require(indicators.cell(u2, "target"))
        #expect(Self.number(target) == 0.3 && target["format"] as? String == "0.0%", "a reduction target is a rate: \(target)")
        #expect(indicators.cell(u2, "met")?["value"] as? String == "是")
        let scores = try #require(sheets["得分排名"])
        #expect(scores.data.contains { scores.cell($0, "unit_name")?["value"] as? String == formula })
    }

    @Test func demoWorkbookConvertsWithLibreOffice() throws {
        let (dir, result) = try DemoTests.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result.stderr)")
        let text = try pdfText(convertWithLibreOffice(dir.file("out/jianfu.xlsx"), in: dir))
        // Headers and values of each sheet reach the PDF: 总体情况's and 指标's headers, a unit,
        // a rate as a percentage with one decimal.
        for word in ["本期水平", "减少率", "县教育局", "综合得分", "预警规则", "原始行"] {
            #expect(text.contains(word), "PDF lacks \(word)")
        }
        #expect(text.range(of: #"\d+\.\d%"#, options: .regularExpression) != nil, "a rate as 0.0%")
    }
}
