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
            var line = CSVRow(out)
            line.text(unit.id)
            line.text(unit.name)
            line.text(unit.responsible)
            line.text(alert.metricIndex.map { evaluation.metrics[$0].id } ?? "")
            line.formatted(alert.rule.rawValue)
            line.number(alert.value)
            line.number(alert.threshold)
            line.end()
        }
    }
}
