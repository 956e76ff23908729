import JianfuModel

/// The indicators of one unit (leaf or roll-up): its rows of `indicators.csv` and its row of
/// `scores.csv`.
public struct UnitEvaluation: Sendable {
    public let unit: MonitoredUnit
    /// True when the unit has descendants and its values are roll-ups (SPEC §4).
    public let isRollup: Bool
    /// One entry per declared metric, in declaration order.
    public let metrics: [MetricIndicators]
    public let composite: Double?
    public let grade: Grade?
    public internal(set) var rank: Int?
    public let rebounds: Int
    /// The last month the unit (or, for a roll-up, any unit under it) reported anything, up to
    /// the evaluation window's end; `nil` when it never did.
    public let lastReportedMonth: Int?
}

/// An early-warning (预警) or remedial (返工补课) entry of `alerts.csv` (SPEC §6).
public struct Alert: Sendable, Equatable {
    /// The stable `rule` column values dashboards filter on.
    public enum Rule: String, Sendable, CaseIterable {
        case rebound
        case yoyIncrease = "yoy_increase"
        case targetMissed = "target_missed"
        case capExceeded = "cap_exceeded"
        case stale
    }

    /// Index into `Evaluation.units`.
    public let unitIndex: Int
    /// Index into the metrics; `nil` for `stale`.
    public let metricIndex: Int?
    public let rule: Rule
    public let value: Double?
    public let threshold: Double?
}

/// Everything a run computes (SPEC §3, §4, §6), ready for the writers.
public struct Evaluation: Sendable {
    public let settings: EvaluationSettings
    public let windows: Windows
    /// Units in output order, leaves and roll-ups together.
    public let units: [UnitEvaluation]
    public let alerts: [Alert]
    /// The values behind the trends: `series[unit][metric]` (units in the order of `units`),
    /// the series the indicators were computed from — roll-up values for roll-ups. Built on
    /// access, so a run never holds every value twice.
    public let series: SeriesAccess

    /// `series[unit][metric]`.
    public struct SeriesAccess: RandomAccessCollection, Sendable {
        @usableFromInline let table: DenseSeries
        /// `rollups[metric][unit]`: the rolled-up series of units with descendants.
        @usableFromInline let rollups: [[[ObservationTable.Entry]?]]

        public var startIndex: Int { 0 }
        public var endIndex: Int { table.unitCount }
        public subscript(unit: Int) -> UnitSeries { UnitSeries(access: self, unit: unit) }

        /// The series of `metric` for `unit`.
        public func values(unit: Int, metric: Int) -> [ObservationTable.Entry] {
            rollups[metric][unit] ?? table.entries(metric: metric, unit: unit)
        }

        /// Calls `body` with each (ordinal, value) of the series of `metric` for `unit`, in
        /// period order, without building the array `values` returns (series.csv visits 10 M).
        @inlinable
        public func forEachValue(unit: Int, metric: Int, _ body: (_ ordinal: Int32, _ value: Double) -> Void) {
            if let rolled = rollups[metric][unit] {
                for entry in rolled { body(entry.ordinal, entry.value) }
                return
            }
            table.forEachValue(metric: metric, unit: unit, body)
        }
    }

    /// The series of one unit, by metric.
    public struct UnitSeries: RandomAccessCollection, Sendable {
        let access: SeriesAccess
        let unit: Int
        public var startIndex: Int { 0 }
        public var endIndex: Int { access.table.metrics.count }
        public subscript(metric: Int) -> [ObservationTable.Entry] { access.values(unit: unit, metric: metric) }
    }

    public var metrics: [Metric] { settings.metrics }
}
