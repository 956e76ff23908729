import Foundation
import JianfuTestSupport
import Testing

/// `.xlsx` sources (issue 15 item 1) on workbooks made by openpyxl and LibreOffice
/// (`fixtures/xlsx/gen_xlsx.py` made them from the demo CSV files): the same data read from a
/// workbook gives the same indicators.csv, byte for byte; bad cells are named by sheet and
/// cell; workbooks jianfu cannot read are refused with what to do.
@Suite struct XLSXSourceTests {
    static var xlsx: URL { Jianfu.packageRoot.appendingPathComponent("fixtures/xlsx") }

    /// The demo pipeline with its counts (and optionally extra) source replaced by `counts`
    /// (YAML lines after `- name: counts`), output in `<tmp>/out`.
    static func demo(counts: String?, extra: String? = nil) throws -> (TempDir, URL) {
        let dir = try TempDir()
        var yaml = try String(contentsOf: Jianfu.packageRoot.appendingPathComponent("pipelines/demo.yml"), encoding: .utf8)
        if let counts {
            try #require(yaml.contains("    path: ../fixtures/demo/counts.csv\n"))
            yaml = yaml.replacingOccurrences(of: "    path: ../fixtures/demo/counts.csv\n", with: counts)
        }
        if let extra {
            yaml = yaml.replacingOccurrences(of: "    path: ../fixtures/demo/extra.csv\n", with: extra)
        }
        yaml = yaml.replacingOccurrences(of: "../fixtures/demo/", with: Jianfu.demoFixtures.path + "/")
        yaml = yaml.replacingOccurrences(of: "dir: ../reports/demo", with: "dir: \(dir.file("out").path)")
        return (dir, try dir.write("demo.yml", yaml))
    }

    static func run(counts: String?, extra: String? = nil) throws -> (TempDir, RunResult) {
        let (dir, pipeline) = try demo(counts: counts, extra: extra)
        return (dir, try Jianfu.run(["run", pipeline.path]))
    }

    /// The openpyxl workbook: a notes sheet first, the data in 乡镇 under a merged title row and a
    /// blank row, 月份 as dates formatted yyyy"年"m"月", every 5th 发文数 stored as text; and
    /// the long extra.csv converted by LibreOffice (its 2018-01 periods become date cells).
    @Test func theSameDataFromWorkbooksGivesTheSameIndicators() throws {
        let (csvDir, csv) = try Self.run(counts: nil)
        defer { csvDir.remove() }
        try #require(csv.status == 0, "\(csv)")
        let expected = try bytes(csvDir.file("out/indicators.csv"))
        let variants = [
            "    path: \(Self.xlsx.path)/counts_openpyxl.xlsx\n    sheet: 乡镇\n    header_row: 3\n",
            "    path: \(Self.xlsx.path)/counts_openpyxl.xlsx\n    sheet: 2\n    header_row: 3\n",
            "    path: \(Self.xlsx.path)/counts_1904.xlsx\n",  // the 1904 date system
            "    path: \(Self.xlsx.path)/counts_lo.xlsx\n",  // LibreOffice from the CSV
        ]
        for counts in variants {
            let (dir, result) = try Self.run(counts: counts, extra: "    path: \(Self.xlsx.path)/extra_lo.xlsx\n")
            defer { dir.remove() }
            try #require(result.status == 0, "\(counts): \(result)")
            #expect(try bytes(dir.file("out/indicators.csv")) == expected, "\(counts)")
        }
    }

