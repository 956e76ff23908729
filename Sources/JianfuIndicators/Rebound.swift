import JianfuModel

/// The 不反弹 check (SPEC §3 `rebound`).
///
/// L is the level of the `months` periods (at the metric's granularity) ending at the
/// evaluation window's end; P the level of the `months` periods just before L. Either may reach
/// before the evaluation window's start.
/// Down: `P > 0 and (L - P) / P > threshold`, or `P == 0 and L > 0`.
/// Up: `P > 0 and (P - L) / P > threshold`. False when either level is missing.
package struct Rebound: Sendable, Equatable {
    package let last: Double?
    package let previous: Double?
    package let isRebound: Bool
    package let direction: Direction

    /// The relative move against the metric's good direction, `(L - P) / P` for down metrics and
    /// `(P - L) / P` for up ones; `nil` when P is missing or 0.
    package var change: Double? {
        guard let last, let previous, previous != 0 else { return nil }
        return direction == .down ? (last - previous) / previous : (previous - last) / previous
    }

    package init(last: Double?, previous: Double?, direction: Direction, threshold: Double) {
        self.last = last
        self.previous = previous
        self.direction = direction
        guard let l = last, let p = previous else {
            isRebound = false
            return
        }
        switch direction {
        case .down:
            isRebound = p > 0 ? (l - p) / p > threshold : (p == 0 && l > 0)
        case .up:
            isRebound = p > 0 && (p - l) / p > threshold
        }
    }

    /// Evaluates `series` of `metric` for an evaluation window ending at month `windowEnd`.
    package init(_ series: [ObservationTable.Entry], metric: Metric, windowEnd: Int, rule: ReboundRule) {
        let (last, previous) = Self.spans(of: metric, windowEnd: windowEnd, rule: rule)
        self.init(
            last: Level(series, over: last).mean, previous: Level(series, over: previous).mean, direction: metric.direction,
            threshold: rule.threshold)
    }

    /// The periods of L and of P (ordinals at `metric`'s granularity) for a window ending at
    /// month `windowEnd`.
    package static func spans(of metric: Metric, windowEnd: Int, rule: ReboundRule) -> (last: ClosedRange<Int>, previous: ClosedRange<Int>) {
        let end = Period.ordinal(ofMonth: windowEnd, at: metric.granularity)
        return ((end - rule.months + 1)...end, (end - 2 * rule.months + 1)...(end - rule.months))
    }
}
