import Foundation
import JianfuTestSupport
import Testing

/// SPEC §5 "nothing lost, nothing invented": every row is kept or listed in `rejected.csv` with
/// its source, first physical line (header = line 1), field and reason code.
@Suite struct RejectionTests {
    static let units = """
        unit_id,name,category,parent_id,responsible
        U1,东门村,village,,
        U2,西岭村,village,,

        """

    /// The long source, line by line. Lines 3–4 are one record (a quoted name holding a line
    /// break), so every later line number counts physical lines, not records.
    static let long: [UInt8] = Array("""
        unit_id,unit_name,period,metric,value
        U1,东门村,2019-01,documents,5
        U1,"东门
        村",2019-02,documents,6
        U1,东门村,2019-13,documents,7

        U1,东门村,2019-03,meetings,2
        U1,东门村,2019-03,documents,-1
        U1,东门村,2019-03,documents,1e3
        U1,东门村,2019-01,documents,9
        U1,东门村,2019-03,documents,
        ,东门村,2019-03,documents,3
        U1,东门村,2019-03,documents
        U9,北山村,2019-03,documents,3
        U1,东门村,2019Q1,documents,3
        U1,东门村,2099-01,documents,3

        """.utf8)
        + Array("U1,东".utf8) + [0xFF] + Array("村,2019-04,documents,3\n".utf8)  // line 17: not UTF-8
        + Array("""

        U1,东门村,2019-03,documents,4
        U1,"南
        山",2019-05,documents,x
        U1,东门村,2019-06,documents,-2

        """.utf8)

    static let wide = """
        unit_id,period,documents,survey
        U2,2019-01,3,80
        U2,2019-02,x,81
        U2,2019-03,4,８５
        U2,2019年4月,5,

        """

    static let pipeline = """
        name: 质检
        sources:
          - {name: units, kind: units, path: units.csv}
          - {name: long, path: long.csv, encoding: utf-8}
          - {name: wide, path: wide.csv, layout: wide}
        metrics:
          documents: {target: 0.3}
          survey:    {direction: up, aggregate: mean, target: 80}
        baseline: {from: 2018-01, to: 2018-12}
        outputs: {dir: out, formats: [csv, json]}

        """

    @Test func everyRejectionIsListedWithItsPhysicalLine() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("units.csv", Self.units)
        try dir.write("long.csv", Data(Self.long))
        try dir.write("wide.csv", Self.wide)
        let pipeline = try dir.write("quality.yml", Self.pipeline)

        let result = try Jianfu.run(["run", pipeline.path])
        try #require(result.status == 0, "\(result)")

        let rows = try csvRows(dir.file("out/rejected.csv"))
        #expect(rows.first == ["source", "line", "field", "reason", "message", "raw", "reason_id"])
        let listed = rows.dropFirst().map { [$0[0], $0[1], $0[2], $0[3], $0[5]] }
        #expect(listed == [
            ["long", "5", "period", "bad_period", "U1,东门村,2019-13,documents,7"],  // month 13
            // line 6 is blank: skipped and counted, not rejected
            ["long", "7", "metric", "unknown_metric", "U1,东门村,2019-03,meetings,2"],
            ["long", "8", "value", "negative_count", "U1,东门村,2019-03,documents,-1"],
            ["long", "9", "value", "bad_value", "U1,东门村,2019-03,documents,1e3"],  // no exponents
            ["long", "10", "", "duplicate_key", "U1,东门村,2019-01,documents,9"],  // line 2 is kept
            ["long", "11", "value", "empty_value", "U1,东门村,2019-03,documents,"],  // empty in a long file
            ["long", "12", "unit_id", "empty_unit", ",东门村,2019-03,documents,3"],
            ["long", "13", "", "malformed_row", "U1,东门村,2019-03,documents"],  // 4 fields, header has 5
            ["long", "14", "unit_id", "unknown_unit", "U9,北山村,2019-03,documents,3"],  // not in units.csv
            ["long", "15", "period", "wrong_granularity", "U1,东门村,2019Q1,documents,3"],  // a quarter for a monthly metric
            ["long", "16", "period", "future_period", "U1,东门村,2099-01,documents,3"],
            ["long", "17", "", "undecodable", "U1,东\u{FFFD}村,2019-04,documents,3"],  // byte FF shown as U+FFFD
            // line 18 blank, line 19 kept
            ["long", "20", "value", "bad_value", "U1,\"南\n山\",2019-05,documents,x"],  // record on lines 20–21
            ["long", "22", "value", "negative_count", "U1,东门村,2019-06,documents,-2"],
            // wide: a bad cell rejects that cell only; the row's other cells are kept
            ["wide", "3", "documents", "bad_value", "U2,2019-02,x,81"],
            ["wide", "4", "survey", "bad_value", "U2,2019-03,4,８５"],  // full-width digits
        ])
        let duplicate = try #require(rows.first(where: { $0.count > 3 && $0[3] == "duplicate_key" }))
        #expect(duplicate[4].contains("line 2"), "the duplicate's message names the kept line: \(duplicate[4])")

        // What was kept: the two-line record (lines 3–4) is U1's 2019-02; wide line 3 keeps survey 81
        // and line 4 keeps documents 4; line 5's empty survey is a missing value.
        #expect(try csvLines(dir.file("out/series.csv")) == [
            "unit_id,metric,period,value",
            "U1,documents,2019-01,5",
            "U1,documents,2019-02,6",
            "U1,documents,2019-03,4",
            "U2,documents,2019-01,3",
            "U2,documents,2019-03,4",
            "U2,documents,2019-04,5",
            "U2,survey,2019-01,80",
            "U2,survey,2019-02,81",
        ])

        let summary = try readJSON(dir.file("out/summary.json"))
        let quality = try #require(summary["data_quality"] as? [String: Any])
        // long: records on lines 2, 3–4, 5, 7–17, 19, 20–21, 22 = 17 rows, 14 rejected, 2 blank (6, 18).
        // wide: 4 rows, none rejected as a whole, 2 cells rejected.
        // Totals: 17 + 4 = 21 rows read; 14 rows rejected; 2 cells; 2 blank lines; observations
        // 3 (long lines 2, 3–4, 19) + 5 (wide line 2: 2, lines 3, 4, 5: 1 each) = 8.
        #expect(quality["rows_read"] as? Int == 21)
        #expect(quality["rows_rejected"] as? Int == 14)
        #expect(quality["cells_rejected"] as? Int == 2)
        #expect(quality["blank_lines"] as? Int == 2)
        #expect(quality["observations"] as? Int == 8)
        let sources = try #require(quality["sources"] as? [[String: Any]])
        let bySource = Dictionary(uniqueKeysWithValues: sources.compactMap { s in (s["name"] as? String).map { ($0, s) } })
        #expect(bySource["long"]?["rows_read"] as? Int == 17)
        #expect(bySource["long"]?["rows_rejected"] as? Int == 14)
        #expect(bySource["long"]?["blank_lines"] as? Int == 2)
        #expect(bySource["wide"]?["rows_read"] as? Int == 4)
        #expect(bySource["wide"]?["cells_rejected"] as? Int == 2)
    }
}