    /// fixtures/demo/README.md plants 十二 in 发文数 on CSV line 2518; in the openpyxl workbook the
    /// header is on row 3, so that row is sheet row 2520 and 发文数 is column D.
    @Test func rejectionsNameSheetAndCell() throws {
        let (dir, result) = try Self.run(counts: "    path: \(Self.xlsx.path)/counts_openpyxl.xlsx\n    sheet: 乡镇\n    header_row: 3\n")
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let rows = try csvRows(dir.file("out/rejected.csv")).filter { $0.first == "counts" }
        let bad = try #require(rows.first { $0[3] == "bad_value" })
        #expect(bad[1] == "2520" && bad[2] == "发文数")
        #expect(bad[4] == "乡镇!D2520: '十二' in 发文数 is not a plain decimal number")
        // The CSV's duplicate of line 889 is row 891 here, on both sides.
        let duplicate = try #require(rows.first { $0[3] == "duplicate_key" })
        #expect(duplicate[1] == "2522" && duplicate[4] == "乡镇!2522:2522: this unit and period were already given at line 891; the first is kept")
    }

    static func small(_ source: String) throws -> (TempDir, URL) {
        let dir = try TempDir()
        let yaml = """
            name: t
            sources:
              - {name: s, \(source)}
            metrics:
              documents: {label: 发文, direction: down, aggregate: sum, target: 0.3}
              meetings: {label: 会议, direction: down, aggregate: sum, target: 0.3}
            baseline: {from: 2023-01, to: 2023-12}
            evaluation: {months: 12}
            outputs: {dir: \(dir.file("out").path), formats: [csv]}
            """
        return (dir, try dir.write("p.yml", yaml))
    }

    /// fixtures/xlsx/gen_xlsx.py: row 3 C3 'abc', row 4 C4 -2, row 5 B5 2024-13, row 6 empty,
    /// row 7 a fifth cell; two empty rows after.
    @Test func badCellsAreRejectedBySheetAndCell() throws {
        let (dir, pipeline) = try Self.small("path: \(Self.xlsx.path)/bad.xlsx, layout: wide")
        defer { dir.remove() }
        let result = try Jianfu.run(["validate", pipeline.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("source s [observations, utf-8]: 5 rows read, 3 accepted, 2 rejected, 2 cells rejected, 4 observations, 1 blank lines"), "\(result)")
        #expect(result.stdout.contains("    s:乡镇!C3 [documents]: bad_value: 'abc' in documents is not a plain decimal number\n"), "\(result)")
        #expect(result.stdout.contains("    s:乡镇!C4 [documents]: negative_count: documents is a count and cannot be negative: '-2'\n"), "\(result)")
        #expect(result.stdout.contains("    s:乡镇!B5 [period]: bad_period: '2024-13' is not a period"), "\(result)")
        #expect(result.stdout.contains("    s:乡镇!7:7: malformed_row: expected 4 fields as in the header, found 5"), "\(result)")
    }

    /// LibreOffice recalculated the formulas =10+2, =C2/4, =SUM(C2:C2)*2 and ="7": their cached
    /// values 12, 3, 24 and the text 7 are read; nothing is rejected.
    @Test func formulasAreReadAsTheirCachedValues() throws {
        let (dir, pipeline) = try Self.small("path: \(Self.xlsx.path)/formulas.xlsx, layout: wide")
        defer { dir.remove() }
        let result = try Jianfu.run(["validate", pipeline.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("2 rows read, 2 accepted, 0 rejected, 0 cells rejected, 4 observations"), "\(result)")
    }

    @Test func unreadableWorkbooksAreRefusedWithWhatToDo() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // A real .xls (LibreOffice's Excel 97-2003): the same OLE magic as a password-protected .xlsx.
        let (xlsDir, xls) = try Self.small("path: \(Self.xlsx.path)/units.xls, layout: wide")
        defer { xlsDir.remove() }
        let refused = try Jianfu.run(["validate", xls.path])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("the file is not an .xlsx workbook but an OLE compound file (it starts with D0 CF 11 E0)"), "\(refused)")
        #expect(refused.stderr.contains("save it as \"Excel Workbook (*.xlsx)\""), "\(refused)")

        let whole = try Data(contentsOf: Self.xlsx.appendingPathComponent("counts_lo.xlsx"))
        let cut = try dir.write("cut.xlsx", whole.prefix(3000))
        let (cutDir, truncated) = try Self.small("path: \(cut.path), layout: wide")
        defer { cutDir.remove() }
        let corrupt = try Jianfu.run(["validate", truncated.path])
        #expect(corrupt.status != 0)
        #expect(corrupt.stderr.contains("the file is not a readable .xlsx workbook"), "\(corrupt)")

        let (sheetDir, noSheet) = try Self.small("path: \(Self.xlsx.path)/counts_openpyxl.xlsx, layout: wide, sheet: 汇总")
        defer { sheetDir.remove() }
        let missing = try Jianfu.run(["validate", noSheet.path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("the workbook has no sheet '汇总'; its sheets are: '说明', '乡镇'"), "\(missing)")

        let (rowDir, farRow) = try Self.small("path: \(Self.xlsx.path)/bad.xlsx, layout: wide, header_row: 40")
        defer { rowDir.remove() }
        let empty = try Jianfu.run(["validate", farRow.path])
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("sheet '乡镇' row 40 (header_row) is empty or past the sheet's last row"), "\(empty)")
    }

