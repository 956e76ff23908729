import JianfuIndicators
import JianfuModel

/// `series.csv` (SPEC §6): `unit_id,metric,period,value`, the values behind the trends
/// (roll-up values for roll-up units), periods in canonical spelling.
public struct SeriesCSVWriter: ReportWriter {
    public static let header = ["unit_id", "metric", "period", "value"]
    public let fileName = "series.csv"
    public init() {}

    public func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        out.write(bytes: CSVOutput.byteOrderMark)
        CSVOutput.row(Self.header, to: out)
        for (u, unit) in evaluation.units.enumerated() {
            let id = CSVOutput.text(unit.unit.id)
            for (m, metric) in evaluation.metrics.enumerated() {
                let metricID = CSVOutput.text(metric.id)
                for entry in evaluation.series[u][m] {
                    let period = Period(metric.granularity, ordinal: Int(entry.ordinal))
                    out.write("\(id),\(metricID),\(period),\(NumberFormat.format(entry.value))\n")
                }
            }
        }
    }
}
