/// Per-category overrides of the metrics' rules and weights (SPEC §2 `categories:`, 分类指导).
///
/// A `targets` or `caps` entry replaces the metric's rule for that category, whichever kind the
/// metric declared (SPEC §3 `target`).
package struct CategoryOverride: Sendable, Equatable {
    package var targets: [String: Double]
    package var caps: [String: Double]
    package var weights: [String: Double]

    package init(targets: [String: Double] = [:], caps: [String: Double] = [:], weights: [String: Double] = [:]) {
        self.targets = targets
        self.caps = caps
        self.weights = weights
    }

    /// The rule that applies to `metric` for a unit of this category.
    package func rule(for metric: Metric) -> Rule? {
        if let cap = caps[metric.id] { return .cap(cap) }
        if let target = targets[metric.id] { return .target(target) }
        return metric.rule
    }

    /// The weight of `metric` for a unit of this category.
    package func weight(for metric: Metric) -> Double {
        weights[metric.id] ?? metric.weight
    }
}
