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
