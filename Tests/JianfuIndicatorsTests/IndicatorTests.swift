import JianfuIndicators
import JianfuModel
import Testing

/// SPEC §3 column by column, on data small enough to check by hand.
@Suite struct IndicatorTests {
    let documents = Metric(id: "documents", rule: .target(0.30), weight: 1)

    /// One unit, documents with target 0.30:
    /// baseline 2018: 10, 20, 30 reported (9 months missing) → level 20, 3 months;
    /// evaluation 2024-01..2024-12 (latest month 2024-12): 10,10,10 (Jul–Sep) and 12,12,12
    /// (Oct–Dec) → level 11, 6 months; prior 2023: 16, 8 → level 12.
    func oneUnit() throws -> Evaluation {
        var f = Fixture(metrics: [documents], units: [MonitoredUnit(id: "A", category: "village")])
        f.add("A", "documents", ["2018-01": 10, "2018-02": 20, "2018-03": 30,
                                 "2023-01": 16, "2023-02": 8,
                                 "2024-07": 10, "2024-08": 10, "2024-09": 10,
                                 "2024-10": 12, "2024-11": 12, "2024-12": 12])
        return try f.evaluate(EvaluationSettings(metrics: [documents], baseline: baseline2018,
                                                 rebound: ReboundRule(months: 3, threshold: 0.10, penalty: 5)))
    }

    @Test func levelsAreMeansOverReportedPeriods() throws {
        let e = try oneUnit()
        #expect(e.windows.current == MonthWindow(first: month("2024-01"), last: month("2024-12")))
        #expect(e.windows.prior == MonthWindow(first: month("2023-01"), last: month("2023-12")))
        let row = try e.row("A", "documents")
        #expect(row.baseline == 20)          // (10 + 20 + 30) / 3, missing months not zero
        #expect(row.baselinePeriods == 3)
        #expect(row.current == 11)           // (3 * 10 + 3 * 12) / 6
        #expect(row.currentPeriods == 6)
        #expect(row.change == -9)            // 11 - 20
        #expect(row.reductionRate == 0.45)   // (20 - 11) / 20
        #expect(row.prior == 12)             // (16 + 8) / 2
        #expect(row.yoyRate == (11.0 - 12.0) / 12.0)
        #expect(row.rule == .target(0.30))
        #expect(row.met == true)             // 0.45 >= 0.30
        #expect(row.score == 100)            // 100 * clamp(0.45 / 0.30, 0, 1)
    }

    @Test func reboundAndPenalty() throws {
        let e = try oneUnit()
        let row = try e.row("A", "documents")
        // L = Oct–Dec = 12, P = Jul–Sep = 10: (12 - 10) / 10 = 0.2 > 0.10.
        #expect(row.rebound.isRebound)
        #expect(row.rebound.change == 0.2)
        let unit = try e.unit("A")
        #expect(unit.rebounds == 1)
        #expect(unit.composite == 95)        // 100 - 5 penalty points
        #expect(unit.grade?.name == "好")     // 95 >= 90
        #expect(unit.rank == 1)
        #expect(e.alerts.map(\.rule) == [.rebound])
    }

    @Test func partialScoreBelowTarget() throws {
        // baseline 10, current 8.5: rate 0.15, half of the 0.30 target → score 50, missed.
        var f = Fixture(metrics: [documents], units: [MonitoredUnit(id: "A")])
        f.add("A", "documents", ["2018-06": 10, "2024-11": 8, "2024-12": 9])
        let e = try f.evaluate(EvaluationSettings(metrics: [documents], baseline: baseline2018))
        let row = try e.row("A", "documents")
        #expect(row.reductionRate == 0.15)
        #expect(row.met == false)
        #expect(row.score == 50)
        let missed = try #require(e.alerts.first { $0.rule == .targetMissed })
        #expect(missed.value == 0.15)
        #expect(missed.threshold == 0.30)
        // Scores below zero are clamped: a rise is 0, not negative.
        var g = Fixture(metrics: [documents], units: [MonitoredUnit(id: "B")])
        g.add("B", "documents", ["2018-06": 10, "2024-12": 15])
        #expect(try g.evaluate(EvaluationSettings(metrics: [documents], baseline: baseline2018)).row("B", "documents").score == 0)
    }

