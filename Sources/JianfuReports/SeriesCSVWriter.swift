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
        // Millions of lines: bytes are appended directly, no `String` per line.
        let metricIDs = evaluation.metrics.map { Array((CSVOutput.text($0.id) + ",").utf8) }
        for (u, unit) in evaluation.units.enumerated() {
            let id = Array((CSVOutput.text(unit.unit.id) + ",").utf8)
            for (m, metric) in evaluation.metrics.enumerated() {
                for entry in evaluation.series[u][m] {
                    out.write(bytes: id)
                    out.write(bytes: metricIDs[m])
                    out.write(period: Period(metric.granularity, ordinal: Int(entry.ordinal)))
                    out.write(byte: UInt8(ascii: ","))
                    out.write(number: entry.value)
                    out.write(byte: UInt8(ascii: "\n"))
                }
            }
        }
    }
}
