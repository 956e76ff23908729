import JianfuIndicators
import JianfuModel
import Testing

/// SPEC §4 roll-ups over the unit hierarchy.
@Suite struct RollUpTests {
    let documents = Metric(id: "documents", aggregate: .sum, rule: .target(0.3))
    let survey = Metric(id: "survey", direction: .up, aggregate: .mean, rule: .target(80))

    /// County C → townships T1, T2; T1 → villages V1, V2.
    var units: [MonitoredUnit] {
        [
            MonitoredUnit(id: "C", category: "county"), MonitoredUnit(id: "T1", category: "township", parentID: "C"),
            MonitoredUnit(id: "V1", category: "village", parentID: "T1"), MonitoredUnit(id: "V2", category: "village", parentID: "T1"),
            MonitoredUnit(id: "T2", category: "township", parentID: "C"),
        ]
    }

    @Test func sumsAndFlatMeans() throws {
        var f = Fixture(metrics: [documents, survey], units: units)
        f.add("V1", "documents", ["2024-01": 3, "2024-02": 1])
        f.add("V2", "documents", ["2024-01": 4])
        f.add("T1", "documents", ["2024-01": 10])
        f.add("T2", "documents", ["2024-01": 5])
        f.add("V1", "survey", ["2024-01": 80])
        f.add("V2", "survey", ["2024-01": 90])
        f.add("T2", "survey", ["2024-01": 70])
        let e = try f.evaluate(EvaluationSettings(metrics: [documents, survey], baseline: baseline2018, evaluation: .lastMonths(2)))
        let jan = Int32(month("2024-01")), feb = Int32(month("2024-02"))
        let c = try #require(e.units.firstIndex { $0.unit.id == "C" })
        let t1 = try #require(e.units.firstIndex { $0.unit.id == "T1" })
        // T1 Jan = 10 + 3 + 4 = 17; Feb = 1 (only V1 reported). C Jan = 17 + 5 = 22.
        #expect(e.series[t1][0].map(\.ordinal) == [jan, feb])
        #expect(e.series[t1][0].map(\.value) == [17, 1])
        #expect(e.series[c][0].map(\.value) == [22, 1])
        // Survey: T1 = mean(80, 90) = 85; C = one flat mean over V1, V2, T2 = 80, not mean(85, 70) = 77.5.
        #expect(e.series[t1][1].map(\.value) == [85])
        #expect(e.series[c][1].map(\.value) == [80])
        #expect(e.units[c].isRollup && e.units[t1].isRollup)
        let v1 = try e.unit("V1"), t2 = try e.unit("T2")
        #expect(!v1.isRollup && !t2.isRollup)
        // The roll-up's current level is the mean over its reported months: (22 + 1) / 2.
        #expect(try e.row("C", "documents").current == 11.5)
        // Leaves keep their own series.
        #expect(try e.row("T2", "documents").current == 5)
    }

    @Test func cycleIsRefused() {
        let cyclic = [MonitoredUnit(id: "A", parentID: "B"), MonitoredUnit(id: "B", parentID: "A")]
        #expect(throws: Hierarchy.CycleError.self) { try Hierarchy(units: cyclic) }
        #expect(throws: Hierarchy.CycleError.self) { try Hierarchy(units: [MonitoredUnit(id: "S", parentID: "S")]) }
    }

    @Test func orphanParentIsARoot() throws {
        let h = try Hierarchy(units: [MonitoredUnit(id: "A", parentID: "nowhere"), MonitoredUnit(id: "B", parentID: "A")])
        #expect(h.parent == [nil, 0])
        #expect(h.orphans.count == 1 && h.orphans[0].parentID == "nowhere")
    }

    @Test func parentsFromAdministrativeCodes() throws {
        #expect(Hierarchy.derivedParent(of: "330106001001").prefix(2) == ["330106001", "330106001000"])
        #expect(Hierarchy.derivedParent(of: "330106001000").prefix(2) == ["330106", "330106000000"])
        #expect(Hierarchy.derivedParent(of: "330106").prefix(1) == ["3301"])
        #expect(Hierarchy.derivedParent(of: "abc").isEmpty)
        // Village → township (written short) → county (written padded).
        let h = try Hierarchy(units: [
            MonitoredUnit(id: "330106000000"), MonitoredUnit(id: "330106001"), MonitoredUnit(id: "330106001001"),
        ], deriveFromCodes: true)
        #expect(h.parent == [nil, 0, 1])
        // Explicit parents win over derivation; without the flag nothing is derived.
        #expect(try Hierarchy(units: [MonitoredUnit(id: "330106000000"), MonitoredUnit(id: "330106001000")]).parent == [nil, nil])
    }
}

