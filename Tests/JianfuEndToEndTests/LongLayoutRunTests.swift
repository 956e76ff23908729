import Foundation
import JianfuTestSupport
import Testing

/// `jianfu run` on a tiny long-layout pipeline: one township T1 with two villages V1 and V2, a
/// down metric with a target and an up metric with a mean aggregate (SPEC §3, §4, §6).
@Suite struct LongLayoutRunTests {
    static let units = """
        unit_id,name,category,parent_id,responsible
        T1,城关镇,township,,张三
        V1,东门村,village,T1,李四
        V2,西岭村,village,T1,王五

        """

    /// Period spellings vary on purpose (SPEC §1): `2018/2`, `201803` and `2019年3月` are months.
    static let counts = """
        unit_id,period,metric,value
        V1,2018-01,documents,10
        V1,2018/2,documents,12
        V1,201803,documents,8
        V1,2019-01,documents,6
        V1,2019-02,documents,5
        V1,2019年3月,documents,4
        V1,2018-03,survey,64
        V1,2019-03,survey,88.5
        V2,2018-01,documents,20
        V2,2018-02,documents,16
        V2,2018-10,documents,8
        V2,2018-11,documents,8
        V2,2018-12,documents,8
        V2,2019-01,documents,12
        V2,2018-03,survey,72

        """

    static let pipeline = """
        name: 小镇
        sources:
          - name: counts
            path: counts.csv
          - name: units
            kind: units
            path: units.csv
        metrics:
          documents: {label: 发文, direction: down, aggregate: sum, target: 0.3, weight: 3}
          survey:    {label: 测评, direction: up, aggregate: mean, target: 80, weight: 1}
        baseline:   {from: 2018-01, to: 2018-12}
        evaluation: {months: 3}
        rebound:    {months: 3, threshold: 0.10, penalty: 5}
        categories:
          village: {targets: {documents: 0.4}}
        stale_after: 2
        outputs: {dir: out, formats: [csv, json, prom]}

        """

    /// Writes the three files and runs the pipeline; returns the folder.
    static func runTiny() throws -> (TempDir, RunResult) {
        let dir = try TempDir()
        try dir.write("units.csv", units)
        try dir.write("counts.csv", counts)
        let pipeline = try dir.write("tiny.yml", pipeline)
        return (dir, try Jianfu.run(["run", pipeline.path]))
    }

