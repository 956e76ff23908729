/// Why a run stopped after its pipeline file was accepted. The CLI maps each case to an exit
/// code (SPEC §7): data-quality over its limit → 3, everything else → 1.
public enum RunError: Error, Sendable {
    /// No source held a single observation, so there is no window to evaluate.
    case noData(pipeline: String)
    /// Rejected rows and cells exceed `max_rejected` (SPEC §5); `rejectedFile` lists them.
    case qualityGate(share: Double, limit: Double, rejected: Int, rowsRead: Int, rejectedFile: String?)
    /// An output file or folder cannot be written.
    case output(path: String, reason: String)
    /// The units' parents form a cycle.
    case hierarchy(String)
}

extension RunError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .noData(let pipeline):
            return "pipeline \(pipeline): no source holds any observation; nothing to evaluate"
        case .qualityGate(let share, let limit, let rejected, let rowsRead, let file):
            let percent = (share * 1000).rounded() / 10
            let list = file.map { "; the rejected rows are listed in \($0)" } ?? ""
            return "data quality below the pipeline's limit: \(rejected) of \(rowsRead) rows or cells rejected (\(percent)% > max_rejected \(limit))\(list); the previous reports are left as they were"
        case .output(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .hierarchy(let message):
            return message
        }
    }
}
