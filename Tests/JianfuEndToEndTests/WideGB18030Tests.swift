import Foundation
import JianfuTestSupport
import Testing

/// A spreadsheet export (SPEC §1): wide layout, GB18030 bytes, CRLF, Chinese headers mapped by
/// `columns:`, an extra column that is ignored, and a unit name with a 4-byte GB18030 character
/// (𠀾, U+2003E, bytes 95 32 88 38).
@Suite struct WideGB18030Tests {
    static let csv = [
        "单位代码,单位名称,月份,发文数,测评满意度,备注",
        "A01,东门村,2018年1月,10,,\"含,逗号\"",
        "A01,东门村,2018年2月,14,70.5,",
        "A01,东门村,2019年1月,6,,",
        "A01,东门村,2019年2月,5,81,",
        "B02,𠀾坑村,2018年1月,8,,",
        "B02,𠀾坑村,2019年2月,4,90,已核",
    ].map { $0 + "\r\n" }.joined()

    static let pipeline = """
        name: 宽表
        sources:
          - name: 报表
            path: wide.csv
            layout: wide
            encoding: auto
            columns: {unit_id: 单位代码, unit_name: 单位名称, period: 月份, documents: 发文数, survey: 测评满意度}
        metrics:
          documents: {target: 0.3}
          survey:    {direction: up, aggregate: mean, target: 80}
        baseline:   {from: 2018-01, to: 2018-12}
        evaluation: {months: 2}
        outputs: {dir: out, formats: [csv, json]}

        """

    @Test func readsGB18030WithChineseHeaders() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let encoded = try gb18030(Self.csv)
        // The bytes really are GB18030: 𠀾 is the 4-byte sequence 95 32 88 38, and no UTF-8 lead
        // byte sequence for it (F0 A0 80 BE) is present.
        #expect(encoded.range(of: Data([0x95, 0x32, 0x88, 0x38])) != nil)
        #expect(encoded.range(of: Data([0xF0, 0xA0, 0x80, 0xBE])) == nil)
        try dir.write("wide.csv", encoded)
        let pipeline = try dir.write("wide.yml", Self.pipeline)

        let result = try Jianfu.run(["run", pipeline.path])
        try #require(result.status == 0, "\(result)")

        // Evaluation window 2019-01..02 (latest month 2019-02), prior 2018-01..02; rebound
        // P = 2018-09..11 has no data, so no rebound anywhere.
        #expect(try csvLines(dir.file("out/indicators.csv")) == [
            "unit_id,unit_name,category,rollup,metric,baseline,current,change,reduction_rate,prior,yoy_rate,target,met,score,rebound,baseline_months,current_months,month_value,mom_rate,ytd,ytd_months,ytd_prior,ytd_rate",
            // A01 documents: baseline (10+14)/2 = 12; current (6+5)/2 = 5.5; change -6.5;
            // reduction 6.5/12; prior 12; yoy -6.5/12; met; score 100*min(0.5417/0.3, 1) = 100.
            // Bulletin month 2019-02: 5; 环比 (5 − 6) / 6; 1—2月累计 6 + 5 = 11 over 2 months; a
            // year earlier 10 + 14 = 24, both years complete → 累计同比 (11 − 24) / 24 = −13/24.
            "A01,东门村,,false,documents,12,5.5,-6.5,0.5416666666666666,12,-0.5416666666666666,0.3,true,100,false,2,2,5,-0.16666666666666666,11,2,24,-0.5416666666666666",
            // A01 survey: 70.5 (2018-02) → 81 (2019-02); change 10.5; yoy 10.5/70.5.
            // A mean metric has no bulletin figures.
            "A01,东门村,,false,survey,70.5,81,10.5,,70.5,0.14893617021276595,80,true,81,false,1,1,,,,,,",
            // B02 documents: 8 → 4; reduction 4/8 = 0.5; prior 8; yoy -0.5.
            // Bulletin: 4; no January value → no 环比; 累计 4 over 1 month, a year earlier 8 (January
            // only) → not complete, no 累计同比.
            "B02,𠀾坑村,,false,documents,8,4,-4,0.5,8,-0.5,0.3,true,100,false,1,1,4,,4,1,8,",
            // B02 survey: only 2019-02 = 90 (empty cells are missing values, not errors).
            "B02,𠀾坑村,,false,survey,,90,,,,,80,true,90,false,0,1,,,,,,",
        ])
        #expect(try csvLines(dir.file("out/rejected.csv")) == ["source,line,field,reason,message,raw,reason_id"])

        let summary = try readJSON(dir.file("out/summary.json"))
        let quality = try #require(summary["data_quality"] as? [String: Any])
        // 6 rows; observations: A01 4 documents + 2 surveys, B02 2 documents + 1 survey = 9.
        #expect(quality["rows_read"] as? Int == 6)
        #expect(quality["observations"] as? Int == 9)
        #expect(quality["cells_rejected"] as? Int == 0)
        let sources = try #require(quality["sources"] as? [[String: Any]])
        #expect(sources.first?["name"] as? String == "报表")
        #expect(sources.first?["encoding"] as? String == "gb18030")
    }
}
