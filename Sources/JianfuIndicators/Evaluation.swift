import JianfuModel

/// The indicators of one unit (leaf or roll-up): its rows of `indicators.csv` and its row of
/// `scores.csv`.
package struct UnitEvaluation: Sendable {
    package let unit: MonitoredUnit
    /// True when the unit has descendants and its values are roll-ups (SPEC §4).
    package let isRollup: Bool
    /// One entry per declared metric, in declaration order.
    package let metrics: [MetricIndicators]
    package let composite: Double?
    package let grade: Grade?
    package internal(set) var rank: Int?
    package let rebounds: Int
    /// The last month the unit (or, for a roll-up, any unit under it) reported anything, up to
    /// the evaluation window's end; `nil` when it never did.
    package let lastReportedMonth: Int?
}

/// An early-warning (预警) or remedial (返工补课) entry of `alerts.csv` (SPEC §6).
package struct Alert: Sendable, Equatable {
    /// The stable `rule` column values dashboards filter on.
    package enum Rule: String, Sendable, CaseIterable {
        case rebound
        case yoyIncrease = "yoy_increase"
        case targetMissed = "target_missed"
        case capExceeded = "cap_exceeded"
        case stale
    }

    /// Index into `Evaluation.units`.
    package let unitIndex: Int
    /// Index into the metrics; `nil` for `stale`.
    package let metricIndex: Int?
    package let rule: Rule
    package let value: Double?
    package let threshold: Double?
}

/// Everything a run computes (SPEC §3, §4, §6), ready for the writers.
package struct Evaluation: Sendable {
    package let settings: EvaluationSettings
    package let windows: Windows
    /// Units in output order, leaves and roll-ups together.
    package let units: [UnitEvaluation]
    package let alerts: [Alert]
    /// The values behind the trends: `series[unit][metric]` (units in the order of `units`),
    /// the series the indicators were computed from — roll-up values for roll-ups. Built on
    /// access, so a run never holds every value twice. Empty after `dropSeries()`.
    package private(set) var series: SeriesAccess

    /// Lets the series go (every value of the run, 8 bytes each, and the roll-ups'), for a run
    /// none of whose outputs reads them (`series.csv`, the HTML charts): the indicators, alerts
    /// and figures are computed already. `series` is then empty (no unit).
    package mutating func dropSeries() {
        series = SeriesAccess(table: DenseSeries(metrics: [], unitCount: 0), rollups: [])
    }

    /// `series[unit][metric]`.
    package struct SeriesAccess: RandomAccessCollection, Sendable {
        @usableFromInline let table: DenseSeries
        /// `rollups[metric][unit]`: the rolled-up series of units with descendants.
        @usableFromInline let rollups: [[[ObservationTable.Entry]?]]

        package var startIndex: Int { 0 }
        package var endIndex: Int { table.unitCount }
        package subscript(unit: Int) -> UnitSeries { UnitSeries(access: self, unit: unit) }

        /// The series of `metric` for `unit`.
        package func values(unit: Int, metric: Int) -> [ObservationTable.Entry] {
            rollups[metric][unit] ?? table.entries(metric: metric, unit: unit)
        }

        /// Calls `body` with each (ordinal, value) of the series of `metric` for `unit`, in
        /// period order, without building the array `values` returns (series.csv visits 10 M).
        @inlinable
        package func forEachValue(unit: Int, metric: Int, _ body: (_ ordinal: Int32, _ value: Double) -> Void) {
            if let rolled = rollups[metric][unit] {
                for entry in rolled { body(entry.ordinal, entry.value) }
                return
            }
            table.forEachValue(metric: metric, unit: unit, body)
        }
    }

    /// The series of one unit, by metric.
    package struct UnitSeries: RandomAccessCollection, Sendable {
        let access: SeriesAccess
        let unit: Int
        package var startIndex: Int { 0 }
        package var endIndex: Int { access.table.metrics.count }
        package subscript(metric: Int) -> [ObservationTable.Entry] { access.values(unit: unit, metric: metric) }
    }

    package var metrics: [Metric] { settings.metrics }
}