    @Test func sheetKeysOnlyForXLSX() throws {
        let (dir, pipeline) = try Self.small("path: \(Jianfu.demoFixtures.path)/extra.csv, sheet: 2")
        defer { dir.remove() }
        let result = try Jianfu.run(["validate", pipeline.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("sheet only with format: xlsx"), "\(result)")
    }

    // MARK: sheets: all

    /// A pipeline reading `workbook` with `sheets: all` (fixtures/xlsx/gen_xlsx.py TOWNSHIPS:
    /// sheets 城关镇 and 东溪乡 under a title row, header on row 2, then an empty sheet 备注);
    /// baseline 2023-01, evaluation 2024-01.
    static func townships(_ workbook: String, keys: String = "sheets: all, header_row: 2") throws -> (TempDir, URL) {
        let dir = try TempDir()
        let yaml = """
            name: t
            sources:
              - {name: s, path: \(Self.xlsx.path)/\(workbook), \(keys), layout: wide,
                 columns: {unit_id: 单位代码, unit_name: 单位名称, period: 月份, documents: 发文数, meetings: 会议数}}
            metrics:
              documents: {label: 发文, direction: down, aggregate: sum, target: 0.3}
              meetings: {label: 会议, direction: down, aggregate: sum, target: 0.3}
            baseline: {from: 2023-01, to: 2023-01}
            evaluation: {from: 2024-01, to: 2024-01}
            outputs: {dir: \(dir.file("out").path), formats: [csv]}
            """
        return (dir, try dir.write("p.yml", yaml))
    }

    /// Every sheet read with one layout, by openpyxl and by LibreOffice (openpyxl → .ods →
    /// .xlsx). By hand from TOWNSHIPS: 城关镇 rows 3–6 and 东溪乡 rows 3, 4, 6, 7 are 8 rows read,
    /// 东溪乡 row 5 one blank line. Rejected: 城关镇!D6 '十二' (a cell: U2 keeps its 会议数 1);
    /// 东溪乡 row 6, U1 2024-01 again (城关镇 row 4), the whole row as a duplicate; 东溪乡!E7 -1
    /// (a cell: U4 keeps 发文数 3). Kept: 2+2+2+1 observations on 城关镇, 2+2+1 on 东溪乡 = 12.
    /// Indicators, baseline 2023-01 → 2024-01: U1 发文 10 → 6 (reduction 0.4), 会议 4 → 2 (0.5);
    /// U2 会议 3 → 1; U3 发文 20 → 12 (0.4), 会议 5 → 5 (0); U4 发文 none → 3.
    @Test(arguments: ["townships_openpyxl.xlsx", "townships_lo.xlsx"])
    func allSheetsAreReadAsOneLayout(workbook: String) throws {
        let (dir, pipeline) = try Self.townships(workbook)
        defer { dir.remove() }
        let validate = try Jianfu.run(["validate", pipeline.path])
        #expect(validate.status == 0, "\(validate)")
        #expect(validate.stdout.contains(
            "source s [observations, utf-8]: 8 rows read, 7 accepted, 1 rejected, 2 cells rejected, 12 observations, 1 blank lines"), "\(validate)")
        #expect(validate.stdout.contains("    s:城关镇!D6 [发文数]: bad_value: '十二' in 发文数 is not a plain decimal number\n"), "\(validate)")
        #expect(validate.stdout.contains(
            "    s:东溪乡!6:6: duplicate_key: this unit and period were already given at 城关镇!4:4; the first is kept\n"), "\(validate)")
        #expect(validate.stdout.contains("    s:东溪乡!E7 [会议数]: negative_count: 会议数 is a count and cannot be negative: '-1'\n"), "\(validate)")

        let run = try Jianfu.run(["run", pipeline.path])
        #expect(run.status == 0, "\(run)")
        // rejected.csv: line is the row in its sheet; the message starts with sheet!cell.
        let rejected = try csvRows(dir.file("out/rejected.csv"))
        #expect(rejected.dropFirst().map { Array($0.prefix(5)) } == [
            ["s", "6", "发文数", "bad_value", "城关镇!D6: '十二' in 发文数 is not a plain decimal number"],
            ["s", "6", "", "duplicate_key", "东溪乡!6:6: this unit and period were already given at 城关镇!4:4; the first is kept"],
            ["s", "7", "会议数", "negative_count", "东溪乡!E7: 会议数 is a count and cannot be negative: '-1'"],
        ])
        let indicators = try csvRows(dir.file("out/indicators.csv"))
        let header = try #require(indicators.first)
        let unit = try #require(header.firstIndex(of: "unit_id")), name = try #require(header.firstIndex(of: "unit_name"))
        let metric = try #require(header.firstIndex(of: "metric"))
        let baseline = try #require(header.firstIndex(of: "baseline")), current = try #require(header.firstIndex(of: "current"))
        let rate = try #require(header.firstIndex(of: "reduction_rate"))
        func row(_ id: String, _ m: String) -> [String]? { indicators.first { $0[unit] == id && $0[metric] == m } }
        let expected: [(String, String, String, String, String, String)] = [
            ("U1", "东门村", "documents", "10", "6", "0.4"), ("U1", "东门村", "meetings", "4", "2", "0.5"),
            ("U2", "西塘村", "documents", "8", "", ""), ("U2", "西塘村", "meetings", "3", "1", ""),
            ("U3", "上溪村", "documents", "20", "12", "0.4"), ("U3", "上溪村", "meetings", "5", "5", "0"),
            ("U4", "下溪村", "documents", "", "3", ""),
        ]
        for (id, unitName, m, b, c, r) in expected {
            let found = try #require(row(id, m), "\(id) \(m)")
            #expect(found[name] == unitName && found[baseline] == b && found[current] == c, "\(found)")
            if !r.isEmpty { #expect(Double(found[rate]) == Double(r), "\(found)") }
        }
    }

    @Test func aSheetWithAnotherHeaderIsAnErrorNamingIt() throws {
        let (dir, pipeline) = try Self.townships("townships_mismatch.xlsx")
        defer { dir.remove() }
        let result = try Jianfu.run(["validate", pipeline.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(
            "sheets: all reads every sheet with the same columns, but sheet '东溪乡' row 2 (header_row) is "
                + "单位代码 | 单位名称 | 月份 | 发文数量 | 会议数 where sheet '城关镇' has 单位代码 | 单位名称 | 月份 | 发文数 | 会议数"), "\(result)")
    }

    @Test func sheetsTakesAllAndNotWithSheet() throws {
        for (keys, message) in [
            ("sheets: all, sheet: 城关镇", "either sheet: (one sheet) or sheets: all, not both"),
            ("sheets: some", "all (every sheet of the workbook, each with the same header row)"),
        ] {
            let (dir, pipeline) = try Self.townships("townships_openpyxl.xlsx", keys: keys)
            defer { dir.remove() }
            let result = try Jianfu.run(["validate", pipeline.path])
            #expect(result.status != 0)
            #expect(result.stderr.contains(message), "\(result)")
        }
    }
}
