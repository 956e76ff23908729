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
        var monthly: Int?
        var other: Int?
        for (m, metric) in table.metrics.enumerated() {
            guard let last = table.latestOrdinal(metric: m) else { continue }
            let month = Period(metric.granularity, ordinal: Int(last)).lastMonthOrdinal
            if metric.granularity == .month {
                monthly = max(monthly ?? month, month)
            } else {
                other = max(other ?? month, month)
            }
        }
        return monthly ?? other
    }
}
