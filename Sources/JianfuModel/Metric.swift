/// Whether a metric is good when it falls (burden counts) or when it rises (survey scores).
package enum Direction: String, Sendable {
    case down, up
}

/// How a roll-up combines the values of the units under it (SPEC §4): a sum of counts, or one
/// flat mean over every reporting unit.
package enum Aggregate: String, Sendable {
    case sum, mean
}

/// What a metric is held to (SPEC §3 `target`): a reduction rate to reach (down), a level to
/// reach (up), or a cap — the most allowed — for a down metric.
package enum Rule: Sendable, Equatable {
    case target(Double)
    case cap(Double)

    /// The number shown in the `target` column, whichever kind of rule it is.
    package var threshold: Double {
        switch self {
        case .target(let value), .cap(let value): value
        }
    }
}

/// One burden item or survey score a pipeline declares (SPEC §2 `metrics:`).
package struct Metric: Sendable, Equatable {
    /// The metric's key in the pipeline file and in long files' `metric` column, e.g. `documents`.
    package let id: String
    /// The human name shown in reports, e.g. `发文`.
    package let label: String
    package let direction: Direction
    package let aggregate: Aggregate
    package let granularity: Granularity
    /// `nil` for a metric that is tracked but not scored.
    package let rule: Rule?
    package let weight: Double
    /// The counting word of its totals (SPEC §6 "Bulletin figures", key `unit:`), e.g. `件`,
    /// `次`, `人`; `nil` when the pipeline names none.
    package let countingWord: String?

    package init(
        id: String, label: String? = nil, direction: Direction = .down, aggregate: Aggregate = .sum,
        granularity: Granularity = .month, rule: Rule? = nil, weight: Double = 1, countingWord: String? = nil
    ) {
        self.id = id
        self.label = label ?? id
        self.direction = direction
        self.aggregate = aggregate
        self.granularity = granularity
        self.rule = rule
        self.weight = weight
        self.countingWord = countingWord
    }

    /// Counts (sum metrics) cannot be negative; a leading `-` rejects the value (SPEC §1).
    package var isCount: Bool { aggregate == .sum }
}
