import JianfuModel

/// The three windows of a run (SPEC §3 "Windows"), in months.
package struct Windows: Sendable, Equatable {
    /// The evaluation window: its level is an indicator's `current` (SPEC §3).
    package let current: MonthWindow
    package let baseline: MonthWindow
    /// Always the evaluation window one year back; it carries 只减不增.
    package let prior: MonthWindow

    /// Resolves the windows. `latestMonth` is the latest month with data for any unit: for
    /// monthly metrics their latest month; without monthly data, the last month of the latest
    /// period with data. `nil` when there is no data and no explicit window.
    package init?(settings: EvaluationSettings, latestMonth: Int?) {
        let evaluation: MonthWindow
        switch settings.evaluation {
        case .window(let window):
            evaluation = window
        case .lastMonths(let count):
            guard let end = settings.asOf ?? latestMonth else { return nil }
            evaluation = MonthWindow(months: count, endingAt: end)
        }
        current = evaluation
        prior = evaluation.previousYear
        switch settings.baseline {
        case .window(let window): baseline = window
        case .previousYear: baseline = evaluation.previousYear
        }
    }

    /// The latest month with data in `table` (see `init`).
    package static func latestMonth(in table: ObservationTable) -> Int? {
        latestMonth(metrics: table.metrics) { table.latestOrdinal(metric: $0) }
    }

    /// The latest month with data (see `init`) when `latestOrdinal(m)` is the ordinal of the
    /// latest value of `metrics[m]`, `nil` when it has none.
    package static func latestMonth(metrics: [Metric], latestOrdinal: (Int) throws -> Int32?) rethrows -> Int? {
        var monthly: Int?
        var other: Int?
        for (m, metric) in metrics.enumerated() {
            guard let last = try latestOrdinal(m) else { continue }
            let month = Period(metric.granularity, ordinal: Int(last)).lastMonthOrdinal
            if metric.granularity == .month {
                monthly = max(monthly ?? month, month)
            } else {
                other = max(other ?? month, month)
            }
        }
        return monthly ?? other
    }

    /// The periods of `metric` (ordinals at its granularity) the indicators read, in ascending,
    /// disjoint ranges: the baseline, evaluation and prior windows (SPEC §3), the rebound's L
    /// and P (`Rebound.spans`) and, for a metric with bulletin figures, their months
    /// (`BulletinFigures.spans`). A unit's `lastReportedMonth` reads further back: its latest
    /// value up to the window's end, wherever that is (`Evaluator`).
    package func periodsRead(of metric: Metric, rebound rule: ReboundRule) -> [ClosedRange<Int>] {
        let g = metric.granularity
        let rebound = Rebound.spans(of: metric, windowEnd: current.last, rule: rule)
        var spans = [baseline.ordinals(at: g), current.ordinals(at: g), prior.ordinals(at: g), rebound.previous, rebound.last]
        if BulletinFigures.applies(to: metric) {
            let figures = BulletinFigures.spans(bulletinMonth: current.last)
            spans += [figures.year, figures.priorYear, figures.previousMonth...figures.previousMonth]
        }
        return spans.coalesced()
    }
}
