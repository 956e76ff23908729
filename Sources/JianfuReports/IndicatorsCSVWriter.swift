import JianfuIndicators
import JianfuModel

/// `indicators.csv` (SPEC §6): one row per unit (leaf or roll-up) and declared metric, ending
/// with the bulletin figures (SPEC §6 "Bulletin figures", `BulletinFigures`), empty for mean
/// and non-monthly metrics.
package struct IndicatorsCSVWriter: ReportWriter {
    package static let header = [
        "unit_id", "unit_name", "category", "rollup", "metric", "baseline", "current", "change", "reduction_rate",
        "prior", "yoy_rate", "target", "met", "score", "rebound", "baseline_months", "current_months",
        "month_value", "mom_rate", "ytd", "ytd_months", "ytd_prior", "ytd_rate",
    ]
    package let fileName = "indicators.csv"
    package var readsLedger: Bool { false }
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        CSVOutput.start(Self.header, to: out)
        // The metric ids, and each unit's id, name, category and rollup, are the same on many
        // rows: spelled once (into `prefix`, reused), then copied as bytes.
        let metricIDs = evaluation.metrics.map { CSVOutput.text($0.id) }
        let prefix = OutputBuffer()
        for unit in evaluation.units {
            prefix.removeAll()
            var cells = CSVRow(prefix)
            cells.text(unit.unit.id)
            cells.text(unit.unit.name)
            cells.text(unit.unit.category)
            cells.flag(unit.isRollup)
            CSVOutput.rows(zip(metricIDs, unit.metrics), to: out) { line, pair in
                let (metricID, row) = pair
                line.cells(prefix)
                line.formatted(metricID)
                line.number(row.baseline)
                line.number(row.current)
                line.number(row.change)
                line.number(row.reductionRate)
                line.number(row.prior)
                line.number(row.yoyRate)
                line.number(row.rule?.threshold)
                line.flag(row.met)
                line.number(row.score)
                line.flag(row.rebound.isRebound)
                line.integer(row.baselinePeriods)
                line.integer(row.currentPeriods)
                let figures = row.bulletin
                line.number(figures?.monthValue)
                line.number(figures?.momRate)
                line.number(figures?.ytd)
                line.integer(figures?.ytdMonths)
                line.number(figures?.ytdPrior)
                line.number(figures?.ytdRate)
            }
        }
    }
}
