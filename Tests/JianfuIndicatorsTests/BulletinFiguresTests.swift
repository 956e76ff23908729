import JianfuIndicators
import JianfuModel
import Testing

/// SPEC §6 "Bulletin figures" (月通报): 环比, 1—M月累计 and 累计同比, worked out by hand, and the
/// headline figures of the whole (SPEC §6 `summary.json`).
@Suite struct BulletinFiguresTests {
    let documents = Metric(id: "documents", rule: .target(0.3), countingWord: "件")
    let survey = Metric(id: "survey", direction: .up, aggregate: .mean, rule: .target(80))
    let quarterly = Metric(id: "checks", granularity: .quarter)

    /// Four leaf units; the bulletin month is 2024-03 (the latest month with data).
    ///
    /// ```
    /// documents  2023-01 2023-02 2023-03 | 2024-01 2024-02 2024-03
    /// V               10      12       8 |       9      10      12
    /// W                4       4       4 |       5       —       6
    /// Z                —       —       — |       —       0       3
    /// Q                —       —       — |       1       —       —
    /// ```
    func evaluation() throws -> Evaluation {
        let units = ["V", "W", "Z", "Q"].map { MonitoredUnit(id: $0, category: "village") }
        var f = Fixture(metrics: [documents, survey, quarterly], units: units)
        f.add("V", "documents", ["2023-01": 10, "2023-02": 12, "2023-03": 8, "2024-01": 9, "2024-02": 10, "2024-03": 12])
        f.add("W", "documents", ["2023-01": 4, "2023-02": 4, "2023-03": 4, "2024-01": 5, "2024-03": 6])
        f.add("Z", "documents", ["2024-02": 0, "2024-03": 3])
        f.add("Q", "documents", ["2024-01": 1])
        // Survey (mean): V 70 (2018) → 75 (2023) → 80 (2024); W 60 (2018) → 90 (2024).
        f.add("V", "survey", ["2018-02": 70, "2023-02": 75, "2024-02": 80])
        f.add("W", "survey", ["2018-02": 60, "2024-02": 90])
        f.add("V", "checks", ["2023Q1": 2, "2024Q1": 1])
        return try f.evaluate(EvaluationSettings(metrics: [documents, survey, quarterly], baseline: baseline2018, evaluation: .lastMonths(3)))
    }

    @Test func unitFiguresByHand() throws {
        let e = try evaluation()
        #expect(e.windows.current.lastMonth.description == "2024-03")
        let v = try #require(try e.row("V", "documents").bulletin)
        // V: March 12; 环比 (12 − 10) / 10 = +20 %; 1—3月累计 9 + 10 + 12 = 31 over 3 months;
        // a year earlier 10 + 12 + 8 = 30; 累计同比 (31 − 30) / 30.
        #expect(v.monthValue == 12)
        #expect(v.momRate == (12.0 - 10.0) / 10.0)
        #expect(v.ytd == 31 && v.ytdMonths == 3 && v.ytdPrior == 30)
        #expect(v.ytdRate == (31.0 - 30.0) / 30.0)

        let w = try #require(try e.row("W", "documents").bulletin)
        // W did not report February: no 环比 (missing divisor), 累计 5 + 6 = 11 over 2 months,
        // a year earlier 4 + 4 + 4 = 12 — not both years complete, so no 累计同比.
        #expect(w.monthValue == 6 && w.momRate == nil)
        #expect(w.ytd == 11 && w.ytdMonths == 2 && w.ytdPrior == 12 && w.ytdRate == nil)

        let z = try #require(try e.row("Z", "documents").bulletin)
        // Z: February 0 → 环比 empty (divisor 0); nothing a year earlier.
        #expect(z.monthValue == 3 && z.momRate == nil)
        #expect(z.ytd == 3 && z.ytdMonths == 2 && z.ytdPrior == nil && z.ytdRate == nil)

        let q = try #require(try e.row("Q", "documents").bulletin)
        // Q reported January only: no March value, 累计 1 over 1 month.
        #expect(q.monthValue == nil && q.momRate == nil && q.ytd == 1 && q.ytdMonths == 1)

        // Mean and quarterly metrics have no bulletin figures.
        #expect(try e.row("V", "survey").bulletin == nil)
        #expect(try e.row("V", "checks").bulletin == nil)
    }

    @Test func januaryComparesWithDecember() {
        // Bulletin month 2024-01: 环比 against 2023-12, 1—1月累计 is January alone.
        let series = [("2023-01", 10.0), ("2023-12", 4), ("2024-01", 5)].map {
            ObservationTable.Entry(ordinal: Int32(month($0.0)), value: $0.1)
        }
        let f = BulletinFigures(series, bulletinMonth: month("2024-01"))
        #expect(f.momRate == (5.0 - 4.0) / 4.0)
        #expect(f.ytd == 5 && f.ytdMonths == 1 && f.ytdPrior == 10)
        #expect(f.ytdRate == (5.0 - 10.0) / 10.0)
    }

    @Test func headlineOfTheWhole() throws {
        let headline = Headline(try evaluation())
        let documents = headline.metrics[0]
        let f = try #require(documents.bulletin)
        // Per month the leaf units that reported it, summed (missing is not zero):
        // 2024-01 9 + 5 + 1 = 15, 2024-02 10 + 0 = 10, 2024-03 12 + 6 + 3 = 21;
        // 2023-01 10 + 4 = 14, 2023-02 12 + 4 = 16, 2023-03 8 + 4 = 12.
        #expect(f.monthValue == 21)
        #expect(f.momRate == (21.0 - 10.0) / 10.0)
        #expect(f.ytd == 46 && f.ytdMonths == 3 && f.ytdPrior == 42)
        #expect(f.ytdRate == (46.0 - 42.0) / 42.0)
        // V, W, Z reported March; Q has a current level but no March value; W, Z, Q miss a month
        // of 1—3月.
        #expect(documents.monthUnits == 3 && documents.monthUnitsMissing == 1 && documents.ytdUnitsIncomplete == 3)
        #expect(headline.metrics[1].bulletin == nil && headline.metrics[2].bulletin == nil)
    }

    @Test func meanHeadlineIsTheMeanOfTheLeaves() throws {
        let survey = Headline(try evaluation()).metrics[1]
        // Baseline (70 + 60) / 2 = 65, current (80 + 90) / 2 = 85, prior 75 (V alone):
        // never the sums 130 and 170.
        #expect(survey.baseline == 65 && survey.current == 85 && survey.prior == 75)
        #expect(survey.baselineUnits == 2 && survey.currentUnits == 2 && survey.priorUnits == 1)
        // 同比 (85 − 75) / 75; an up metric has no reduction rate.
        #expect(survey.yoyRate == (85.0 - 75.0) / 75.0)
        #expect(survey.reductionRate == nil)
        // A sum metric's headline stays the sum: documents current V (9 + 10 + 12) / 3 = 31/3,
        // W (5 + 6) / 2 = 5.5, Z 1.5, Q 1.
        let documents = Headline(try evaluation()).metrics[0]
        #expect(documents.current == 31.0 / 3.0 + 5.5 + 1.5 + 1)
    }
}
