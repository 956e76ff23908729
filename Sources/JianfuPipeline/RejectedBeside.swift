import JianfuIndicators
import JianfuModel
import JianfuReports

extension PipelineRunner {
    /// `evaluate(_:)` for `run`: when nothing is left to evaluate because every row was
    /// rejected, the rejected rows are listed beside the output folder (`DIR.rejected.csv`, as
    /// the data-quality gate does) and the error counts them, so the cause shows without a
    /// `validate` (SPEC §5: every rejected row ends up in a rejected list).
    func evaluateListingRejected(_ ingestion: Ingestion, table: consuming ObservationTable, quality: DataQuality) throws -> Evaluation {
        do {
            return try evaluate(ingestion, table: consume table)
        } catch RunError.noData(let pipeline, nil) where !ingestion.rejections.isEmpty {
            let file = config.outputDirectory + ".rejected.csv"
            let written = writeRejectedBeside(ingestion.rejections, path: file)
            throw RunError.noData(pipeline: pipeline, rejected: RejectedRows(
                rows: quality.rowsRejected + quality.cellsRejected, rowsRead: quality.rowsRead, file: written ? file : nil))
        }
    }
}
