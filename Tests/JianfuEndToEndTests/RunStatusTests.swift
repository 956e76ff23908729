import Foundation
import Glibc
import JianfuTestSupport
import Testing

/// The run-status file `out.run.prom` beside the output folder (docs/operations.md): written by
/// every run, failed ones too, without touching the last good report; the last success survives
/// failed runs; a file jianfu did not write is never replaced.
@Suite struct RunStatusTests {
    /// The samples of a text-format file, by series (`name{labels}`), and the families' TYPE lines.
    static func samples(_ url: URL) throws -> (values: [String: String], types: [String: String]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var values: [String: String] = [:], types: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                types[String(parts[2])] = String(parts[3])
            } else if !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                values[String(parts[0])] = String(parts[1])
            }
        }
        return (values, types)
    }

    /// `started_at` of `summary.json` (ISO 8601 UTC) as Unix seconds, spelled as in the file.
    static func startedAt(_ dir: TempDir) throws -> String {
        let summary = try readJSON(dir.file("out/summary.json"))
        let run = try #require(summary["run"] as? [String: Any])
        let text = try #require(run["started_at"] as? String)
        let date = try #require(ISO8601DateFormatter().date(from: text))
        return String(Int(date.timeIntervalSince1970))
    }

    static let series = "{pipeline=\"闸门\"}"

    @Test func everyRunRecordsItsOutcomeAndTheLastSuccessSurvivesFailures() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", FailedRunTests.goodCounts)
        let pipeline = try dir.write("gate.yml", FailedRunTests.pipeline)
        let good = try Jianfu.run(["run", pipeline.path])
        try #require(good.status == 0, "\(good)")
        // The run's start in Unix seconds, as metrics.prom has it (rounded), and summary.json
        // spells it (ISO 8601, whole seconds): the same moment.
        let report = try Self.samples(dir.file("out/metrics.prom"))
        let started = try #require(report.values["jianfu_report_timestamp_seconds" + Self.series])
        let iso = try Self.startedAt(dir)
        #expect(Int(started)! - Int(iso)! >= 0 && Int(started)! - Int(iso)! <= 1, "\(started) vs \(iso)")

        let first = try Self.samples(dir.file("out.run.prom"))
        #expect(first.values == [
            "jianfu_last_run_timestamp_seconds" + Self.series: started,
            "jianfu_last_success_timestamp_seconds" + Self.series: started,
            "jianfu_last_run_exit_code" + Self.series: "0",
        ])
        #expect(Set(first.types.values) == ["gauge"])
        // metrics.prom: the report's time under its new name; no gauge ends in _total.
        #expect(report.values["jianfu_last_run_timestamp_seconds" + Self.series] == nil, "one home per series: the status file")
        #expect(!report.types.keys.contains { $0.hasSuffix("_total") }, "\(report.types.keys.sorted())")
        // The 2018 baseline level (the mean over a unit's months) summed over the units: U1 10, U2 8.
        #expect(report.values["jianfu_metric_baseline_level{pipeline=\"闸门\",metric=\"documents\"}"] == "18")
        #expect(report.values["jianfu_metric_current_level{pipeline=\"闸门\",metric=\"documents\"}"] != nil)

        // A data-quality failure (exit 3) records its exit code and keeps the last success;
        // the report is left as it was.
        let before = try snapshot(dir.file("out"))
        try dir.write("counts.csv", FailedRunTests.badCounts)
        sleep(1)  // so that this run's start differs from the good one's by at least a second
        let bad = try Jianfu.run(["run", pipeline.path])
        #expect(bad.status == 3, "\(bad)")
        #expect(try snapshot(dir.file("out")) == before)
        let second = try Self.samples(dir.file("out.run.prom"))
        #expect(second.values["jianfu_last_run_exit_code" + Self.series] == "3")
        #expect(second.values["jianfu_last_success_timestamp_seconds" + Self.series] == started)
        let lastRun = try #require(second.values["jianfu_last_run_timestamp_seconds" + Self.series].flatMap { Int($0) })
        #expect(lastRun > Int(started)!, "the failed run's own start")

        // Another run holds the lock (exit 4): recorded too, the last success still kept.
        let lock = open(dir.file(".jianfu/gate.lock").path, O_RDWR | O_CREAT, 0o644)
        try #require(lock >= 0)
        defer { close(lock) }
        try #require(flock(lock, LOCK_EX | LOCK_NB) == 0)
        let locked = try Jianfu.run(["run", pipeline.path])
        #expect(locked.status == 4, "\(locked)")
        let third = try Self.samples(dir.file("out.run.prom"))
        #expect(third.values["jianfu_last_run_exit_code" + Self.series] == "4")
        #expect(third.values["jianfu_last_success_timestamp_seconds" + Self.series] == started)
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!entries.contains { $0.hasPrefix(".out.run.prom.tmp") }, "\(entries)")
    }

    @Test func aFileJianfuDidNotWriteIsLeftAlone() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", FailedRunTests.goodCounts)
        let pipeline = try dir.write("gate.yml", FailedRunTests.pipeline)
        let foreign = "# the operator's own notes\njianfu_last_run_exit_code 0\n"
        try dir.write("out.run.prom", foreign)
        let result = try Jianfu.run(["run", pipeline.path])
        // The reports are written; the status is not, and the log says why, naming the file.
        #expect(result.status == 0, "\(result)")
        #expect(dir.exists("out/metrics.prom"))
        #expect(try String(contentsOf: dir.file("out.run.prom"), encoding: .utf8) == foreign)
        #expect(result.stderr.contains("out.run.prom") && result.stderr.contains("not written by jianfu"), "\(result)")
    }

    @Test func noPromFormatNoStatusFile() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", FailedRunTests.goodCounts)
        let pipeline = try dir.write("gate.yml", FailedRunTests.pipeline.replacingOccurrences(of: "[csv, json, prom]", with: "[csv]"))
        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 0, "\(result)")
        #expect(!dir.exists("out.run.prom"))
    }
}
