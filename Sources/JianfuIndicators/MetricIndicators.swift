import JianfuModel

/// One row of `indicators.csv` before formatting: the SPEC §3 columns of one unit and metric.
/// `nil` is an empty cell.
package struct MetricIndicators: Sendable, Equatable {
    package var baseline: Double?
    package var current: Double?
    package var prior: Double?
    package var rule: Rule?
    package var rebound: Rebound
    package var baselinePeriods: Int
    package var currentPeriods: Int
    package let direction: Direction
    /// For a roll-up whose rule is a cap (SPEC §4): how many of its units (itself and its
    /// descendants) with a current level are within their own cap. `nil` for leaves and for
    /// any other rule; then `met` and `score` compare `current` with the cap (SPEC §3).
    package var unitsWithinCap: UnitsWithinCap?
    /// The bulletin figures (SPEC §6 "Bulletin figures"); `nil` where they are empty (mean
    /// metrics, metrics that are not monthly).
    package var bulletin: BulletinFigures?

    package init(
        baseline: Level, current: Level, prior: Level, rule: Rule?, rebound: Rebound, direction: Direction,
        bulletin: BulletinFigures? = nil
    ) {
        self.baseline = baseline.mean
        self.current = current.mean
        self.prior = prior.mean
        self.rule = rule
        self.rebound = rebound
        self.baselinePeriods = baseline.periods
        self.currentPeriods = current.periods
        self.direction = direction
        self.bulletin = bulletin
    }

    /// SPEC §3: `current - baseline`.
    package var change: Double? {
        guard let baseline, let current else { return nil }
        return current - baseline
    }

    /// SPEC §3: down metrics `(baseline - current) / baseline`; empty for up metrics, when the
    /// baseline is 0, or when either level is missing.
    package var reductionRate: Double? {
        Rates.reduction(from: baseline, to: current, direction: direction)
    }

    /// SPEC §3: `(current - prior) / prior`, empty when prior is 0 or either is missing. For a
    /// down metric a positive value breaks 只减不增.
    package var yoyRate: Double? {
        Rates.change(current, from: prior)
    }

    /// SPEC §3 `met`: down with target `reduction_rate >= target`; down with cap
    /// `current <= cap`; up `current >= target`. Empty when its inputs are. A roll-up's cap
    /// (SPEC §4): every unit in it with a current level within its own cap.
    package var met: Bool? {
        switch (direction, rule) {
        case (_, nil):
            return nil
        case (.down, .target(let target)?):
            return reductionRate.map { $0 >= target }
        case (.down, .cap(let cap)?):
            if let unitsWithinCap { return unitsWithinCap.allWithin }
            return current.map { $0 <= cap }
        case (.up, .target(let target)?), (.up, .cap(let target)?):
            return current.map { $0 >= target }
        }
    }

    /// SPEC §3 `score`: down with target `100 * clamp(reduction_rate / target, 0, 1)`; down with
    /// cap 100 when met, else `100 * cap / current`; up `clamp(current, 0, 100)`. A roll-up's
    /// cap (SPEC §4): 100 × the share of its units within their own cap.
    package var score: Double? {
        switch (direction, rule) {
        case (_, nil):
            return nil
        case (.down, .target(let target)?):
            guard let rate = reductionRate, target > 0 else { return nil }
            return 100 * min(max(rate / target, 0), 1)
        case (.down, .cap(let cap)?):
            if let unitsWithinCap { return unitsWithinCap.share.map { 100 * $0 } }
            guard let current else { return nil }
            return current <= cap ? 100 : 100 * cap / current
        case (.up, _?):
            return current.map { min(max($0, 0), 100) }
        }
    }
}

/// A roll-up's cap judged unit by unit (SPEC §4): a cap is a limit per unit, so a roll-up is
/// not compared with its summed value but counts the units in it (itself and its descendants)
/// that have a current level and are within their own cap (their category's).
package struct UnitsWithinCap: Sendable, Equatable {
    /// Units with a current level and a cap rule of their own, and how many of them are within it.
    package var judged: Int
    package var within: Int

    package init(judged: Int = 0, within: Int = 0) {
        self.judged = judged
        self.within = within
    }

    /// The units over their cap.
    package var exceeding: Int { judged - within }

    /// `within / judged`; `nil` when no unit could be judged.
    package var share: Double? { judged > 0 ? Double(within) / Double(judged) : nil }

    /// True when every judged unit is within its cap; `nil` when none could be judged.
    package var allWithin: Bool? { judged > 0 ? within == judged : nil }
}
