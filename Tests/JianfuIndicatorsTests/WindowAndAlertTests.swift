import JianfuIndicators
import JianfuModel
import Testing

/// SPEC §3 windows and the SPEC §6 stale alert.
@Suite struct WindowAndAlertTests {
    let documents = Metric(id: "documents", rule: .target(0.3))

    @Test func previousYearBaselineAndExplicitWindow() throws {
        var f = Fixture(metrics: [documents], units: [MonitoredUnit(id: "A")])
        f.add("A", "documents", ["2022-06": 20, "2023-06": 10, "2024-06": 4])
        let explicit = MonthWindow(from: PeriodParser.parse("2023")!, to: PeriodParser.parse("2023")!)
        let e = try f.evaluate(EvaluationSettings(metrics: [documents], baseline: .previousYear, evaluation: .window(explicit)))
        // Evaluation 2023-01..2023-12 → current 10; baseline = prior = 2022 → 20.
        #expect(e.windows.current == MonthWindow(first: month("2023-01"), last: month("2023-12")))
        #expect(e.windows.baseline == MonthWindow(first: month("2022-01"), last: month("2022-12")))
        let row = try e.row("A", "documents")
        #expect(row.current == 10 && row.baseline == 20 && row.prior == 20 && row.reductionRate == 0.5)
    }

    /// What a night reads from a store when no output reads the series (`Windows.periodsRead`),
    /// worked out by hand for a window of the 3 months ending 2024-12, rebound 3 months.
    @Test func thePeriodsTheIndicatorsReadAreTheWindowsTheReboundAndTheBulletinMonths() throws {
        let survey = Metric(id: "survey", direction: .up, aggregate: .mean, rule: .target(80))
        let quarterly = Metric(id: "visits", granularity: .quarter, rule: .target(0.3))
        let settings = EvaluationSettings(metrics: [documents, survey, quarterly], baseline: baseline2018, evaluation: .lastMonths(3))
        let windows = try #require(Windows(settings: settings, latestMonth: month("2024-12")))
        func months(_ spans: [ClosedRange<Int>]) -> [String] {
            spans.map { "\(Period(.month, ordinal: $0.lowerBound))..\(Period(.month, ordinal: $0.upperBound))" }
        }
        // documents (a monthly sum): baseline 2018; current 2024-10..12; prior 2023-10..12;
        // rebound L 2024-10..12, P 2024-07..09; bulletin 1—12月 2024-01..12, a year earlier
        // 2023-01..12, the month before 2024-11. Joined: 2018, then 2023-01..2024-12.
        #expect(months(windows.periodsRead(of: documents, rebound: settings.rebound)) == ["2018-01..2018-12", "2023-01..2024-12"])
        // survey (a mean: no bulletin figures): 2018, 2023-10..12, 2024-07..12.
        #expect(months(windows.periodsRead(of: survey, rebound: settings.rebound))
                == ["2018-01..2018-12", "2023-10..2023-12", "2024-07..2024-12"])
        // visits (quarters, ordinal year × 4 + quarter - 1; the rebound counts periods): baseline
        // 2018Q1..Q4; current 2024Q4; prior 2023Q4; L the 3 quarters 2024Q2..Q4, P the 3 before,
        // 2023Q3..2024Q1. Joined: 2018, 2023Q3..2024Q4.
        let visits = windows.periodsRead(of: quarterly, rebound: settings.rebound)
        #expect(visits == [2018 * 4...2018 * 4 + 3, 2023 * 4 + 2...2024 * 4 + 3])
    }

    @Test func asOfEndsTheWindow() throws {
        var f = Fixture(metrics: [documents], units: [MonitoredUnit(id: "A")])
        f.add("A", "documents", ["2024-01": 4, "2024-06": 8])
        let e = try f.evaluate(EvaluationSettings(metrics: [documents], baseline: baseline2018,
                                                  evaluation: .lastMonths(3), asOf: month("2024-02")))
        #expect(e.windows.current == MonthWindow(first: month("2023-12"), last: month("2024-02")))
        #expect(try e.row("A", "documents").current == 4)
    }

    @Test func staleUnitsAreFlagged() throws {
        var f = Fixture(metrics: [documents], units: [
            MonitoredUnit(id: "Fresh"), MonitoredUnit(id: "Quiet"), MonitoredUnit(id: "Never"),
        ])
        f.add("Fresh", "documents", ["2024-11": 1, "2024-12": 1])
        f.add("Quiet", "documents", ["2024-09": 1])
        let e = try f.evaluate(EvaluationSettings(metrics: [documents], baseline: baseline2018, staleAfter: 2))
        let stale = e.alerts.filter { $0.rule == .stale }
        // Quiet: last report 2024-09, window ends 2024-12 → 3 months without a report ≥ 2.
        // Never: no report at all → value empty. Fresh reported in the last month → no alert.
        #expect(stale.map { e.units[$0.unitIndex].unit.id } == ["Quiet", "Never"])
        #expect(stale.map(\.value) == [3, nil])
        #expect(stale.allSatisfy { $0.threshold == 2 && $0.metricIndex == nil })
    }
}
