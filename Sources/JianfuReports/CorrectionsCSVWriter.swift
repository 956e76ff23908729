import JianfuIndicators
import JianfuModel

/// `corrections.csv` (SPEC §5, §6): every stored value this run replaced —
/// `unit_id,metric,period,old_value,new_value,source,line,run`, `line` being the new value's
/// line in its source (the header is line 1) and `run` the store's number of this run. Header
/// only when nothing was replaced, and always with `state: none` (nothing is stored, so nothing
/// is replaced).
package struct CorrectionsCSVWriter: ReportWriter {
    package static let header = ["unit_id", "metric", "period", "old_value", "new_value", "source", "line", "run"]
    package let fileName = "corrections.csv"
    package var readsLedger: Bool { false }
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        CSVOutput.write(header: Self.header, rows: run.replacedValues, to: out) { line, c in
            line.text(c.unitID)
            line.text(c.metric)
            line.formatted(c.period.description)
            line.number(c.oldValue)
            line.number(c.newValue)
            line.text(c.source)
            line.integer(c.line)
            line.integer(Int(c.run))
        }
    }
}
