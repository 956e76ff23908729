import JianfuIndicators

/// One output file of a run. Writers are deterministic: fixed column order, fixed number format.
package protocol ReportWriter: Sendable {
    /// The file name inside the output directory, e.g. `indicators.csv`.
    var fileName: String { get }
    func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer)
}