    @Test func zeroBaselineLeavesRateEmpty() throws {
        var f = Fixture(metrics: [documents], units: [MonitoredUnit(id: "Z")])
        f.add("Z", "documents", ["2018-01": 0, "2018-02": 0, "2024-12": 2])
        let row = try f.evaluate(EvaluationSettings(metrics: [documents], baseline: baseline2018)).row("Z", "documents")
        #expect(row.baseline == 0)
        #expect(row.change == 2)
        #expect(row.reductionRate == nil)
        #expect(row.met == nil)
        #expect(row.score == nil)
        #expect(row.yoyRate == nil)          // no prior-year data
    }

    @Test func missingWindowsAreEmptyNotZero() throws {
        var f = Fixture(metrics: [documents], units: [MonitoredUnit(id: "L"), MonitoredUnit(id: "M")])
        f.add("L", "documents", ["2024-12": 5])       // reports late: no baseline
        f.add("M", "documents", ["2018-03": 5])       // stopped long ago: no current
        let e = try f.evaluate(EvaluationSettings(metrics: [documents], baseline: baseline2018))
        let late = try e.row("L", "documents")
        #expect(late.baseline == nil && late.baselinePeriods == 0)
        #expect(late.change == nil && late.reductionRate == nil && late.met == nil && late.score == nil)
        let gone = try e.row("M", "documents")
        #expect(gone.current == nil && gone.currentPeriods == 0 && gone.score == nil)
        #expect(try e.unit("M").composite == nil)
        #expect(try e.unit("M").grade == nil)
        #expect(try e.unit("M").rank == nil)
    }

    @Test func capRule() throws {
        let secondments = Metric(id: "secondments", rule: .cap(1))
        var f = Fixture(metrics: [secondments], units: [MonitoredUnit(id: "A"), MonitoredUnit(id: "B")])
        f.add("A", "secondments", ["2024-11": 2, "2024-12": 1])   // level 1.5 > cap 1
        f.add("B", "secondments", ["2024-11": 1, "2024-12": 0])   // level 0.5 <= cap 1
        let e = try f.evaluate(EvaluationSettings(metrics: [secondments], baseline: baseline2018))
        let a = try e.row("A", "secondments")
        #expect(a.rule?.threshold == 1)
        #expect(a.met == false)
        #expect(a.score == 100 * 1 / 1.5)
        #expect(a.reductionRate == nil)      // no baseline
        let b = try e.row("B", "secondments")
        #expect(b.met == true)
        #expect(b.score == 100)
        let alert = try #require(e.alerts.first { $0.rule == .capExceeded })
        #expect(alert.value == 1.5 && alert.threshold == 1)
    }

    @Test func upMetric() throws {
        let survey = Metric(id: "survey", direction: .up, aggregate: .mean, rule: .target(80))
        var f = Fixture(metrics: [survey], units: [MonitoredUnit(id: "A"), MonitoredUnit(id: "B"), MonitoredUnit(id: "C")])
        f.add("A", "survey", ["2018-06": 70, "2024-06": 84, "2024-12": 86])  // current 85
        f.add("B", "survey", ["2024-12": 120])                               // clamped to 100
        f.add("C", "survey", ["2024-12": 79.5])
        let e = try f.evaluate(EvaluationSettings(metrics: [survey], baseline: baseline2018))
        let a = try e.row("A", "survey")
        #expect(a.current == 85 && a.baseline == 70 && a.change == 15)
        #expect(a.reductionRate == nil)      // up metrics have no reduction rate
        #expect(a.met == true && a.score == 85)
        #expect(try e.row("B", "survey").score == 100)
        let c = try e.row("C", "survey")
        #expect(c.met == false && c.score == 79.5)
        let missed = try #require(e.alerts.first { $0.rule == .targetMissed })
        #expect(missed.value == 79.5 && missed.threshold == 80)
        // Up metrics never raise yoy_increase, even when rising.
        #expect(!e.alerts.contains { $0.rule == .yoyIncrease })
    }

    @Test func yoyIncreaseBreaksOnlyReduceNeverIncrease() throws {
        var f = Fixture(metrics: [documents], units: [MonitoredUnit(id: "A")])
        f.add("A", "documents", ["2018-01": 100, "2023-12": 40, "2024-12": 50])
        let e = try f.evaluate(EvaluationSettings(metrics: [documents], baseline: baseline2018))
        #expect(try e.row("A", "documents").yoyRate == 0.25)    // (50 - 40) / 40
        let alert = try #require(e.alerts.first { $0.rule == .yoyIncrease })
        #expect(alert.value == 0.25 && alert.threshold == 0)
    }
}
