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
        // The evaluation lists a unit's alerts together: its id, name and responsible person are
        // spelled once per run of them (into `unitCells`), then copied as bytes; metric ids once.
        let metricIDs = evaluation.metrics.map { CSVOutput.text($0.id) }
        let unitCells = OutputBuffer()
        var cellsUnit = -1
        // The ledger's entry of each alert, read in place (a copied `Entry` retains its key's strings).
        let open = ledger.alertEntries
        CSVOutput.write(header: Self.header, rows: evaluation.alerts.enumerated(), to: out) { line, numbered in
            let (a, alert) = numbered
            if alert.unitIndex != cellsUnit {
                let unit = evaluation.units[alert.unitIndex].unit
                unitCells.removeAll()
                var cells = CSVRow(unitCells)
                cells.text(unit.id)
                cells.text(unit.name)
                cells.text(unit.responsible)
                cellsUnit = alert.unitIndex
            }
            line.cells(unitCells)
            line.formatted(alert.metricIndex.map { metricIDs[$0] } ?? "")
            line.formatted(alert.rule.rawValue)
            line.number(alert.value)
            line.number(alert.threshold)
            if let open {
                Self.ledgerCells(firstSeen: open[a].firstSeen, monthsOpen: open[a].monthsOpen, status: open[a].status, into: &line)
            } else {
                Self.ledgerCells(firstSeen: nil, monthsOpen: nil, status: nil, into: &line)
            }
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
            Self.ledgerCells(firstSeen: entry.firstSeen, monthsOpen: entry.monthsOpen, status: entry.status, into: &line)
        }
    }

    /// `first_seen`, `months_open`, `status`: empty without a ledger.
    private static func ledgerCells(firstSeen: Int?, monthsOpen: Int?, status: RectificationLedger.Status?, into line: inout CSVRow) {
        line.period(firstSeen.map { Period(.month, ordinal: $0) })
        line.integer(monthsOpen)
        line.formatted(status?.rawValue ?? "")
    }
}
