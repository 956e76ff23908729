import JianfuIndicators
import JianfuModel

/// `metrics.prom` (SPEC §6): the headline numbers in the Prometheus text exposition format
/// (version 0.0.4), for node_exporter's textfile collector. Every family has HELP and TYPE;
/// every series carries `pipeline="NAME"`. All are gauges, so none ends in `_total` (a suffix
/// Prometheus keeps for counters: `promtool check metrics` passes; CHANGELOG.md 0.2.0). The run's
/// outcome, failed runs included, is in the status file beside the folder (`RunStatusMetrics`).
/// Related documentation: <https://prometheus.io/docs/instrumenting/exposition_formats/>
package struct PrometheusWriter: ReportWriter {
    package let fileName = "metrics.prom"
    package var readsLedger: Bool { false }
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        let headline = Headline(evaluation)
        let pipeline = "pipeline=\"\(Self.escape(run.pipelineName))\""
        func family(_ name: String, _ help: String, _ samples: [(labels: String, value: Double?)]) {
            out.write("# HELP \(name) \(help)\n# TYPE \(name) gauge\n")
            for sample in samples {
                guard let value = sample.value else { continue }
                let labels = sample.labels.isEmpty ? pipeline : pipeline + "," + sample.labels
                out.write("\(name){\(labels)} \(NumberFormat.format(value))\n")
            }
        }
        func metricLabel(_ t: Headline.MetricTotals) -> String { "metric=\"\(Self.escape(t.metric.id))\"" }
        family("jianfu_report_timestamp_seconds", "Start time of the run that wrote this report, the last successful one (Unix seconds).", [("", run.startedAtEpoch)])
        family("jianfu_units", "Units evaluated, by kind (leaf or rollup).", [
            ("kind=\"leaf\"", Double(headline.leafUnits)), ("kind=\"rollup\"", Double(headline.rollupUnits)),
        ])
        family("jianfu_metric_baseline_level", "Baseline level over leaf units: summed (sum metrics) or their mean (mean metrics).",
               headline.metrics.map { (metricLabel($0), $0.baseline) })
        family("jianfu_metric_current_level", "Evaluation-window level over leaf units: summed (sum metrics) or their mean (mean metrics).",
               headline.metrics.map { (metricLabel($0), $0.current) })
        family("jianfu_metric_reduction_rate", "Reduction of the headline level against the baseline (down metrics).",
               headline.metrics.map { (metricLabel($0), $0.reductionRate) })
        family("jianfu_metric_yoy_rate", "Change of the headline level against the prior year.",
               headline.metrics.map { (metricLabel($0), $0.yoyRate) })
        family("jianfu_metric_month_value", "Bulletin month's total over the leaf units that reported it (monthly sum metrics).",
               headline.metrics.map { (metricLabel($0), $0.bulletin?.monthValue) })
        family("jianfu_metric_mom_rate", "Bulletin month's total against the month before (环比).",
               headline.metrics.map { (metricLabel($0), $0.bulletin?.momRate) })
        family("jianfu_metric_ytd", "January to the bulletin month summed (1—M月累计).",
               headline.metrics.map { (metricLabel($0), $0.bulletin?.ytd) })
        family("jianfu_metric_ytd_rate", "Year-to-date total against the same months a year earlier (累计同比).",
               headline.metrics.map { (metricLabel($0), $0.bulletin?.ytdRate) })
        family("jianfu_metric_units_met", "Units meeting the metric's target or cap.",
               headline.metrics.map { (metricLabel($0), Double($0.unitsMet)) })
        family("jianfu_metric_units_judged", "Units whose target or cap could be judged.",
               headline.metrics.map { (metricLabel($0), Double($0.unitsJudged)) })
        family("jianfu_metric_rebounds", "Units whose metric rebounds.",
               headline.metrics.map { (metricLabel($0), Double($0.rebounds)) })
        family("jianfu_units_by_grade", "Units per grade.",
               headline.gradeCounts.map { ("grade=\"\(Self.escape($0.grade.name))\"", Double($0.units)) })
        family("jianfu_rebounding_units", "Units with at least one rebounding metric.", [("", Double(headline.reboundingUnits))])
        let grades = evaluation.settings.grades
        func categoryLabel(_ c: Headline.CategoryCounts) -> String { "category=\"\(Self.escape(c.category))\"" }
        family("jianfu_units_by_category", "Units per category.",
               headline.categories.map { (categoryLabel($0), Double($0.units)) })
        var byCategoryGrade: [(labels: String, value: Double?)] = []
        for c in headline.categories {
            for (grade, units) in zip(grades, c.grades) {
                byCategoryGrade.append((categoryLabel(c) + ",grade=\"\(Self.escape(grade.name))\"", Double(units)))
            }
        }
        family("jianfu_units_by_category_grade", "Units per category and grade.", byCategoryGrade)
        family("jianfu_category_mean_composite", "Mean composite score of a category's units that have one.",
               headline.categories.map { (categoryLabel($0), $0.meanComposite) })
        family("jianfu_alerts", "Alerts per rule.",
               headline.alertCounts.map { ("rule=\"\($0.rule.rawValue)\"", Double($0.count)) })
        let quality = run.quality
        family("jianfu_rows_read", "Data rows read from observation sources.", [("", Double(quality.rowsRead))])
        family("jianfu_rows_rejected", "Rows of which no observation was kept.", [("", Double(quality.rowsRejected))])
        family("jianfu_cells_rejected", "Single wide cells rejected.", [("", Double(quality.cellsRejected))])
        family("jianfu_observations", "Observations kept.", [("", Double(quality.observations))])
    }

    /// Label value escaping of the text format: backslash, double quote and line feed.
    package static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n", "\r\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
