import JianfuIngest
import JianfuStore

/// The exit codes of SPEC §7, and the one place errors become them: the CLI exits with them,
/// and the run log records them.
package enum ExitStatus {
    package static let success: Int32 = 0
    /// A source cannot be read or fetched, an output or the store cannot be written, no data.
    package static let failure: Int32 = 1
    /// A bad pipeline file or bad arguments (including a granularity change the run was not
    /// told to drop stored values for).
    package static let badPipeline: Int32 = 2
    /// Bad command-line arguments, which only the argument parser recognises: the code of a
    /// bad pipeline (SPEC §7), not ArgumentParser's usual 64.
    package static let badArguments = badPipeline
    /// Data quality over `max_rejected`.
    package static let dataQuality: Int32 = 3
    /// Another run holds the lock.
    package static let locked: Int32 = 4

    /// The exit code `error` maps to. A unit query that names no unit or several
    /// (`UnitLookupError`) is a bad argument.
    package static func code(for error: Error) -> Int32 {
        switch error {
        case TemplateError.fileInTheWay:
            failure
        case is PipelineError, is SampleError, is TemplateError, is UnitLookupError, RunError.unknownMetric, StoreError.granularityChanged,
             is CopyError, StoreError.notEmpty:
            badPipeline
        case RunError.qualityGate:
            dataQuality
        case StoreError.locked:
            locked
        default:
            failure
        }
    }
}
