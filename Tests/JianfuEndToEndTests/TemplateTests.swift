import Foundation
import JianfuTestSupport
import Testing

/// `jianfu template` (issue 15 item 3, docs/templates.md): the fill-in workbook read by
/// openpyxl (protection, validation, frozen header, pre-filled units), filled in by an openpyxl
/// script, and read back by `jianfu run` of the same pipeline with no rejection.
@Suite struct TemplateTests {
    /// Two townships with a village or community each, and a county department under none.
    static let units = """
        unit_id,name,category,parent_id
        T1,城关镇,township,
        V1,东门村,village,T1
        C1,桃园社区,community,T1
        T2,东溪乡,township,
        V2,上溪村,village,T2
        D1,县教育局,county_dept,

        """

    /// The wide source reads `filled.xlsx`, sheet 报表, header on row 3; it maps 发文数 and
    /// 测评满意度, not meetings (which gets no column).
    static func pipeline(_ dir: TempDir, sheet: String = "sheet: 报表") throws -> URL {
        _ = try dir.write("units.csv", units)
        return try dir.write("p.yml", """
            name: 测试县
            sources:
              - name: counts
                path: filled.xlsx
                \(sheet)
                header_row: 3
                layout: wide
                columns: {unit_id: 单位代码, unit_name: 单位名称, period: 月份, documents: 发文数, survey: 测评满意度}
              - {name: units, kind: units, path: units.csv}
            metrics:
              documents: {label: 发文, unit: 件, direction: down, aggregate: sum, target: 0.3}
              meetings: {label: 会议, direction: down, aggregate: sum, target: 0.3}
              survey: {label: 满意度, direction: up, aggregate: mean, target: 80}
            baseline: {from: 2025-01, to: 2025-01}
            evaluation: {from: 2025-01, to: 2025-01}
            outputs: {dir: out, formats: [csv]}
            """)
    }

    /// Prints what the template holds (JSON) and saves a copy with the values of argv[3]
    /// (unit code → values of the entry columns) filled in.
    static let fillScript = """
        import json, sys
        import openpyxl
        src, dst, values = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
        wb = openpyxl.load_workbook(src)
        ws = wb.worksheets[0]
        info = {
            "sheets": wb.sheetnames, "title": ws["A1"].value, "freeze": ws.freeze_panes,
            "protected": bool(ws.protection.sheet), "merged": [str(r) for r in ws.merged_cells.ranges],
            "rows": [[c.value for c in r] for r in ws.iter_rows(min_row=2)],
            "unlocked": sorted(c.coordinate for r in ws.iter_rows() for c in r if not c.protection.locked),
            "validations": sorted([dv.type, dv.operator, dv.formula1, dv.formula2, str(dv.sqref), bool(dv.allow_blank)]
                                  for dv in ws.data_validations.dataValidation),
        }
        for r in ws.iter_rows(min_row=4):
            for c, v in zip(r[3:], values.get(r[0].value, [])):
                c.value = v
        wb.save(dst)
        print(json.dumps(info, ensure_ascii=False))
        """

    /// A JSON array of arrays as text: null as empty, numbers and booleans as JSON reads them.
    static func texts(_ value: Any?) -> [[String]] {
        (value as? [[Any]] ?? []).map { row in
            row.map { cell -> String in
                if cell is NSNull { return "" }
                return cell as? String ?? "\(cell)"
            }
        }
    }

    static func fill(_ dir: TempDir, _ template: URL, into filled: String, values: String) throws -> [String: Any] {
        let script = try dir.write("fill.py", fillScript)
        let result = try runProcess(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, template.path, dir.file(filled).path, values])
        try #require(result.status == 0, "fill.py: \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func templateFilledInByOpenpyxlIsReadBackWithNoRejection() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let pipeline = try Self.pipeline(dir)
        let made = try Jianfu.run(["template", "-p", pipeline.path, "--period", "2025-01", "--by", "township", "--dir", dir.file("tpl").path])
        try #require(made.status == 0, "\(made)")
        #expect(made.stdout.contains("填报模板-2025-01-T1.xlsx (城关镇: 3 units)"), "\(made)")
        #expect(made.stdout.contains("填报模板-2025-01-T2.xlsx (东溪乡: 2 units)"), "\(made)")
        #expect(made.stdout.contains("填报模板-2025-01-其他.xlsx (1 units)"), "\(made)")

