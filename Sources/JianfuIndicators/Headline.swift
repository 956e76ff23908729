import JianfuModel

/// The headline numbers of a run (SPEC §6 `summary.json`, `metrics.prom`), computed once from
/// an evaluation so every output shows the same figures.
package struct Headline: Sendable {
    /// The headline figures of one metric (SPEC §6): for sum metrics the leaf units' levels
    /// summed, for mean metrics (survey scores) the mean of the leaf units' levels — never a sum
    /// of scores — and the rates computed from these with the formulas of `Rates`. Roll-ups are
    /// left out: they would count their units twice.
    package struct MetricTotals: Sendable {
        package let metric: Metric
        var baselineSum = 0.0
        var currentSum = 0.0
        var priorSum = 0.0
        /// Leaf units that have a baseline level, a current level, a prior level.
        package var baselineUnits = 0
        package var currentUnits = 0
        package var priorUnits = 0
        /// All units (leaves and roll-ups) whose `met` is true, and whose `met` is not empty.
        package var unitsMet = 0
        package var unitsJudged = 0
        package var rebounds = 0
        /// The whole's bulletin figures (SPEC §6 "Bulletin figures") from the leaf units'
        /// values summed month by month, each month over the units that reported it: a unit
        /// that did not report a month is not counted as zero but counted in
        /// `monthUnitsMissing` / `ytdUnitsIncomplete`. `nil` where a unit's would be empty.
        package var bulletin: BulletinFigures?
        /// Leaf units that reported the bulletin month.
        package var monthUnits = 0
        /// Leaf units with a current level but no value for the bulletin month.
        package var monthUnitsMissing = 0
        /// Leaf units with a current level but without a value in some month of 1—M月.
        package var ytdUnitsIncomplete = 0

        /// The headline level over the baseline window; `nil` when no leaf unit has one.
        package var baseline: Double? { level(baselineSum, baselineUnits) }
        /// The headline level over the evaluation window.
        package var current: Double? { level(currentSum, currentUnits) }
        /// The headline level over the prior window.
        package var prior: Double? { level(priorSum, priorUnits) }

        /// SPEC §3 `reduction_rate` of the headline levels, down metrics only.
        package var reductionRate: Double? { Rates.reduction(from: baseline, to: current, direction: metric.direction) }

        /// SPEC §3 `yoy_rate` of the headline levels.
        package var yoyRate: Double? { Rates.change(current, from: prior) }

        private func level(_ sum: Double, _ units: Int) -> Double? {
            guard units > 0 else { return nil }
            return metric.aggregate == .sum ? sum : sum / Double(units)
        }
    }

    /// Units of one category, with how many fell in each grade.
    package struct CategoryCounts: Sendable {
        package let category: String
        package var units = 0
        package var compositeSum = 0.0
        package var withComposite = 0
        package var grades: [Int]

        package var meanComposite: Double? { withComposite > 0 ? compositeSum / Double(withComposite) : nil }
    }

    package let metrics: [MetricTotals]
    /// Units per grade, in the pipeline's grade order.
    package let gradeCounts: [(grade: Grade, units: Int)]
    /// Categories in order of first appearance.
    package let categories: [CategoryCounts]
    package let leafUnits: Int
    package let rollupUnits: Int
    /// Rebounding (unit, metric) pairs, and units with at least one.
    package let rebounds: Int
    package let reboundingUnits: Int
    package let alertCounts: [(rule: Alert.Rule, count: Int)]

    package init(_ evaluation: Evaluation) {
        let grades = evaluation.settings.grades
        var metrics = evaluation.metrics.map { MetricTotals(metric: $0) }
        var gradeCounts = [Int](repeating: 0, count: grades.count)
        var categories: [CategoryCounts] = []
        var categoryIndex: [String: Int] = [:]
        var leaves = 0, rebounds = 0, reboundingUnits = 0
        var lastCategory: Int?
        // Through the arrays' storage: a unit and its rows are read in place, not copied
        // (each copy retained and released its strings and arrays), 120 000 rows a run.
        evaluation.units.withUnsafeBufferPointer { units in
            for u in units.indices {
                if !units[u].isRollup { leaves += 1 }
                rebounds += units[u].rebounds
                if units[u].rebounds > 0 { reboundingUnits += 1 }
                // The threshold first: a grade's name is text (often Chinese) to compare.
                let gradeIndex = units[u].grade.flatMap { g in grades.firstIndex { $0.min == g.min && $0.name == g.name } }
                if let gradeIndex { gradeCounts[gradeIndex] += 1 }
                // Units of one category mostly come together: the last one's index is tried first.
                let category = units[u].unit.category
                let c = lastCategory.flatMap { categories[$0].category == category ? $0 : nil } ?? categoryIndex[category] ?? {
                    categories.append(CategoryCounts(category: category, grades: Array(repeating: 0, count: grades.count)))
                    categoryIndex[category] = categories.count - 1
                    return categories.count - 1
                }()
                lastCategory = c
                categories[c].units += 1
                if let composite = units[u].composite {
                    categories[c].withComposite += 1
                    categories[c].compositeSum += composite
                }
                if let gradeIndex { categories[c].grades[gradeIndex] += 1 }
                let isRollup = units[u].isRollup
                units[u].metrics.withUnsafeBufferPointer { rows in
                    for m in rows.indices {
                        if let met = rows[m].met {
                            metrics[m].unitsJudged += 1
                            if met { metrics[m].unitsMet += 1 }
                        }
                        if rows[m].rebound.isRebound { metrics[m].rebounds += 1 }
                        guard !isRollup else { continue }
                        if let v = rows[m].baseline { metrics[m].baselineSum += v; metrics[m].baselineUnits += 1 }
                        if let v = rows[m].current { metrics[m].currentSum += v; metrics[m].currentUnits += 1 }
                        if let v = rows[m].prior { metrics[m].priorSum += v; metrics[m].priorUnits += 1 }
                        if rows[m].current != nil, let figures = rows[m].bulletin {
                            if figures.monthValue != nil { metrics[m].monthUnits += 1 } else { metrics[m].monthUnitsMissing += 1 }
                            if figures.ytdMonths < figures.spanMonths { metrics[m].ytdUnitsIncomplete += 1 }
                        }
                    }
                }
            }
        }
        for m in metrics.indices where BulletinFigures.applies(to: metrics[m].metric) {
            metrics[m].bulletin = BulletinFigures(combining: evaluation.units.compactMap { $0.isRollup ? nil : $0.metrics[m].bulletin })
        }
        self.metrics = metrics
        self.gradeCounts = zip(grades, gradeCounts).map { ($0, $1) }
        self.categories = categories
        self.leafUnits = leaves
        self.rollupUnits = evaluation.units.count - leaves
        self.rebounds = rebounds
        self.reboundingUnits = reboundingUnits
        // One pass over the alerts (a run may raise 100 000), counting every rule at once, by
        // its position among the rules (a dictionary keyed by rule hashed its text each time).
        var counts = [Int](repeating: 0, count: Alert.Rule.allCases.count)
        for alert in evaluation.alerts { counts[Self.position(alert.rule)] += 1 }
        self.alertCounts = Alert.Rule.allCases.map { ($0, counts[Self.position($0)]) }
    }

    /// A rule's place in `alertCounts`' tally (a switch, so that a new rule cannot be missed).
    private static func position(_ rule: Alert.Rule) -> Int {
        switch rule {
        case .rebound: 0
        case .yoyIncrease: 1
        case .targetMissed: 2
        case .capExceeded: 3
        case .stale: 4
        }
    }
}
