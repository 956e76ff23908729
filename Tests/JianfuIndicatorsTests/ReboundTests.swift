import JianfuIndicators
import JianfuModel
import Testing

/// SPEC §3 `rebound`, both directions and the edge cases.
@Suite struct ReboundTests {
    @Test func downRule() {
        // (11 - 10) / 10 = 0.1 is not above 0.10; 11.5 is.
        #expect(!Rebound(last: 11, previous: 10, direction: .down, threshold: 0.10).isRebound)
        #expect(Rebound(last: 11.5, previous: 10, direction: .down, threshold: 0.10).isRebound)
        // P == 0 and L > 0 rebounds; P == 0 and L == 0 does not.
        #expect(Rebound(last: 1, previous: 0, direction: .down, threshold: 0.10).isRebound)
        #expect(!Rebound(last: 0, previous: 0, direction: .down, threshold: 0.10).isRebound)
        #expect(Rebound(last: 1, previous: 0, direction: .down, threshold: 0.10).change == nil)
        // Missing either side: false.
        #expect(!Rebound(last: nil, previous: 10, direction: .down, threshold: 0.10).isRebound)
        #expect(!Rebound(last: 50, previous: nil, direction: .down, threshold: 0.10).isRebound)
    }

    @Test func upRule() {
        // (80 - 70) / 80 = 0.125 > 0.10: the survey fell back.
        let fell = Rebound(last: 70, previous: 80, direction: .up, threshold: 0.10)
        #expect(fell.isRebound && fell.change == 0.125)
        #expect(!Rebound(last: 90, previous: 80, direction: .up, threshold: 0.10).isRebound)
        #expect(!Rebound(last: 0, previous: 0, direction: .up, threshold: 0.10).isRebound)
    }

    @Test func windowsReachBeforeEvaluationStart() throws {
        // Evaluation is one month (2024-12); rebound months 2: L = Nov–Dec, P = Sep–Oct.
        let documents = Metric(id: "documents", rule: .target(0.3))
        var f = Fixture(metrics: [documents], units: [MonitoredUnit(id: "A")])
        f.add("A", "documents", ["2024-09": 4, "2024-10": 6, "2024-11": 6, "2024-12": 8])
        let e = try f.evaluate(EvaluationSettings(metrics: [documents], baseline: .previousYear,
                                                  evaluation: .lastMonths(1), rebound: ReboundRule(months: 2)))
        let row = try e.row("A", "documents")
        #expect(row.rebound.previous == 5 && row.rebound.last == 7)   // (4+6)/2, (6+8)/2
        #expect(row.rebound.isRebound)                                // 0.4 > 0.10
        #expect(row.current == 8 && row.currentPeriods == 1)
    }

    @Test func quarterlyMetricReadsQuarters() throws {
        // A quarterly metric with a 12-month evaluation window ending 2024-12 (from a monthly
        // metric): current = 2024Q1..Q4, rebound months 1 → L = 2024Q4, P = 2024Q3.
        let monthly = Metric(id: "documents", rule: .target(0.3))
        let quarterly = Metric(id: "inspections", granularity: .quarter, rule: .target(0.5))
        var f = Fixture(metrics: [monthly, quarterly], units: [MonitoredUnit(id: "A")])
        f.add("A", "documents", ["2024-12": 1])
        f.add("A", "inspections", ["2018Q1": 10, "2018Q4": 6, "2024Q3": 2, "2024Q4": 4, "2025Q1": 9])
        let e = try f.evaluate(EvaluationSettings(metrics: [monthly, quarterly], baseline: baseline2018,
                                                  rebound: ReboundRule(months: 1)))
        let row = try e.row("A", "inspections")
        #expect(row.baseline == 8 && row.baselinePeriods == 2)    // (10 + 6) / 2
        #expect(row.current == 3 && row.currentPeriods == 2)      // (2 + 4) / 2; 2025Q1 is outside
        #expect(row.reductionRate == 5.0 / 8.0)                   // (8 - 3) / 8
        #expect(row.rebound.isRebound)                            // (4 - 2) / 2 = 1 > 0.10
    }
}
