import JianfuIndicators
import JianfuModel

/// `alerts.csv` (SPEC §6): the early-warning and remedial list (预警 / 返工补课), with the
/// responsible person (减负责任人) of each unit, and the rectification ledger (整改台账):
/// `first_seen` (`YYYY-MM`, the first bulletin of the unbroken run that raised it),
/// `months_open` and `status` (`new`, `persisting`); then each alert of the previous bulletin
/// this one no longer raises, once more, with `status` `resolved` and no value or threshold.
package struct AlertsCSVWriter: ReportWriter {
    package static let header = [
        "unit_id", "unit_name", "responsible", "metric", "rule", "value", "threshold", "first_seen", "months_open", "status",
    ]
    package let fileName = "alerts.csv"
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        out.write(bytes: CSVOutput.byteOrderMark)
        CSVOutput.row(Self.header, to: out)
        let ledger = LedgerView(run.ledger, evaluation: evaluation)
        for (a, alert) in evaluation.alerts.enumerated() {
            let unit = evaluation.units[alert.unitIndex].unit
            var line = CSVRow(out)
            line.text(unit.id)
            line.text(unit.name)
            line.text(unit.responsible)
            line.text(alert.metricIndex.map { evaluation.metrics[$0].id } ?? "")
            line.formatted(alert.rule.rawValue)
            line.number(alert.value)
            line.number(alert.threshold)
            Self.ledgerCells(ledger.entry(ofAlert: a), into: &line)
            line.end()
        }
        for entry in ledger.resolved {
            let unit = ledger.unit(entry.key.unitID)
            var line = CSVRow(out)
            line.text(entry.key.unitID)
            line.text(unit?.name ?? "")
            line.text(unit?.responsible ?? "")
            line.text(entry.key.metric)
            line.formatted(entry.key.rule.rawValue)
            line.number(nil)
            line.number(nil)
            Self.ledgerCells(entry, into: &line)
            line.end()
        }
    }

    private static func ledgerCells(_ entry: RectificationLedger.Entry?, into line: inout CSVRow) {
        line.text(entry.map { Period(.month, ordinal: $0.firstSeen).description } ?? "")
        line.integer(entry?.monthsOpen)
        line.formatted(entry?.status.rawValue ?? "")
    }
}
