import JianfuIndicators
import JianfuModel

/// The charts of the pages, from an evaluation: one unit's series, or the leaf units' total.
enum TrendCharts {
    /// Unit `u`'s series of metric `m` (roll-up values for a roll-up) with its baseline level,
    /// its own target or cap line (category overrides applied) and its rebound.
    static func unit(_ evaluation: Evaluation, unit u: Int, metric m: Int) -> SVGChart {
        let metric = evaluation.metrics[m]
        let row = evaluation.units[u].metrics[m]
        let points = evaluation.series[u][m].map { SVGChart.Point(ordinal: Int($0.ordinal), value: $0.value) }
        // A roll-up's cap is judged unit by unit (SPEC §4): no cap line over its summed series.
        let target = row.unitsWithinCap != nil ? nil
            : ReportLabels.targetLevel(row.rule, direction: metric.direction, baseline: row.baseline)
        return chart(evaluation, metric: metric, points: points, baseline: row.baseline,
                     target: target.map { ($0, targetWord(row.rule)) },
                     rebound: row.rebound.isRebound ? ("反弹" + change(row.rebound), true) : nil)
    }

    /// The leaf units' series of metric `m` per period — summed for counts, averaged over the
    /// units that reported for mean metrics (roll-ups left out: they would count twice) — with
    /// the headline baseline and the metric's own target. A cap is per unit, so a total gets no
    /// cap line. The rebound window is marked when the total rebounds, and shaded lightly with
    /// the count when only `reboundingUnits` of its units do.
    static func leafTotal(_ evaluation: Evaluation, metric m: Int, totals: Headline.MetricTotals, reboundingUnits: Int) -> SVGChart {
        let metric = evaluation.metrics[m]
        let series = leafSeries(evaluation, metric: m)
        let points = series.map { SVGChart.Point(ordinal: Int($0.ordinal), value: $0.value) }
        var target: (Double, String)?
        if case .cap = metric.rule, metric.aggregate == .sum {
            target = nil
        } else if let level = ReportLabels.targetLevel(metric.rule, direction: metric.direction, baseline: totals.baseline) {
            target = (level, targetWord(metric.rule))
        }
        let rebound = Rebound(series, metric: metric, windowEnd: evaluation.windows.current.last, rule: evaluation.settings.rebound)
        let mark: (String, Bool)? = rebound.isRebound ? ("合计反弹" + change(rebound), true)
            : reboundingUnits > 0 ? ("\(reboundingUnits) 个单位反弹", false) : nil
        return chart(evaluation, metric: metric, points: points, baseline: totals.baseline, target: target, rebound: mark)
    }

    /// Per period, the sum (sum metrics) or mean (mean metrics) over leaf units that reported.
    static func leafSeries(_ evaluation: Evaluation, metric m: Int) -> [ObservationTable.Entry] {
        var sums: [Int32: (sum: Double, count: Int)] = [:]
        for (u, unit) in evaluation.units.enumerated() where !unit.isRollup {
            for entry in evaluation.series[u][m] {
                let old = sums[entry.ordinal] ?? (0, 0)
                sums[entry.ordinal] = (old.sum + entry.value, old.count + 1)
            }
        }
        let isMean = evaluation.metrics[m].aggregate == .mean
        return sums.keys.sorted().map { ordinal in
            let (sum, count) = sums[ordinal]!
            return ObservationTable.Entry(ordinal: ordinal, value: isMean ? sum / Double(count) : sum)
        }
    }

    private static func change(_ rebound: Rebound) -> String {
        rebound.change.map { " " + DisplayNumber.percent($0, signed: true) } ?? ""
    }

    private static func targetWord(_ rule: Rule?) -> String {
        if case .cap = rule { return "上限" }
        return "目标"
    }

    private static func chart(
        _ evaluation: Evaluation, metric: Metric, points: [SVGChart.Point], baseline: Double?,
        target: (Double, String)?, rebound: (label: String, ofThisSeries: Bool)?
    ) -> SVGChart {
        let g = metric.granularity
        let windows = evaluation.windows
        let end = Period.ordinal(ofMonth: windows.current.last, at: g)
        let months = evaluation.settings.rebound.months
        return SVGChart(
            title: metric.label, granularity: g, points: points, baseline: baseline,
            target: target.map { (level: $0.0, label: $0.1) },
            baselineWindow: windows.baseline.ordinals(at: g), evaluationWindow: windows.current.ordinals(at: g),
            rebound: rebound.map { ReboundMark(periods: (end - months + 1)...end, label: $0.label, ofThisSeries: $0.ofThisSeries) },
            zeroBased: metric.aggregate == .sum)
    }
}
