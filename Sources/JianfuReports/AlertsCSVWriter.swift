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
        let ledger = LedgerView(run.ledger, evaluation: evaluation)
        CSVOutput.write(header: Self.header, rows: evaluation.alerts.enumerated(), to: out) { line, numbered in
            let (a, alert) = numbered
            let unit = evaluation.units[alert.unitIndex].unit
            line.text(unit.id)
            line.text(unit.name)
            line.text(unit.responsible)
            line.text(alert.metricIndex.map { evaluation.metrics[$0].id } ?? "")
            line.formatted(alert.rule.rawValue)
            line.number(alert.value)
            line.number(alert.threshold)
            Self.ledgerCells(ledger.entry(ofAlert: a), into: &line)
        }
        CSVOutput.rows(ledger.resolved, to: out) { line, entry in
            let unit = ledger.unit(entry.key.unitID)
            line.text(entry.key.unitID)
            line.text(unit?.name ?? "")
            line.text(unit?.responsible ?? "")
            line.text(entry.key.metric)
            line.formatted(entry.key.rule.rawValue)
            line.number(nil)
            line.number(nil)
            Self.ledgerCells(entry, into: &line)
        }
    }

    private static func ledgerCells(_ entry: RectificationLedger.Entry?, into line: inout CSVRow) {
        line.text(entry.map { Period(.month, ordinal: $0.firstSeen).description } ?? "")
        line.integer(entry?.monthsOpen)
        line.formatted(entry?.status.rawValue ?? "")
    }
}