        // Fill 城关镇's workbook: 发文数 and 测评满意度 of T1, V1 and C1.
        let template = dir.file("tpl/填报模板-2025-01-T1.xlsx")
        let info = try Self.fill(dir, template, into: "filled.xlsx", values: #"{"T1": [5, 90], "V1": [3, 80], "C1": [2, 85.5]}"#)
        #expect(info["sheets"] as? [String] == ["报表"])
        #expect(info["title"] as? String == "测试县 填报模板 2025-01 — 城关镇")
        #expect(info["merged"] as? [String] == ["A1:E1"])
        #expect(info["freeze"] as? String == "A4", "the header (row 3) and the title above it frozen")
        #expect(info["protected"] as? Bool == true)
        let rows = Self.texts(info["rows"])
        #expect(rows == [
            ["", "", "", "", ""],
            ["单位代码", "单位名称", "月份", "发文数", "测评满意度"],
            ["T1", "城关镇", "2025-01", "", ""],
            ["V1", "东门村", "2025-01", "", ""],
            ["C1", "桃园社区", "2025-01", "", ""],
        ])
        // Only the entry cells are unlocked: the header and the pre-filled code, name and period stay locked.
        #expect(info["unlocked"] as? [String] == ["D4", "D5", "D6", "E4", "E5", "E6"])
        let validations = Self.texts(info["validations"])
        #expect(validations == [
            ["decimal", "between", "0", "100", "E4:E6", "1"],
            ["whole", "greaterThanOrEqual", "0", "", "D4:D6", "1"],
        ], "\(validations)")

        let run = try Jianfu.run(["run", pipeline.path])
        #expect(run.status == 0, "\(run)")
        let rejected = try csvRows(dir.file("out/rejected.csv"))
        #expect(rejected.count == 1, "only the header: \(rejected)")
        // By hand: the leaves are what was typed; 城关镇 (a roll-up, SPEC §4) sums 发文 over itself
        // and its units, 5 + 3 + 2 = 10, and takes the flat mean of 满意度, (90 + 80 + 85.5) / 3.
        let indicators = try csvRows(dir.file("out/indicators.csv"))
        let header = try #require(indicators.first)
        let unit = try #require(header.firstIndex(of: "unit_id")), metric = try #require(header.firstIndex(of: "metric"))
        let current = try #require(header.firstIndex(of: "current"))
        func value(_ id: String, _ m: String) -> Double? {
            indicators.first { $0[unit] == id && $0[metric] == m }.flatMap { Double($0[current]) }
        }
        #expect(value("V1", "documents") == 3 && value("V1", "survey") == 80)
        #expect(value("C1", "documents") == 2 && value("C1", "survey") == 85.5)
        #expect(value("T1", "documents") == 10)
        #expect(abs((value("T1", "survey") ?? 0) - 255.5 / 3) < 1e-9)
        #expect(value("V2", "documents") == nil, "东溪乡's workbook was not filled in")
    }

    @Test func byCategoryGroupsUnitsAndTheRestGoesToOthers() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let pipeline = try Self.pipeline(dir)
        let made = try Jianfu.run(["template", "-p", pipeline.path, "--period", "2025-01", "--by", "township", "--dir", dir.file("tpl").path])
        try #require(made.status == 0, "\(made)")
        for (file, expected) in [
            ("填报模板-2025-01-T2.xlsx", [["T2", "东溪乡", "2025-01"], ["V2", "上溪村", "2025-01"]]),
            ("填报模板-2025-01-其他.xlsx", [["D1", "县教育局", "2025-01"]]),
        ] {
            let info = try Self.fill(dir, dir.file("tpl/" + file), into: "copy.xlsx", values: "{}")
            let rows = Self.texts(info["rows"]).dropFirst(2).map { Array($0.prefix(3)) }
            #expect(Array(rows) == expected, "\(file)")
        }
        // Without --by: every unit in one workbook, in the units source's order.
        let all = try Jianfu.run(["template", "-p", pipeline.path, "--period", "2025-01", "--dir", dir.file("tpl").path])
        try #require(all.status == 0, "\(all)")
        let info = try Self.fill(dir, dir.file("tpl/填报模板-2025-01.xlsx"), into: "copy.xlsx", values: "{}")
        let codes = Self.texts(info["rows"]).dropFirst(2).map { $0[0] }
        #expect(codes == ["T1", "V1", "C1", "T2", "V2", "D1"])
    }

    @Test func aFileThereIsNeverOverwritten() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let pipeline = try Self.pipeline(dir)
        let arguments = ["template", "-p", pipeline.path, "--period", "2025-01", "--dir", dir.file("tpl").path]
        try #require(try Jianfu.run(arguments).status == 0)
        let again = try Jianfu.run(arguments)
        #expect(again.status == 0 && again.stdout.contains("already there, unchanged"), "\(again)")
        // A filled-in copy saved under the template's name: refused, the copy untouched.
        let place = dir.file("tpl/填报模板-2025-01.xlsx")
        _ = try Self.fill(dir, place, into: "tpl/填报模板-2025-01.xlsx", values: #"{"T1": [1, 1]}"#)
        let filled = try Data(contentsOf: place)
        let refused = try Jianfu.run(arguments)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("填报模板-2025-01.xlsx exists and is not this template as jianfu writes it"), "\(refused)")
        #expect(refused.stderr.contains("move it away, or write the templates elsewhere with --dir"), "\(refused)")
        #expect(try Data(contentsOf: place) == filled)
    }

    @Test func badArgumentsAreRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let pipeline = try Self.pipeline(dir)
        for (arguments, message) in [
            (["--period", "2025Q1"], "--period 2025Q1 does not match source counts, whose metrics are reported by month"),
            (["--period", "2025-13"], "--period '2025-13' is not a period"),
            (["--period", "2025-01", "--by", "town"], "--by town: no unit has category town; the units' categories are: community, county_dept, township, village"),
            (["--period", "2025-01", "--source", "units"], "--source units is not a wide observations source of the pipeline; its wide sources are: counts"),
        ] {
            let result = try Jianfu.run(["template", "-p", pipeline.path, "--dir", dir.file("tpl").path] + arguments)
            #expect(result.status == 2, "\(arguments): \(result)")
            #expect(result.stderr.contains(message), "\(arguments): \(result)")
        }
        #expect(!dir.exists("tpl"), "nothing written")
    }

    /// LibreOffice opens the template and prints it (the headers and a unit on the page).
    @Test func libreOfficeConvertsTheTemplateToPDF() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let pipeline = try Self.pipeline(dir)
        let made = try Jianfu.run(["template", "-p", pipeline.path, "--period", "2025-01", "--dir", dir.file("tpl").path])
        try #require(made.status == 0, "\(made)")
        let text = try pdfText(convertWithLibreOffice(dir.file("tpl/填报模板-2025-01.xlsx"), in: dir))
        #expect(text.contains("测试县 填报模板 2025-01"), "\(text)")
        #expect(text.contains("测评满意度") && text.contains("桃园社区"), "\(text)")
    }

    /// With `sheets: all` each township's sheet is named after it: the filled workbooks of two
    /// townships gathered into one (by an openpyxl script, sheet by sheet) read back with no
    /// rejection. By hand: 东溪乡 T2 发文 4 + 上溪村 V2 6 = 10; 城关镇 T1 1 + V1 2 + C1 3 = 6.
    @Test func townshipSheetsGatheredIntoOneWorkbookAreReadWithSheetsAll() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let pipeline = try Self.pipeline(dir, sheet: "sheets: all")
        let made = try Jianfu.run(["template", "-p", pipeline.path, "--period", "2025-01", "--by", "township", "--dir", dir.file("tpl").path])
        try #require(made.status == 0, "\(made)")
        let t1 = try Self.fill(dir, dir.file("tpl/填报模板-2025-01-T1.xlsx"), into: "t1.xlsx", values: #"{"T1": [1, 70], "V1": [2, 80], "C1": [3, 90]}"#)
        let t2 = try Self.fill(dir, dir.file("tpl/填报模板-2025-01-T2.xlsx"), into: "t2.xlsx", values: #"{"T2": [4, 60], "V2": [6, 100]}"#)
        #expect(t1["sheets"] as? [String] == ["城关镇"] && t2["sheets"] as? [String] == ["东溪乡"])
        let gather = try dir.write("gather.py", """
            import sys
            import openpyxl
            out = openpyxl.Workbook()
            out.remove(out.active)
            for path in sys.argv[2:]:
                sheet = openpyxl.load_workbook(path).worksheets[0]
                copy = out.create_sheet(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    copy.append(list(row))
            out.save(sys.argv[1])
            """)
        let gathered = try runProcess(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", gather.path, dir.file("filled.xlsx").path, dir.file("t1.xlsx").path, dir.file("t2.xlsx").path])
        try #require(gathered.status == 0, "\(gathered.stderr)")
        let run = try Jianfu.run(["run", pipeline.path])
        #expect(run.status == 0, "\(run)")
        #expect(try csvRows(dir.file("out/rejected.csv")).count == 1)
        let indicators = try csvRows(dir.file("out/indicators.csv"))
        let header = try #require(indicators.first)
        let unit = try #require(header.firstIndex(of: "unit_id")), metric = try #require(header.firstIndex(of: "metric"))
        let current = try #require(header.firstIndex(of: "current"))
        func value(_ id: String, _ m: String) -> Double? {
            indicators.first { $0[unit] == id && $0[metric] == m }.flatMap { Double($0[current]) }
        }
        #expect(value("T1", "documents") == 6 && value("T2", "documents") == 10)
        #expect(value("V2", "survey") == 100 && value("T2", "survey") == 80)
    }
}
