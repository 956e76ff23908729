import JianfuIndicators
import JianfuModel

/// `indicators.csv` (SPEC §6): one row per unit (leaf or roll-up) and declared metric.
public struct IndicatorsCSVWriter: ReportWriter {
    public static let header = [
        "unit_id", "unit_name", "category", "rollup", "metric", "baseline", "current", "change", "reduction_rate",
        "prior", "yoy_rate", "target", "met", "score", "rebound", "baseline_months", "current_months",
    ]
    public let fileName = "indicators.csv"
    public init() {}

    public func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        out.write(bytes: CSVOutput.byteOrderMark)
        CSVOutput.row(Self.header, to: out)
        let f = NumberFormat.self
        for unit in evaluation.units {
            let prefix = [CSVOutput.text(unit.unit.id), CSVOutput.text(unit.unit.name), CSVOutput.text(unit.unit.category), f.format(unit.isRollup)]
            for (metric, row) in zip(evaluation.metrics, unit.metrics) {
                CSVOutput.row(prefix + [
                    CSVOutput.text(metric.id), f.format(row.baseline), f.format(row.current), f.format(row.change),
                    f.format(row.reductionRate), f.format(row.prior), f.format(row.yoyRate), f.format(row.rule?.threshold),
                    f.format(row.met), f.format(row.score), f.format(row.rebound.isRebound),
                    String(row.baselinePeriods), String(row.currentPeriods),
                ], to: out)
            }
        }
    }
}
