import Foundation
import GRDB
import JianfuTestSupport
import Testing

/// The state store through the binary (SPEC §5 corrections, §7 lock and exit 4, §8 state):
/// incremental, idempotent nightly runs, the run log, `--as-of`, and `jianfu unit` from the
/// store.
@Suite struct StateTests {
    /// Two units, documents only; line 8 (U2 2019-02) is rejected.
    static let counts = """
        unit_id,period,metric,value
        U1,2018-01,documents,10
        U1,2018-02,documents,12
        U1,2019-01,documents,6
        U1,2019-02,documents,8
        U2,2018-01,documents,8
        U2,2019-01,documents,4
        U2,2019-02,documents,oops

        """

    static let units = twoVillages

    /// The next night's export holds the latest month only, and re-sends U1's 2019-02 with 5
    /// instead of 8.
    static let nightly = """
        unit_id,period,metric,value
        U1,2019-02,documents,5
        U1,2019-03,documents,4

        """

    static func pipeline(state: String? = nil, extra: String = "") -> String {
        """
        name: 试点
        sources:
          - {name: units, kind: units, path: units.csv}
          - {name: counts, path: counts.csv}
        metrics:
          documents: {target: 0.3}
        baseline: {from: 2018-01, to: 2018-12}
        evaluation: {months: 2}
        stale_after: 2
        outputs: {dir: out, formats: [csv, json]}
        \(state.map { "state: \($0)" } ?? "")
        \(extra)
        """
    }

    static let tables = ["indicators.csv", "scores.csv", "series.csv", "alerts.csv", "rejected.csv"]

    static func setUp(state: String? = nil) throws -> (TempDir, URL) {
        try TempDir.withPipeline(pipeline(state: state), files: ["units.csv": units, "counts.csv": counts])
    }

    static func sources(_ summary: [String: Any]) -> [[String: Any]] {
        ((summary["data_quality"] as? [String: Any])?["sources"] as? [[String: Any]]) ?? []
    }

    @Test func aSecondRunOverUnchangedSourcesReadsNothingAndWritesTheSameTables() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        let first = try Jianfu.run(["run", pipeline.path])
        try #require(first.status == 0, "\(first)")
        let before = try Self.tables.map { try bytes(dir.file("out/\($0)")) }
        let firstSummary = try readJSON(dir.file("out/summary.json"))

