import JianfuIndicators

/// One output file of a run. Writers are deterministic: fixed column order, fixed number format.
package protocol ReportWriter: Sendable {
    /// The file name inside the output directory, e.g. `indicators.csv`.
    var fileName: String { get }
    /// Whether the writer reads `RunInfo.ledger` (the rectification ledger, SPEC §6): a run
    /// makes the ledger beside the writers that do not, and gives it to the others. True unless
    /// a writer says otherwise, so that a writer that reads it is never handed a run without it.
    var readsLedger: Bool { get }
    func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer)
}

extension ReportWriter {
    package var readsLedger: Bool { true }
}
