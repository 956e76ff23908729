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
        // A line per observation, millions of them: each line is stored through a pointer in
        // one reservation; only values that are neither whole nor short decimals go through
        // `NumberFormat` and a `String`. (Formatting blocks of units on every core into memory
        // and copying them out measured slower: 0.8 s → 1.5 s for 10 M lines, since the other
        // writers already use the second core.)
        let metricIDs = evaluation.metrics.map { Array((CSVOutput.text($0.id) + ",").utf8) }
        for u in evaluation.units.indices {
            Self.writeUnit(u, evaluation: evaluation, metricIDs: metricIDs, to: out)
        }
    }

    /// Writes the lines of unit `u`.
    private static func writeUnit(_ u: Int, evaluation: Evaluation, metricIDs: [[UInt8]], to out: OutputBuffer) {
        let id = Array((CSVOutput.text(evaluation.units[u].unit.id) + ",").utf8)
        for (m, metric) in evaluation.metrics.enumerated() {
            let prefix = id + metricIDs[m]
            prefix.withUnsafeBufferPointer { prefix in
                for entry in evaluation.series[u][m] {
                    let period = Period(metric.granularity, ordinal: Int(entry.ordinal))
                    let value = entry.value
                    let whole = value == value.rounded() && value >= 0 && value < 1e15
                    let short = whole ? nil : NumberFormat.shortDecimal(value)
                    let other = whole || short != nil ? [] : Array(NumberFormat.format(value).utf8)
                    out.writeLine(maximumLength: prefix.count + 64 + other.count) { p in
                        p.update(from: prefix.baseAddress!, count: prefix.count)
                        var q = OutputBuffer.put(period: period, at: p + prefix.count)
                        q[0] = UInt8(ascii: ",")
                        q += 1
                        if whole {
                            q = OutputBuffer.put(digits: Int(value), at: q)
                        } else if let (scaled, digits) = short {
                            q = OutputBuffer.put(decimal: scaled, digits: digits, at: q)
                        } else {
                            for byte in other {
                                q[0] = byte
                                q += 1
                            }
                        }
                        q[0] = UInt8(ascii: "\n")
                        return q + 1
                    }
                }
            }
        }
    }
}
