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
}