    @Test func exitsZeroAndSaysWhereTheReportsWent() throws {
        let (dir, result) = try Self.runTiny()
        defer { dir.remove() }
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains(dir.file("out").path), "\(result)")
        for name in ["indicators.csv", "scores.csv", "series.csv", "alerts.csv", "rejected.csv", "summary.json", "metrics.prom"] {
            #expect(dir.exists("out/\(name)"), "missing \(name)")
        }
    }

    @Test("outputs.series: false leaves series.csv out and keeps the other files")
    func seriesCanBeLeftOut() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("units.csv", Self.units)
        try dir.write("counts.csv", Self.counts)
        let pipeline = try dir.write("tiny.yml", Self.pipeline.replacingOccurrences(
            of: "outputs: {dir: out, formats: [csv, json, prom]}", with: "outputs: {dir: out, formats: [csv, json, prom], series: false}"))
        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 0, "\(result)")
        #expect(!dir.exists("out/series.csv"))
        for name in ["indicators.csv", "scores.csv", "alerts.csv", "rejected.csv", "summary.json", "metrics.prom"] {
            #expect(dir.exists("out/\(name)"), "missing \(name)")
        }
    }

    /// Evaluation window: the 3 months ending at the latest month with data, 2019-01..03; prior
    /// window 2018-01..03; rebound L = 2019-01..03, P = 2018-10..12.
    @Test func indicatorsRowsByHand() throws {
        let (dir, result) = try Self.runTiny()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let data = try bytes(dir.file("out/indicators.csv"))
        #expect(Array(data.prefix(3)) == byteOrderMark)
        let lines = try csvLines(dir.file("out/indicators.csv"))
        #expect(lines == [
            "unit_id,unit_name,category,rollup,metric,baseline,current,change,reduction_rate,prior,yoy_rate,target,met,score,rebound,baseline_months,current_months,month_value,mom_rate,ytd,ytd_months,ytd_prior,ytd_rate",
            // T1 (roll-up, sum): per month V1 + V2 where reported:
            //   2018-01 10+20=30, 02 12+16=28, 03 8, 10 8, 11 8, 12 8; 2019-01 6+12=18, 02 5, 03 4.
            // baseline (30+28+8+8+8+8)/6 = 90/6 = 15; current (18+5+4)/3 = 9; change -6;
            // reduction (15-9)/15 = 0.4; prior (30+28+8)/3 = 22; yoy (9-22)/22 = -13/22;
            // target 0.3 (township: the metric's); met 0.4 >= 0.3; score 100*min(0.4/0.3, 1) = 100;
            // rebound L 9 vs P (8+8+8)/3 = 8: (9-8)/8 = 0.125 > 0.1.
            // Bulletin month 2019-03: 4; 环比 (4 − 5) / 5 = −0.2; 1—3月累计 18 + 5 + 4 = 27 over 3
            // months; 2018-01..03 30 + 28 + 8 = 66 → 累计同比 (27 − 66) / 66 = −13/22.
            "T1,城关镇,township,true,documents,15,9,-6,0.4,22,-0.5909090909090909,0.3,true,100,true,6,3,4,-0.2,27,3,66,-0.5909090909090909",
            // T1 survey (roll-up, mean): one flat mean over reporting units: 2018-03 (64+72)/2 = 68,
            // 2019-03 88.5 (V1 only). change 20.5; yoy 20.5/68; met 88.5 >= 80; score 88.5;
            // rebound P (2018-10..12) missing → false.
            "T1,城关镇,township,true,survey,68,88.5,20.5,,68,0.3014705882352941,80,true,88.5,false,1,1,,,,,,",
            // V1: baseline (10+12+8)/3 = 10; current (6+5+4)/3 = 5; reduction 5/10 = 0.5; prior 10;
            // yoy -0.5; village target 0.4 (分类指导); met; score 100*min(0.5/0.4, 1) = 100.
            // Bulletin: 4; 环比 (4 − 5) / 5; 累计 6 + 5 + 4 = 15; 2018 10 + 12 + 8 = 30 → (15 − 30) / 30.
            "V1,东门村,village,false,documents,10,5,-5,0.5,10,-0.5,0.4,true,100,false,3,3,4,-0.2,15,3,30,-0.5",
            // V1 survey: 64 → 88.5; change 24.5; yoy 24.5/64 = 0.3828125.
            "V1,东门村,village,false,survey,64,88.5,24.5,,64,0.3828125,80,true,88.5,false,1,1,,,,,,",
            // V2: baseline (20+16+8+8+8)/5 = 12; current 12 (2019-01 only); change 0; reduction 0;
            // prior (20+16)/2 = 18; yoy (12-18)/18 = -1/3; met 0 >= 0.4 false; score 0;
            // rebound L 12 vs P 8: (12-8)/8 = 0.5 > 0.1.
            // Bulletin: no March value (missing, not 0); 累计 12 over 1 month; 2018 20 + 16 = 36;
            // not complete → no 累计同比.
            "V2,西岭村,village,false,documents,12,12,0,0,18,-0.3333333333333333,0.4,false,0,true,5,1,,,12,1,36,",
            // V2 survey: only 2018-03 = 72; nothing in the evaluation window → empty cells.
            "V2,西岭村,village,false,survey,72,,,,72,,80,,,false,1,0,,,,,,",
        ])
    }

    @Test func scoresRowsByHand() throws {
        let (dir, result) = try Self.runTiny()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        #expect(try csvLines(dir.file("out/scores.csv")) == [
            "unit_id,unit_name,category,rollup,composite,grade,rank,rebounds",
            // T1: (100*3 + 88.5*1)/(3+1) = 388.5/4 = 97.125, minus 5 for 1 rebound = 92.125 → 好 (≥ 90).
            "T1,城关镇,township,true,92.125,好,1,1",
            // V1: (100*3 + 88.5*1)/4 = 97.125, no rebound → 好; first of the villages.
            "V1,东门村,village,false,97.125,好,1,0",
            // V2: only documents scores: 0*3/3 = 0, minus 5 → floored at 0 → 差; second village.
            "V2,西岭村,village,false,0,差,2,1",
        ])
    }

    @Test func alertsRowsByHand() throws {
        let (dir, result) = try Self.runTiny()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        #expect(try csvLines(dir.file("out/alerts.csv")) == [
            // The ledger columns: a fresh store has no earlier bulletin, so each is new in 2019-03.
            "unit_id,unit_name,responsible,metric,rule,value,threshold,first_seen,months_open,status",
            "T1,城关镇,张三,documents,rebound,0.125,0.1,2019-03,1,new",
            "V2,西岭村,王五,documents,rebound,0.5,0.1,2019-03,1,new",
            // V2 reduction 0 < village target 0.4.
            "V2,西岭村,王五,documents,target_missed,0,0.4,2019-03,1,new",
            // V2 last reported 2019-01; window ends 2019-03: 2 months silent ≥ stale_after 2.
            "V2,西岭村,王五,,stale,2,2,2019-03,1,new",
        ])
    }

    @Test func seriesHoldsRollUpSumsAndMeans() throws {
        let (dir, result) = try Self.runTiny()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        #expect(try csvLines(dir.file("out/series.csv")) == [
            "unit_id,metric,period,value",
            "T1,documents,2018-01,30",  // 10 + 20
            "T1,documents,2018-02,28",  // 12 + 16
            "T1,documents,2018-03,8",   // V1 only
            "T1,documents,2018-10,8",   // V2 only
            "T1,documents,2018-11,8",
            "T1,documents,2018-12,8",
            "T1,documents,2019-01,18",  // 6 + 12
            "T1,documents,2019-02,5",
            "T1,documents,2019-03,4",
            "T1,survey,2018-03,68",     // (64 + 72) / 2
            "T1,survey,2019-03,88.5",
            "V1,documents,2018-01,10",
            "V1,documents,2018-02,12",
            "V1,documents,2018-03,8",
            "V1,documents,2019-01,6",
            "V1,documents,2019-02,5",
            "V1,documents,2019-03,4",
            "V1,survey,2018-03,64",
            "V1,survey,2019-03,88.5",
            "V2,documents,2018-01,20",
            "V2,documents,2018-02,16",
            "V2,documents,2018-10,8",
            "V2,documents,2018-11,8",
            "V2,documents,2018-12,8",
            "V2,documents,2019-01,12",
            "V2,survey,2018-03,72",
        ])
        #expect(try csvLines(dir.file("out/rejected.csv")) == ["source,line,field,reason,message,raw,reason_id"])
    }

    @Test func summaryHasSchemaWindowsAndDataQuality() throws {
        let (dir, result) = try Self.runTiny()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result)")
        let summary = try readJSON(dir.file("out/summary.json"))
        #expect(summary["schema"] as? String == "jianfu.summary/1")
        let windows = try #require(summary["windows"] as? [String: Any])
        #expect(windows["evaluation"] as? [String: String] == ["from": "2019-01", "to": "2019-03"])
        #expect(windows["baseline"] as? [String: String] == ["from": "2018-01", "to": "2018-12"])
        #expect(windows["prior"] as? [String: String] == ["from": "2018-01", "to": "2018-03"])
        let quality = try #require(summary["data_quality"] as? [String: Any])
        // 15 data rows in counts.csv, all kept; units.csv is not an observation source.
        #expect(quality["rows_read"] as? Int == 15)
        #expect(quality["rows_rejected"] as? Int == 0)
        #expect(quality["cells_rejected"] as? Int == 0)
        #expect(quality["blank_lines"] as? Int == 0)
        #expect(quality["observations"] as? Int == 15)
    }
}
