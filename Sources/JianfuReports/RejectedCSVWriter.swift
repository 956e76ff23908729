import JianfuIndicators
import JianfuModel

/// `rejected.csv` (SPEC §5): one line per rejected row or wide cell, with the source, the
/// physical line, the column, the reason code, an English sentence (`RejectionMessages`), the
/// raw row as it was read, and the stable id of the sentence's kind (`RejectionProblem.id`).
package struct RejectedCSVWriter: ReportWriter {
    /// The columns, a public contract: added at the end, never renamed (`reason_id` after 0.2.0).
    package static let header = ["source", "line", "field", "reason", "message", "raw", "reason_id"]
    package let fileName = "rejected.csv"
    package var readsLedger: Bool { false }
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        Self.write(run.rejections, to: out)
    }

    /// Written without an evaluation too: a run stopped by the data-quality gate still says why.
    package static func write(_ rejections: [Rejection], to out: OutputBuffer) {
        CSVOutput.write(header: header, rows: rejections, to: out) { line, r in
            line.text(r.source)
            line.integer(r.line)
            line.text(r.field)
            line.formatted(r.reason.rawValue)
            line.text(RejectionMessages.english(r))
            line.text(r.raw)
            line.formatted(r.problem.id)
        }
    }
}
