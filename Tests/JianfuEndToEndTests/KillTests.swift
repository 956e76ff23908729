import Foundation
import Glibc
import GRDB
import JianfuTestSupport
import Testing

/// kill -9 at any moment of a run leaves the previous reports as they were and the store
/// consistent, and the next run completes normally (SPEC §6 atomic outputs, §8 one transaction
/// per run).
@Suite struct KillTests {
    static let units = 3000
    static let months = 60

    /// A long file of `units` × `months` × 4 metrics (720,000 rows, about 20 MB), values made up
    /// from the unit and month; `bump` adds to every value of the last month (a re-sent month).
    static func counts(bump: Int = 0) -> Data {
        var text = "unit_id,period,metric,value\n"
        text.reserveCapacity(units * months * 4 * 28)
        for p in 0..<months {
            let period = "\(2018 + p / 12)-\(p % 12 < 9 ? "0" : "")\(p % 12 + 1)"
            let extra = p == months - 1 ? bump : 0
            for u in 0..<units {
                let unit = "U\(100_000 + u)"
                let base = (u * 7 + p * 3) % 50 + 1 + extra
                text += "\(unit),\(period),documents,\(base)\n\(unit),\(period),meetings,\(base / 2)\n"
                text += "\(unit),\(period),inspections,\(base % 7)\n\(unit),\(period),survey,\(60 + base % 40)\n"
            }
        }
        return Data(text.utf8)
    }

    static func pipeline(state: String) -> String {
        """
        name: kill
        sources:
          - {name: counts, path: counts.csv}
        metrics:
          documents: {target: 0.3}
          meetings: {target: 0.3}
          inspections: {target: 0.5}
          survey: {direction: up, aggregate: mean, target: 80}
        baseline: {from: 2018-01, to: 2018-12}
        outputs: {dir: out, formats: [csv, json]}
        state: \(state)

        """
    }

    static let tables = ["indicators.csv", "scores.csv", "series.csv", "alerts.csv", "rejected.csv"]

    /// `jianfu run PIPELINE` started in the background, its output thrown away.
    static func start(_ pipeline: URL) throws -> Process {
        let process = Process()
        process.executableURL = Jianfu.executable
        process.arguments = ["run", pipeline.path, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Kills `process` with SIGKILL once `moment` says so; false when it ended first.
    static func kill(_ process: Process, when moment: () -> Bool) -> Bool {
        while process.isRunning, !moment() { usleep(2_000) }
        let killed = process.isRunning && Glibc.kill(process.processIdentifier, SIGKILL) == 0
        process.waitUntilExit()
        return killed && process.terminationReason == .uncaughtSignal
    }

    static func integrity(_ store: URL) throws -> String? {
        try DatabaseQueue(path: store.path).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
    }

    @Test func killedRunsLeaveThePreviousReportsAndAConsistentStore() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts())
        let pipeline = try dir.write("k.yml", Self.pipeline(state: ".jianfu/k.sqlite"))
        let first = try Jianfu.run(["run", pipeline.path])
        try #require(first.status == 0, "\(first)")
        let before = try snapshot(dir.file("out"))

        // The next night re-sends the last month with every base value one higher: documents,
        // inspections (base % 7) and survey (60 + base % 40) change for all 3,000 units,
        // meetings (base / 2) for the 1,500 whose new base is even — 10,500 corrections. Every
        // run below reads the file again, stores them and writes new reports, until killed.
        try dir.write("counts.csv", Self.counts(bump: 1))
        // When to kill, given the process: during fetch and ingest, while the store is written,
        // and once the staging folder of the reports appears.
        var moments: [(String, (Process) -> () -> Bool)] = [0.2, 0.5, 1.0, 2.0].map { seconds in
            ("after \(seconds) s", { _ in
                let start = Date()
                return { Date().timeIntervalSince(start) >= seconds }
            })
        }
        moments.append(("while the reports are written", { process in
            { FileManager.default.fileExists(atPath: dir.file(".out.tmp-\(process.processIdentifier)").path) }
        }))
        var killed = 0
        for (name, moment) in moments {
            let process = try Self.start(pipeline)
            let when = moment(process)
            if Self.kill(process, when: when) { killed += 1 }
            #expect(try snapshot(dir.file("out")) == before, "killed \(name): the previous reports must be byte-identical")
            #expect(try Self.integrity(dir.file(".jianfu/k.sqlite")) == "ok", "killed \(name)")
        }
        #expect(killed == moments.count, "every run was killed before it ended")

        // The next run completes, with the numbers a stateless run over the new file gives.
        let next = try Jianfu.run(["run", pipeline.path])
        try #require(next.status == 0, "\(next)")
        #expect(next.stderr.contains("10500 corrections"), "\(next)")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.hasPrefix(".out.tmp-") }),
                "staging folders of killed runs are removed")
        let fresh = try dir.write("fresh.yml", Self.pipeline(state: "none").replacingOccurrences(of: "dir: out,", with: "dir: fresh,"))
        try #require(try Jianfu.run(["run", fresh.path]).status == 0)
        for table in Self.tables {
            #expect(try bytes(dir.file("out/\(table)")) == bytes(dir.file("fresh/\(table)")), "\(table)")
        }
        // The killed runs are in the run log as interrupted; none is left running.
        let history = try Jianfu.run(["history", "-p", pipeline.path])
        #expect(history.stdout.contains("interrupted") && !history.stdout.contains("running"), "\(history)")
    }
}
