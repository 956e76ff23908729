import JianfuIndicators

/// `scores.csv` (SPEC §6): one row per unit with its composite, grade, rank in its category and
/// number of rebounding metrics.
public struct ScoresCSVWriter: ReportWriter {
    public static let header = ["unit_id", "unit_name", "category", "rollup", "composite", "grade", "rank", "rebounds"]
    public let fileName = "scores.csv"
    public init() {}

    public func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        out.write(bytes: CSVOutput.byteOrderMark)
        CSVOutput.row(Self.header, to: out)
        for unit in evaluation.units {
            CSVOutput.row([
                CSVOutput.text(unit.unit.id), CSVOutput.text(unit.unit.name), CSVOutput.text(unit.unit.category),
                NumberFormat.format(unit.isRollup), NumberFormat.format(unit.composite),
                CSVOutput.text(unit.grade?.name ?? ""), NumberFormat.format(unit.rank), String(unit.rebounds),
            ], to: out)
        }
    }
}
