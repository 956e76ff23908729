import JianfuIndicators
import JianfuModel
import Testing

/// SPEC §3 composite, grade and rank.
@Suite struct CompositeRankTests {
    @Test func weightedMeanOfNonEmptyScores() {
        // (100 * 0.3 + 50 * 0.2) / (0.3 + 0.2) = 40 / 0.5 = 80; the empty score's weight is left out.
        let c = Composite.composite(scores: [(100, 0.3), (50, 0.2), (nil, 0.5)], rebounds: 0, penalty: 5)
        #expect(c == 80)
        // Two rebounds at 5 points: 80 - 10 = 70.
        #expect(Composite.composite(scores: [(100, 0.3), (50, 0.2)], rebounds: 2, penalty: 5) == 70)
        // Floored at 0.
        #expect(Composite.composite(scores: [(10, 1)], rebounds: 3, penalty: 5) == 0)
        // Empty when no metric has a score.
        #expect(Composite.composite(scores: [(nil, 1), (nil, 2)], rebounds: 1, penalty: 5) == nil)
    }

    @Test func gradeIsFirstBandAtOrBelow() {
        #expect(Composite.grade(90, grades: Grade.defaults)?.name == "好")
        #expect(Composite.grade(89.99, grades: Grade.defaults)?.name == "较好")
        #expect(Composite.grade(60, grades: Grade.defaults)?.name == "一般")
        #expect(Composite.grade(0, grades: Grade.defaults)?.name == "差")
        #expect(Composite.grade(nil, grades: Grade.defaults) == nil)
    }

    @Test func ranksShareTiesWithinCategory() {
        let ranks = Rank.ranks([
            ("village", 80), ("village", 90), ("township", 50), ("village", 80), ("village", 70),
            ("village", nil), ("township", 60),
        ])
        // villages: 90 → 1, 80 and 80 → 2, 70 → 4; townships: 60 → 1, 50 → 2; no composite → no rank.
        #expect(ranks == [2, 1, 2, 2, 4, nil, 1])
    }

    @Test func categoryOverridesTargetsCapsAndWeights() throws {
        let documents = Metric(id: "documents", rule: .target(0.30), weight: 0.5)
        let survey = Metric(id: "survey", direction: .up, aggregate: .mean, rule: .target(80), weight: 0.5)
        var f = Fixture(metrics: [documents, survey], units: [
            MonitoredUnit(id: "V", category: "village"), MonitoredUnit(id: "D", category: "county_dept"),
        ])
        for unit in ["V", "D"] {
            f.add(unit, "documents", ["2018-01": 10, "2024-12": 6])   // rate 0.4
            f.add(unit, "survey", ["2024-12": 70])
        }
        let settings = EvaluationSettings(metrics: [documents, survey], baseline: baseline2018, categories: [
            "village": CategoryOverride(targets: ["documents": 0.50], weights: ["survey": 1.5]),
            "county_dept": CategoryOverride(caps: ["documents": 5]),
        ])
        let e = try f.evaluate(settings)
        // Village: target 0.5 → score 100 * 0.4 / 0.5 = 80, missed; composite (80 * 0.5 + 70 * 1.5) / 2 = 72.5.
        let v = try e.row("V", "documents")
        #expect(v.rule == .target(0.5) && v.met == false && v.score == 80)
        #expect(try e.unit("V").composite == 72.5)
        // Department: the cap replaces the target: current 6 > cap 5 → score 100 * 5 / 6; composite with
        // metric weights (100 * 5 / 6 * 0.5 + 70 * 0.5) / 1.
        let d = try e.row("D", "documents")
        #expect(d.rule == .cap(5) && d.met == false && d.score == 100.0 * 5 / 6)
        #expect(try e.unit("D").composite == (100.0 * 5 / 6 * 0.5 + 70 * 0.5) / 1)
    }
}
