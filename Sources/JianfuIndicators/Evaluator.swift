import JianfuModel

/// Computes every indicator of a run from the observation table (SPEC §3, §4, §6 alerts).
package enum Evaluator {
    /// `units[i]` describes the table's unit `i`; `hierarchy` is built over the same indices.
    /// `latestMonth` is the latest month with data (`Windows.latestMonth`; the table may hold
    /// only the periods the indicators read, `Windows.periodsRead`).
    /// Returns `nil` when there is no data at all to place the evaluation window. The table is
    /// given up once transposed: when the caller holds no other copy, its grid (the largest
    /// allocation of a run) is freed before the indicators are computed.
    package static func evaluate(
        table: consuming ObservationTable, latestMonth: Int?, units: [MonitoredUnit], hierarchy: Hierarchy, settings: EvaluationSettings
    ) -> Evaluation? {
        guard let windows = Windows(settings: settings, latestMonth: latestMonth) else { return nil }
        let metrics = settings.metrics
        let dense = table.snapshot()
        // Metrics, then units, are independent: each stage runs on every core.
        let access = Evaluation.SeriesAccess(table: dense, rollups: .concurrentMap(count: metrics.count, blocks: metrics.count) { m in
            RollUp.series(of: metrics[m], leaves: { dense.entries(metric: m, unit: $0) }, unitCount: dense.unitCount, hierarchy: hierarchy)
        })
        let end = windows.current.last
        let perUnit = [(rows: [MetricIndicators], lastReported: Int?)].concurrentMap(count: units.count) { u in
            let override = settings.override(for: units[u].category)
            var rows: [MetricIndicators] = []
            rows.reserveCapacity(metrics.count)
            var lastReported: Int?
            for (m, metric) in metrics.enumerated() {
                let series = access.values(unit: u, metric: m)
                let g = metric.granularity
                let rebound = Rebound(series, metric: metric, windowEnd: end, rule: settings.rebound)
                rows.append(MetricIndicators(
                    baseline: Level(series, over: windows.baseline.ordinals(at: g)),
                    current: Level(series, over: windows.current.ordinals(at: g)),
                    prior: Level(series, over: windows.prior.ordinals(at: g)),
                    rule: override.rule(for: metric), rebound: rebound, direction: metric.direction,
                    bulletin: BulletinFigures.applies(to: metric) ? BulletinFigures(series, bulletinMonth: end) : nil))
                let endOrdinal = Int32(Period.ordinal(ofMonth: end, at: g))
                let position = ObservationTable.lowerBound(series, endOrdinal + 1)
                if position > 0 {
                    let month = Period(g, ordinal: Int(series[position - 1].ordinal)).lastMonthOrdinal
                    lastReported = max(lastReported ?? month, min(month, end))
                }
            }
            return (rows, lastReported)
        }
        var rows = perUnit.map(\.rows)
        RollUpCaps.judge(&rows, units: units, hierarchy: hierarchy, settings: settings, windows: windows) { u, m in
            dense.entries(metric: m, unit: u)
        }
        let indicators = rows
        var evaluations = [UnitEvaluation].concurrentMap(count: units.count) { u in
            let unit = units[u]
            let override = settings.override(for: unit.category)
            let rebounds = indicators[u].reduce(0) { $0 + ($1.rebound.isRebound ? 1 : 0) }
            let composite = Composite.composite(
                scores: zip(indicators[u], metrics).map { ($0.score, override.weight(for: $1)) },
                rebounds: rebounds, penalty: settings.rebound.penalty)
            return UnitEvaluation(
                unit: unit, isRollup: hierarchy.hasDescendants(u), metrics: indicators[u], composite: composite,
                grade: Composite.grade(composite, grades: settings.grades), rank: nil,
                rebounds: rebounds, lastReportedMonth: perUnit[u].lastReported)
        }
        let ranks = Rank.ranks(evaluations.map { ($0.unit.category, $0.composite) })
        for i in evaluations.indices { evaluations[i].rank = ranks[i] }
        let alerts = Alerts.collect(evaluations, settings: settings, windows: windows)
        return Evaluation(settings: settings, windows: windows, units: evaluations, alerts: alerts, series: access)
    }

    /// `evaluate(table:latestMonth:units:hierarchy:settings:)` of a table holding every period.
    package static func evaluate(
        table: consuming ObservationTable, units: [MonitoredUnit], hierarchy: Hierarchy, settings: EvaluationSettings
    ) -> Evaluation? {
        let latestMonth = Windows.latestMonth(in: table)
        return evaluate(table: table, latestMonth: latestMonth, units: units, hierarchy: hierarchy, settings: settings)
    }
}
