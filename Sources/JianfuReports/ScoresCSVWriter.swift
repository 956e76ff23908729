import JianfuIndicators

/// `scores.csv` (SPEC §6): one row per unit with its composite, grade, rank in its category and
/// number of rebounding metrics.
package struct ScoresCSVWriter: ReportWriter {
    package static let header = ["unit_id", "unit_name", "category", "rollup", "composite", "grade", "rank", "rebounds"]
    package let fileName = "scores.csv"
    package var readsLedger: Bool { false }
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        CSVOutput.write(header: Self.header, rows: evaluation.units, to: out) { line, unit in
            line.text(unit.unit.id)
            line.text(unit.unit.name)
            line.text(unit.unit.category)
            line.flag(unit.isRollup)
            line.number(unit.composite)
            line.text(unit.grade?.name ?? "")
            line.integer(unit.rank)
            line.integer(unit.rebounds)
        }
    }
}