        let second = try Jianfu.run(["run", pipeline.path])
        try #require(second.status == 0, "\(second)")
        #expect(second.stderr.contains("source units: unchanged since run 1"), "\(second)")
        #expect(second.stderr.contains("source counts: unchanged since run 1"), "\(second)")
        #expect(second.stderr.contains("not re-read"), "\(second)")
        #expect(!second.stderr.contains("rows read, 1 rejected"), "nothing is read: \(second)")
        for (name, old) in zip(Self.tables, before) {
            #expect(try bytes(dir.file("out/\(name)")) == old, "\(name) must be byte-identical")
        }
        let summary = try readJSON(dir.file("out/summary.json"))
        #expect(Self.sources(firstSummary).map { $0["reread"] as? Bool } == [true, true])
        #expect(Self.sources(summary).map { $0["reread"] as? Bool } == [false, false])
        // The data-quality totals are the last read's: 7 rows, 1 rejected (line 8).
        let quality = try #require(summary["data_quality"] as? [String: Any])
        #expect(quality["rows_read"] as? Int == 7)
        #expect(quality["rows_rejected"] as? Int == 1)
        #expect(quality["corrections"] as? Int == 0)
        let run = try #require(summary["run"] as? [String: Any])
        #expect(run["state"] as? String == dir.file(".jianfu/p.sqlite").path)
        #expect((run["pipeline_sha256"] as? String)?.count == 64)
        let fingerprint = try #require(Self.sources(summary)[1]["fingerprint"] as? [String: Any])
        #expect(fingerprint["size"] as? Int == Self.counts.utf8.count)
        #expect((fingerprint["sha256"] as? String)?.count == 64)
        #expect(fingerprint["mtime"] is String)
    }

    @Test func aNightlyFileAddsItsMonthAndAResentMonthIsACorrection() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        try #require(try Jianfu.run(["run", pipeline.path]).status == 0)
        try dir.write("counts.csv", Self.nightly)

        let second = try Jianfu.run(["run", pipeline.path])
        try #require(second.status == 0, "\(second)")
        #expect(second.stderr.contains("source counts: changed since run 1"), "\(second)")
        #expect(second.stderr.contains("1 new values, 1 corrections"), "\(second)")
        let quality = try #require(try readJSON(dir.file("out/summary.json"))["data_quality"] as? [String: Any])
        #expect(quality["corrections"] as? Int == 1)

        // The months before the nightly file are still there, 2019-02 corrected to 5.
        let series = try csvRows(dir.file("out/series.csv")).filter { $0.first == "U1" }.map { "\($0[2])=\($0[3])" }
        #expect(series == ["2018-01=10", "2018-02=12", "2019-01=6", "2019-02=5", "2019-03=4"])
        // U1: baseline (10 + 12) / 2 = 11; current 2019-02..2019-03 = (5 + 4) / 2 = 4.5;
        // reduction (11 - 4.5) / 11 = 0.5909090909090909.
        let u1 = try #require(try csvRows(dir.file("out/indicators.csv")).first { $0.first == "U1" })
        #expect(Array(u1[5...8]) == ["11", "4.5", "-6.5", "0.5909090909090909"])
        // U2 last reported 2019-01 (its 2019-02 was rejected): 2019-03 - 2019-01 = 2 months
        // silent, which reaches stale_after: 2. The first run (ending 2019-02) had 1 month.
        let stale = try csvRows(dir.file("out/alerts.csv")).filter { $0.count > 4 && $0[4] == "stale" }
        #expect(stale.map { [$0[0], $0[5], $0[6]] } == [["U2", "2", "2"]])

        // The store keeps the value the correction replaced, with the runs involved.
        let history = try DatabaseQueue(path: dir.file(".jianfu/p.sqlite").path).read { db in
            try Row.fetchAll(db, sql: "SELECT value, new_value, run, replaced_by_run FROM observation_history")
        }
        #expect(history.map { "\($0["value"] as Double) → \($0["new_value"] as Double), run \($0["run"] as Int) → \($0["replaced_by_run"] as Int)" }
                == ["8.0 → 5.0, run 1 → 2"])
    }

    @Test func aLockHeldByALiveProcessStopsTheRunWithExit4() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        try FileManager.default.createDirectory(at: dir.file(".jianfu"), withIntermediateDirectories: true)
        // This test process is the live holder.
        let fd = open(dir.file(".jianfu/p.lock").path, O_RDWR | O_CREAT, 0o644)
        try #require(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        let holder = "\(getpid())\n2024-06-01T01:00:00Z\n"
        _ = holder.withCString { write(fd, $0, strlen($0)) }

        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("another run holds the lock: pid \(getpid()) since 2024-06-01T01:00:00Z"), "\(result)")
        #expect(!dir.exists("out"), "a locked-out run writes no report")
    }

    @Test func aLockLeftByADeadProcessIsTakenOver() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        // A process that has exited: its pid is in the lock file, its flock is gone.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        try dir.write(".jianfu/p.lock", "\(gone.processIdentifier)\n2024-06-01T01:00:00Z\n")

        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("took over the lock of pid \(gone.processIdentifier) (since 2024-06-01T01:00:00Z)"), "\(result)")
        #expect(try String(contentsOf: dir.file(".jianfu/p.lock"), encoding: .utf8).isEmpty, "released at the end")
    }

    @Test func historyListsTheRunsWithTheirOutcome() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        try #require(try Jianfu.run(["run", pipeline.path]).status == 0)
        try dir.write("counts.csv", Self.counts.replacingOccurrences(of: "U1,2019-01,documents,6", with: "U1,2019-01,documents,x"))
        try #require(try Jianfu.run(["run", pipeline.path, "--as-of", "2019-01"]).status == 0)

        let history = try Jianfu.run(["history", "-p", pipeline.path])
        #expect(history.status == 0, "\(history)")
        let lines = history.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        try #require(lines.count == 3, "\(history)")
        #expect(lines[0].first == "run")
        // run, started, took, outcome, exit, sources read, rows read, rejected, corrections, as of
        #expect(lines[1][0] == "2" && Array(lines[1][3...]) == ["ok", "0", "1", "7", "2", "0", "2019-01"], "\(history)")
        #expect(lines[2][0] == "1" && Array(lines[2][3...]) == ["ok", "0", "2", "7", "1", "0"], "\(history)")
    }

    @Test func asOfEndsTheWindowsAndTheSeriesAtThatMonth() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        let result = try Jianfu.run(["run", pipeline.path, "--as-of", "2019-01"])
        try #require(result.status == 0, "\(result)")
        let summary = try readJSON(dir.file("out/summary.json"))
        let windows = try #require(summary["windows"] as? [String: [String: String]])
        #expect(windows["evaluation"] == ["from": "2018-12", "to": "2019-01"])
        #expect((summary["run"] as? [String: Any])?["as_of"] as? String == "2019-01")
        #expect(!(try csvRows(dir.file("out/series.csv")).contains { $0.count > 2 && $0[2] == "2019-02" }))
        // U1: current = 2019-01 alone = 6; (11 - 6) / 11 = 0.45454545454545453.
        let u1 = try #require(try csvRows(dir.file("out/indicators.csv")).first { $0.first == "U1" })
        #expect(u1[6] == "6" && u1[8] == "0.45454545454545453")

        let bad = try Jianfu.run(["run", pipeline.path, "--as-of", "2019-13"])
        #expect(bad.status == 2, "\(bad)")
    }

    @Test func stateNoneKeepsNothing() throws {
        let (dir, pipeline) = try Self.setUp(state: "none")
        defer { dir.remove() }
        let result = try Jianfu.run(["run", pipeline.path])
        try #require(result.status == 0, "\(result)")
        #expect(!dir.exists(".jianfu"))
        let summary = try readJSON(dir.file("out/summary.json"))
        #expect((summary["run"] as? [String: Any])?["state"] as? String == "none")
        #expect(Self.sources(summary).map { $0["reread"] as? Bool } == [true, true])
        let history = try Jianfu.run(["history", "-p", pipeline.path])
        #expect(history.status == 1 && history.stderr.contains("state: none"), "\(history)")
    }

    @Test func unitReadsTheStoreAndSaysWhenASourceChangedSince() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        let stateless = try dir.write("none.yml", Self.pipeline(state: "none"))
        try #require(try Jianfu.run(["run", pipeline.path]).status == 0)

        let fromStore = try Jianfu.run(["unit", "甲村", "-p", pipeline.path])
        let fromFiles = try Jianfu.run(["unit", "甲村", "-p", stateless.path])
        #expect(fromStore.status == 0, "\(fromStore)")
        #expect(fromStore.stdout == fromFiles.stdout, "the store gives the figures the files give")
        #expect(fromStore.stdout.contains("排名 1/2"), "\(fromStore)")
        #expect(fromStore.stderr.isEmpty, "\(fromStore)")

        try dir.write("counts.csv", Self.nightly)
        let stale = try Jianfu.run(["unit", "U1", "-p", pipeline.path])
        #expect(stale.status == 0, "\(stale)")
        #expect(stale.stderr.contains("source counts has changed since run 1"), "\(stale)")
    }
}
