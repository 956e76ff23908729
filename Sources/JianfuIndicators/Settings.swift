import JianfuModel

/// How the baseline window is chosen (SPEC §3 "Windows").
package enum BaselineRule: Sendable, Equatable {
    /// A fixed window, e.g. 2018 for the 2019 targets.
    case window(MonthWindow)
    /// 同比: the evaluation window shifted back one year.
    case previousYear
}

/// How the evaluation window is chosen (SPEC §3 "Windows").
package enum EvaluationRule: Sendable, Equatable {
    /// The N calendar months ending at the latest month with data (or `asOf`).
    case lastMonths(Int)
    case window(MonthWindow)
}

/// Everything the indicators depend on besides the data: the evaluation half of a pipeline.
package struct EvaluationSettings: Sendable {
    package var metrics: [Metric]
    package var baseline: BaselineRule
    package var evaluation: EvaluationRule
    package var rebound: ReboundRule
    package var categories: [String: CategoryOverride]
    package var grades: [Grade]
    /// Months without a report before a unit is flagged 未报送; `nil` disables the alert.
    package var staleAfter: Int?
    /// Month ordinal that ends `lastMonths` windows instead of the latest month with data.
    package var asOf: Int?

    package init(
        metrics: [Metric], baseline: BaselineRule, evaluation: EvaluationRule = .lastMonths(12),
        rebound: ReboundRule = ReboundRule(), categories: [String: CategoryOverride] = [:],
        grades: [Grade] = Grade.defaults, staleAfter: Int? = nil, asOf: Int? = nil
    ) {
        self.metrics = metrics
        self.baseline = baseline
        self.evaluation = evaluation
        self.rebound = rebound
        self.categories = categories
        self.grades = grades
        self.staleAfter = staleAfter
        self.asOf = asOf
    }

    /// The category's overrides, or none.
    package func override(for category: String) -> CategoryOverride {
        categories[category] ?? CategoryOverride()
    }
}
