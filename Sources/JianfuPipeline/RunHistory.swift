import JianfuModel
import Foundation
import Glibc
import JianfuStore

/// `jianfu history -p PIPELINE`: the latest runs of the store's run log, newest first (SPEC §8
/// "The store records each run"), one line each, for the person on call.
package struct RunHistory {
    package let text: String

    /// Reads the run log of `config`'s store (read-only: a run may be writing meanwhile).
    package init(config: PipelineConfig, limit: Int) throws {
        guard config.state != .none else {
            throw RunError.noRunLog(pipeline: config.name, reason: "it has state: none, so it keeps no run log")
        }
        guard let store = try config.state.openForReading(pipeline: config.name) else {
            if case .sqlite(let path, _) = config.state {
                text = "pipeline \(config.name): no run yet (\(path) does not exist)"
            } else {
                text = "pipeline \(config.name): no run yet (\(config.state.description) holds no jianfu store)"
            }
            return
        }
        let runs = try store.recentRuns(limit: limit)
        // A run that did not log its end is shown as the next run will settle it (read-only:
        // nothing is written, so this works on a full disk too).
        let reports = ReportFolder.runID(in: ReportFolder.canonical(config.outputDirectory))
        text = Self.table(runs.map { run in
            (run, run.settled(reportsRunID: reports, live: kill(run.start.pid, 0) == 0 || errno == EPERM))
        })
    }

    /// The runs as an aligned table, each with the outcome shown.
    static func table(_ runs: [(RunRecord, RunOutcome)]) -> String {
        let header = ["run", "started (UTC)", "took", "outcome", "exit", "sources read", "rows read", "rejected", "corrections", "as of"]
        let rows: [[String]] = runs.map { run, outcome in
            let end = run.end
            return [
                String(run.number), run.start.startedAt, end.map { duration(from: run.start.startedAt, to: $0.finishedAt) } ?? "",
                outcome.rawValue, outcome != run.outcome ? (outcome == .ok ? "0" : "-1") : end.map { String($0.exitCode) } ?? "", end.map { String($0.sourcesRead) } ?? "",
                end.map { String($0.quality.rowsRead) } ?? "", end.map { String($0.quality.rowsRejected + $0.quality.cellsRejected) } ?? "",
                end.map { String($0.corrections) } ?? "", run.start.asOf ?? "",
            ]
        }
        let numeric: Set<Int> = [0, 2, 4, 5, 6, 7, 8]
        var widths = header.map(TerminalText.width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], TerminalText.width(cell)) } }
        return ([header] + rows).map { row in
            row.enumerated().map { i, cell in
                TerminalText.pad(cell, to: i == row.count - 1 ? 0 : widths[i], rightAligned: numeric.contains(i), styled: nil)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `12s` between two ISO 8601 times (to the second, as they are stored).
    static func duration(from start: String, to end: String) -> String {
        guard let a = UTCTimestamp.date(start), let b = UTCTimestamp.date(end) else { return "" }
        return "\(Int(b.timeIntervalSince(a).rounded()))s"
    }
}
