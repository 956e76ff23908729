/// Why a run stopped after its pipeline file was accepted. The CLI maps each case to an exit
/// code (SPEC §7): data-quality over its limit → 3, a bad command-line argument → 2,
/// everything else → 1.
package enum RunError: Error, Sendable {
    /// No source held a single observation, so there is no window to evaluate; `rejected` says
    /// how many rows were rejected instead, and where they are listed, when any were.
    case noData(pipeline: String, rejected: RejectedRows? = nil)
    /// Rejected rows and cells exceed `max_rejected` (SPEC §5); `rejectedFile` lists them.
    case qualityGate(share: Double, limit: Double, rejected: Int, rowsRead: Int, rejectedFile: String?)
    /// An output file or folder cannot be written.
    case output(path: String, reason: String)
    /// The units' parents form a cycle.
    case hierarchy(String)
    /// `jianfu history` on a pipeline without a run log.
    case noRunLog(pipeline: String, reason: String)
    /// A command-line option names a metric the pipeline does not have (exit 2, a bad argument).
    case unknownMetric(option: String, name: String, known: [String])
    /// The output folder holds `file`, which jianfu did not write: replacing the folder would
    /// delete it. `marked`: the folder is jianfu's (its marker, or an older report), and
    /// `file` was put there since.
    case foreignOutput(folder: String, file: String, marked: Bool)
    /// A source with `min_rows` gave fewer data rows.
    case tooFewRows(source: String, location: String, rows: Int, minimum: Int)
    /// The run's data was committed to the state store, but its reports could not be put in
    /// place (`reason`); the run log records `committed_reports_failed`.
    case reportsNotReplaced(reason: String)
}

extension RunError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .noData(let pipeline, nil):
            return "pipeline \(pipeline): no source holds any observation; nothing to evaluate"
        case .noData(let pipeline, let rejected?):
            let list = rejected.file.map { "; the rejected rows are listed in \($0)" } ?? ""
            let count = rejected.rows == rejected.rowsRead ? "all" : "\(rejected.rows)"
            return "pipeline \(pipeline): no source holds any observation: \(rejected.rowsRead) rows read, \(count) rejected\(list); nothing to evaluate"
        case .qualityGate(let share, let limit, let rejected, let rowsRead, let file):
            let percent = (share * 1000).rounded() / 10
            let list = file.map { "; the rejected rows are listed in \($0)" } ?? ""
            return "data quality below the pipeline's limit: \(rejected) of \(rowsRead) rows or cells rejected (\(percent)% > max_rejected \(limit))\(list); the previous reports are left as they were"
        case .output(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .hierarchy(let message):
            return message
        case .noRunLog(let pipeline, let reason):
            return "pipeline \(pipeline) has no run log: \(reason)"
        case .unknownMetric(let option, let name, let known):
            let hint = KeySuggestion.nearest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            return "\(option) \(name): the pipeline has no metric \(name) (its metrics: \(known.joined(separator: ", ")))\(hint)"
        case .foreignOutput(let folder, let file, false):
            return "refusing to write the reports into \(folder): it holds \(file) and other files that jianfu did not write, "
                + "and a run replaces its report folder whole; point outputs.dir at a new or empty folder of its own "
                + "(if the folder holds only reports of an older jianfu, create the empty file \(folder)/\(ReportFolder.marker)); nothing was changed"
        case .foreignOutput(let folder, let file, true):
            return "refusing to replace the reports in \(folder): it holds \(file), which jianfu did not write and will not delete; "
                + "move it out of the folder and run again; nothing was changed"
        case .tooFewRows(let source, let location, let rows, let minimum):
            return "source \(source) (\(location)): \(rows) data rows, fewer than its min_rows \(minimum); "
                + "the export looks incomplete, so the previous reports and the store are left as they were"
        case .reportsNotReplaced(let reason):
            return "\(reason); the run's data is saved in the state store, but the previous reports stay in place "
                + "(run log: committed_reports_failed); the next run that succeeds writes the reports"
        }
    }
}

/// The rejections of a run that stopped: how many rows and cells of how many rows read, and
/// the file beside the output folder that lists them (nil when it could not be written).
package struct RejectedRows: Sendable, Equatable {
    package var rows: Int
    package var rowsRead: Int
    package var file: String?
}
