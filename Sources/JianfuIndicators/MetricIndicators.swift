import JianfuModel

/// One row of `indicators.csv` before formatting: the SPEC §3 columns of one unit and metric.
/// `nil` is an empty cell.
public struct MetricIndicators: Sendable, Equatable {
    public var baseline: Double?
    public var current: Double?
    public var prior: Double?
    public var rule: Rule?
    public var rebound: Rebound
    public var baselinePeriods: Int
    public var currentPeriods: Int
    public let direction: Direction

    public init(
        baseline: Level, current: Level, prior: Level, rule: Rule?, rebound: Rebound, direction: Direction
    ) {
        self.baseline = baseline.mean
        self.current = current.mean
        self.prior = prior.mean
        self.rule = rule
        self.rebound = rebound
        self.baselinePeriods = baseline.periods
        self.currentPeriods = current.periods
        self.direction = direction
    }

    /// SPEC §3: `current - baseline`.
    public var change: Double? {
        guard let baseline, let current else { return nil }
        return current - baseline
    }

    /// SPEC §3: down metrics `(baseline - current) / baseline`; empty for up metrics, when the
    /// baseline is 0, or when either level is missing.
    public var reductionRate: Double? {
        guard direction == .down, let baseline, let current, baseline != 0 else { return nil }
        return (baseline - current) / baseline
    }

    /// SPEC §3: `(current - prior) / prior`, empty when prior is 0 or either is missing. For a
    /// down metric a positive value breaks 只减不增.
    public var yoyRate: Double? {
        guard let prior, let current, prior != 0 else { return nil }
        return (current - prior) / prior
    }

    /// SPEC §3 `met`: down with target `reduction_rate >= target`; down with cap
    /// `current <= cap`; up `current >= target`. Empty when its inputs are.
    public var met: Bool? {
        switch (direction, rule) {
        case (_, nil):
            return nil
        case (.down, .target(let target)?):
            return reductionRate.map { $0 >= target }
        case (.down, .cap(let cap)?):
            return current.map { $0 <= cap }
        case (.up, .target(let target)?), (.up, .cap(let target)?):
            return current.map { $0 >= target }
        }
    }

    /// SPEC §3 `score`: down with target `100 * clamp(reduction_rate / target, 0, 1)`; down with
    /// cap 100 when met, else `100 * cap / current`; up `clamp(current, 0, 100)`.
    public var score: Double? {
        switch (direction, rule) {
        case (_, nil):
            return nil
        case (.down, .target(let target)?):
            guard let rate = reductionRate, target > 0 else { return nil }
            return 100 * min(max(rate / target, 0), 1)
        case (.down, .cap(let cap)?):
            guard let current else { return nil }
            return current <= cap ? 100 : 100 * cap / current
        case (.up, _?):
            return current.map { min(max($0, 0), 100) }
        }
    }
}
