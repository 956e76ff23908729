import JianfuModel

/// The headline numbers of a run (SPEC §6 `summary.json`, `metrics.prom`), computed once from
/// an evaluation so every output shows the same figures.
public struct Headline: Sendable {
    /// Totals of one metric: the levels summed over leaf units (roll-ups would count twice).
    public struct MetricTotals: Sendable {
        public let metric: Metric
        public var baseline = 0.0
        public var current = 0.0
        public var prior = 0.0
        /// Leaf units that have a baseline level, a current level, a prior level.
        public var baselineUnits = 0
        public var currentUnits = 0
        public var priorUnits = 0
        /// All units (leaves and roll-ups) whose `met` is true, and whose `met` is not empty.
        public var unitsMet = 0
        public var unitsJudged = 0
        public var rebounds = 0

        /// `(baseline - current) / baseline` of the totals, down metrics only.
        public var reductionRate: Double? {
            guard metric.direction == .down, baselineUnits > 0, currentUnits > 0, baseline != 0 else { return nil }
            return (baseline - current) / baseline
        }

        /// `(current - prior) / prior` of the totals.
        public var yoyRate: Double? {
            guard priorUnits > 0, currentUnits > 0, prior != 0 else { return nil }
            return (current - prior) / prior
        }
    }

    /// Units of one category, with how many fell in each grade.
    public struct CategoryCounts: Sendable {
        public let category: String
        public var units = 0
        public var compositeSum = 0.0
        public var withComposite = 0
        public var grades: [Int]

        public var meanComposite: Double? { withComposite > 0 ? compositeSum / Double(withComposite) : nil }
    }

    public let metrics: [MetricTotals]
    /// Units per grade, in the pipeline's grade order.
    public let gradeCounts: [(grade: Grade, units: Int)]
    /// Categories in order of first appearance.
    public let categories: [CategoryCounts]
    public let leafUnits: Int
    public let rollupUnits: Int
    /// Rebounding (unit, metric) pairs, and units with at least one.
    public let rebounds: Int
    public let reboundingUnits: Int
    public let alertCounts: [(rule: Alert.Rule, count: Int)]

    public init(_ evaluation: Evaluation) {
        let grades = evaluation.settings.grades
        var metrics = evaluation.metrics.map { MetricTotals(metric: $0) }
        var gradeCounts = [Int](repeating: 0, count: grades.count)
        var categories: [CategoryCounts] = []
        var categoryIndex: [String: Int] = [:]
        var leaves = 0, rebounds = 0, reboundingUnits = 0
        for unit in evaluation.units {
            if !unit.isRollup { leaves += 1 }
            rebounds += unit.rebounds
            if unit.rebounds > 0 { reboundingUnits += 1 }
            let gradeIndex = unit.grade.flatMap { g in grades.firstIndex(of: g) }
            if let gradeIndex { gradeCounts[gradeIndex] += 1 }
            let c = categoryIndex[unit.unit.category] ?? {
                categories.append(CategoryCounts(category: unit.unit.category, grades: Array(repeating: 0, count: grades.count)))
                categoryIndex[unit.unit.category] = categories.count - 1
                return categories.count - 1
            }()
            categories[c].units += 1
            if let composite = unit.composite {
                categories[c].withComposite += 1
                categories[c].compositeSum += composite
            }
            if let gradeIndex { categories[c].grades[gradeIndex] += 1 }
            for (m, row) in unit.metrics.enumerated() {
                if let met = row.met {
                    metrics[m].unitsJudged += 1
                    if met { metrics[m].unitsMet += 1 }
                }
                if row.rebound.isRebound { metrics[m].rebounds += 1 }
                guard !unit.isRollup else { continue }
                if let v = row.baseline { metrics[m].baseline += v; metrics[m].baselineUnits += 1 }
                if let v = row.current { metrics[m].current += v; metrics[m].currentUnits += 1 }
                if let v = row.prior { metrics[m].prior += v; metrics[m].priorUnits += 1 }
            }
        }
        self.metrics = metrics
        self.gradeCounts = zip(grades, gradeCounts).map { ($0, $1) }
        self.categories = categories
        self.leafUnits = leaves
        self.rollupUnits = evaluation.units.count - leaves
        self.rebounds = rebounds
        self.reboundingUnits = reboundingUnits
        self.alertCounts = Alert.Rule.allCases.map { rule in (rule, evaluation.alerts.filter { $0.rule == rule }.count) }
    }
}
