import JianfuIndicators

/// `alerts.csv` (SPEC §6): the early-warning and remedial list (预警 / 返工补课), with the
/// responsible person (减负责任人) of each unit.
public struct AlertsCSVWriter: ReportWriter {
    public static let header = ["unit_id", "unit_name", "responsible", "metric", "rule", "value", "threshold"]
    public let fileName = "alerts.csv"
    public init() {}

    public func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        out.write(bytes: CSVOutput.byteOrderMark)
        CSVOutput.row(Self.header, to: out)
        for alert in evaluation.alerts {
            let unit = evaluation.units[alert.unitIndex].unit
            CSVOutput.row([
                CSVOutput.text(unit.id), CSVOutput.text(unit.name), CSVOutput.text(unit.responsible),
                CSVOutput.text(alert.metricIndex.map { evaluation.metrics[$0].id } ?? ""), alert.rule.rawValue,
                NumberFormat.format(alert.value), NumberFormat.format(alert.threshold),
            ], to: out)
        }
    }
}
