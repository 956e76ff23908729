import JianfuIndicators
import JianfuModel
import Testing

/// The headline figures of a run (SPEC §6 `summary.json`, `metrics.prom`): leaf levels summed,
/// the SPEC §3 rates of those sums, and the counts over all units.
@Suite struct HeadlineTests {
    let documents = Metric(id: "documents", rule: .target(0.30))

    /// County C (a roll-up) over villages V1 and V2; evaluation 2024-01..03, prior 2023-01..03,
    /// baseline 2018, rebound: the last 3 months against the 3 before, threshold 0.10.
    ///
    /// ```
    ///        2018-01 | 2023-01 2023-02 2023-12 | 2024-01 2024-02 2024-03
    /// V1          20 |      16       —       — |      12      12      12
    /// V2          10 |       —       4       8 |       —       —      10
    /// ```
    /// V1: baseline 20, prior 16, current 12; rate (20 − 12) / 20 = 0.4 ≥ 0.3, met, score 100,
    ///     no rebound (nothing in 2023-10..12).
    /// V2: baseline 10, prior 4, current 10; rate 0, missed, score 0; rebound (10 − 8) / 8 = 0.25.
    /// C:  months summed: 2018-01 30; 2023-01 16, 2023-02 4, 2023-12 8; 2024 12, 12, 22 →
    ///     baseline 30, current 46 / 3, rate (30 − 46/3) / 30 ≈ 0.49, met, score 100;
    ///     rebound (46/3 − 8) / 8; prior (16 + 4) / 2 = 10.
    func evaluation() throws -> Evaluation {
        let units = [
            MonitoredUnit(id: "C", category: "county"),
            MonitoredUnit(id: "V1", category: "village", parentID: "C"),
            MonitoredUnit(id: "V2", category: "village", parentID: "C"),
        ]
        var f = Fixture(metrics: [documents], units: units)
        f.add("V1", "documents", ["2018-01": 20, "2023-01": 16, "2024-01": 12, "2024-02": 12, "2024-03": 12])
        f.add("V2", "documents", ["2018-01": 10, "2023-02": 4, "2023-12": 8, "2024-03": 10])
        return try f.evaluate(EvaluationSettings(metrics: [documents], baseline: baseline2018, evaluation: .lastMonths(3)))
    }

    @Test func levelsAreTheLeavesSummedAndRatesComeFromTheSums() throws {
        let totals = Headline(try evaluation()).metrics[0]
        // Leaves only (C would count V1 and V2 twice): baseline 20 + 10, current 12 + 10,
        // prior 16 + 4.
        #expect(totals.baseline == 30 && totals.baselineUnits == 2)
        #expect(totals.current == 22 && totals.currentUnits == 2)
        #expect(totals.prior == 20 && totals.priorUnits == 2)
        // SPEC §3 on the sums: (30 − 22) / 30, not C's own (30 − 46/3) / 30 nor a mean of the
        // units' rates; 同比 (22 − 20) / 20.
        #expect(totals.reductionRate == (30.0 - 22.0) / 30.0)
        #expect(totals.yoyRate == (22.0 - 20.0) / 20.0)
    }

    @Test func countsCoverLeavesAndRollUps() throws {
        let headline = Headline(try evaluation())
        let totals = headline.metrics[0]
        // met: V1 and C yes, V2 no; rebounds: V2 and C.
        #expect(totals.unitsMet == 2 && totals.unitsJudged == 3)
        #expect(totals.rebounds == 2)
        #expect(headline.rebounds == 2 && headline.reboundingUnits == 2)
        #expect(headline.leafUnits == 2 && headline.rollupUnits == 1)
        // Composites: V1 100 and C 100 → 好; V2 0 → 差.
        #expect(headline.gradeCounts.map(\.grade.name) == ["好", "较好", "一般", "差"])
        #expect(headline.gradeCounts.map(\.units) == [2, 0, 0, 1])
        let county = try #require(headline.categories.first { $0.category == "county" })
        #expect(county.units == 1 && county.meanComposite == 100 && county.grades == [1, 0, 0, 0])
        let village = try #require(headline.categories.first { $0.category == "village" })
        #expect(village.units == 2 && village.meanComposite == 50 && village.grades == [1, 0, 0, 1])
        // Alerts: rebound V2, C; 只减不增 broken by V2 (10 > 4) and C (46/3 > 10); V2 missed.
        let alerts = Dictionary(uniqueKeysWithValues: headline.alertCounts.map { ($0.rule, $0.count) })
        #expect(alerts == [.rebound: 2, .yoyIncrease: 2, .targetMissed: 1, .capExceeded: 0, .stale: 0])
    }
}