/// SPEC §4 (amended): a roll-up's cap is a limit per unit, judged unit by unit.
@Suite struct RollUpCapTests {
    let secondments = Metric(id: "secondments", rule: .cap(1))

    /// ```
    /// C (county, cap 1, reports nothing itself)
    /// ├─ T (township, cap 3): itself 2 a month ✓ · V1 1 ✓ · V2 2 ✗ (cap 1) · V3 silent
    /// └─ T2 (township, cap 3): itself 3 ✓ · V4 1 ✓ — summed 4 > 3, yet every unit is within
    /// ```
    func evaluation() throws -> Evaluation {
        let units = [
            MonitoredUnit(id: "C", category: "county"),
            MonitoredUnit(id: "T", category: "township", parentID: "C"),
            MonitoredUnit(id: "V1", category: "village", parentID: "T"),
            MonitoredUnit(id: "V2", category: "village", parentID: "T"),
            MonitoredUnit(id: "V3", category: "village", parentID: "T"),
            MonitoredUnit(id: "T2", category: "township", parentID: "C"),
            MonitoredUnit(id: "V4", category: "village", parentID: "T2"),
        ]
        var f = Fixture(metrics: [secondments], units: units)
        let months = ["2024-01", "2024-02", "2024-03"]
        func each(_ value: Double) -> [String: Double] { Dictionary(uniqueKeysWithValues: months.map { ($0, value) }) }
        f.add("T", "secondments", each(2))
        f.add("V1", "secondments", each(1))
        f.add("V2", "secondments", each(2))
        f.add("V3", "secondments", ["2023-01": 5])
        f.add("T2", "secondments", each(3))
        f.add("V4", "secondments", each(1))
        return try f.evaluate(EvaluationSettings(
            metrics: [secondments], baseline: baseline2018, evaluation: .lastMonths(3),
            categories: ["township": CategoryOverride(caps: ["secondments": 3])]))
    }

    @Test func twoOfThreeWithinScores66() throws {
        let e = try evaluation()
        let t = try e.row("T", "secondments")
        // T's units with a current level: T itself (2 ≤ 3), V1 (1 ≤ 1), V2 (2 > 1); V3 is silent.
        #expect(t.unitsWithinCap == UnitsWithinCap(judged: 3, within: 2))
        #expect(t.met == false)
        #expect(abs(try #require(t.score) - 66.67) < 0.005)  // 100 × 2 / 3
        // current stays the sum 2 + 1 + 2 = 5, target is T's own cap 3.
        #expect(t.current == 5 && t.rule == .cap(3))
        // The composite follows the per-unit score (the only metric, no rebound).
        #expect(abs(try #require(try e.unit("T").composite) - 200.0 / 3.0) < 1e-9)
    }

    @Test func aRollUpOverItsCapInSumIsMetWhenEveryUnitIs() throws {
        let t2 = try evaluation().row("T2", "secondments")
        // Summed 3 + 1 = 4 > cap 3, but T2 (3 ≤ 3) and V4 (1 ≤ 1) are within.
        #expect(t2.current == 4)
        #expect(t2.met == true && t2.score == 100)
        #expect(t2.unitsWithinCap == UnitsWithinCap(judged: 2, within: 2))
    }

    @Test func theCountyCountsEveryUnitBelowIt() throws {
        let e = try evaluation()
        let c = try e.row("C", "secondments")
        // C reports nothing itself: T, V1, V2, T2, V4 are judged, V2 is over → 4 of 5 → 80.
        #expect(c.unitsWithinCap == UnitsWithinCap(judged: 5, within: 4))
        #expect(c.met == false && c.score == 80)
        // Leaves keep the SPEC §3 rule: V2 2 > 1 → score 100 × 1 / 2.
        #expect(try e.row("V2", "secondments").score == 50 && e.row("V2", "secondments").unitsWithinCap == nil)
        // Alerts: a roll-up's cap_exceeded carries the number of units over their cap,
        // threshold 0; a leaf's the level and its cap.
        let capAlerts = e.alerts.filter { $0.rule == .capExceeded }.map { (e.units[$0.unitIndex].unit.id, $0.value, $0.threshold) }
        #expect(capAlerts.count == 3)
        #expect(capAlerts.contains { $0 == ("C", 1, 0) })
        #expect(capAlerts.contains { $0 == ("T", 1, 0) })
        #expect(capAlerts.contains { $0 == ("V2", 2, 1) })
    }
}
