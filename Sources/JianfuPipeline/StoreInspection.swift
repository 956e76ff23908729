import JianfuStore

/// `jianfu store check -p PIPELINE` (issue 14.7): the counts of the pipeline's store and every
/// problem found in it, read without the run lock (a run may be writing meanwhile).
package struct StoreInspection {
    /// What to print: one line per count, then the problems or `ok`.
    package let text: String
    /// Whether a problem was found (the command then exits 1).
    package let isWhole: Bool

    package init(config: PipelineConfig) throws {
        guard config.state != .none else {
            throw RunError.noRunLog(pipeline: config.name, reason: "it has state: none, so it keeps no store")
        }
        guard let store = try config.state.openForReading(pipeline: config.name) else {
            text = "pipeline \(config.name): no store yet at \(config.state.description)"
            isWhole = true
            return
        }
        guard let checkable = store as? any CheckableStore else {
            text = "pipeline \(config.name): this store cannot be checked"
            isWhole = false
            return
        }
        let report = try checkable.check()
        let width = report.counts.map(\.0.count).max() ?? 0
        var lines = ["pipeline \(config.name), store \(store.location)"]
        lines += report.counts.map { what, count in "  " + what + String(repeating: " ", count: width - what.count) + "  \(count)" }
        lines += report.problems.isEmpty ? ["ok: no problem found"] : report.problems.map { "problem: \($0)" }
        text = lines.joined(separator: "\n")
        isWhole = report.problems.isEmpty
    }
}
