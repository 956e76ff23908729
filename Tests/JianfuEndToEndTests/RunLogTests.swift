import Foundation
import Glibc
import GRDB
import JianfuTestSupport
import Testing

/// The run log records what happened (issue 11, item 5; SPEC §8): a run whose data was
/// committed is never logged `failed` or `interrupted`, and a full disk is said in words,
/// naming the file. The file systems are real: small tmpfs mounts (the tests run as root).
@Suite(.serialized) struct RunLogTests {
    /// Two units, three good rows each.
    static let counts = """
        unit_id,period,metric,value
        U1,2018-01,documents,10
        U1,2018-02,documents,12
        U1,2019-01,documents,6
        U2,2018-01,documents,8
        U2,2018-02,documents,8
        U2,2019-01,documents,4

        """

    static func pipeline(state: String = ".jianfu/p.sqlite") -> String {
        """
        sources:
          - {name: counts, path: counts.csv}
        metrics:
          documents: {target: 0.3}
        baseline: {from: 2018-01, to: 2018-12}
        outputs: {dir: out, formats: [csv, json]}
        state: \(state)

        """
    }

    /// Mounts a tmpfs of `size` on `folder` (created); false when mounting is not allowed here.
    static func mount(_ folder: URL, size: String) throws -> Bool {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let result = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", folder.path])
        return result.status == 0
    }

    static func list(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    static func unmount(_ folder: URL) {
        _ = try? runProcess(URL(fileURLWithPath: "/bin/umount"), [folder.path])
    }

    /// The history's rows as cells (header dropped), newest first.
    static func history(_ pipeline: URL) throws -> [[String]] {
        let history = try Jianfu.run(["history", "-p", pipeline.path])
        try #require(history.status == 0, "\(history)")
        return history.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
    }

    /// The issue's reproducer: the output folder is a mount point, so the swap fails ("Device
    /// or resource busy") after the store's commit. The run exits 1 and says the data was kept;
    /// the log says `committed_reports_failed`, not `failed`; the next run finds the source
    /// unchanged (its data is in the store) and, once the folder can be replaced, writes the
    /// reports.
    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs, which needs root")) func aSwapThatFailsAfterTheCommitIsLoggedAsSuch() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        let pipeline = try dir.write("p.yml", Self.pipeline())
        try #require(try Self.mount(dir.file("out"), size: "1m"), "mounting a tmpfs needs root")
        defer { Self.unmount(dir.file("out")) }

        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("Device or resource busy"), "\(result)")
        #expect(result.stderr.contains("the run's data is saved in the state store"), "\(result)")
        #expect(Self.list(dir.file("out")).isEmpty, "nothing was put into the mount point")
        let rows = try Self.history(pipeline)
        #expect(rows.count == 1 && rows[0][0] == "1" && rows[0][3] == "committed_reports_failed" && rows[0][4] == "1", "\(rows)")

        Self.unmount(dir.file("out"))
        let next = try Jianfu.run(["run", pipeline.path])
        #expect(next.status == 0, "\(next)")
        #expect(next.stderr.contains("source counts: unchanged since run 1"), "the data of run 1 was kept: \(next)")
        #expect(dir.exists("out/indicators.csv"))
        #expect(try Self.history(pipeline).map { $0[3] } == ["ok", "committed_reports_failed"])
    }

    /// A run that ended after its commit without logging its end — killed just after the swap,
    /// or its last write refused by a full disk — is `committed` in the log. `history` and the
    /// next run judge it by the report folder's marker: its reports are in place, so `ok`
    /// (never `interrupted`); a `committed` run whose reports are not in place is
    /// `committed_reports_failed`.
    @Test func aRunThatDidNotLogItsEndIsJudgedByTheReportsInPlace() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        let pipeline = try dir.write("p.yml", Self.pipeline())
        for _ in 0..<2 { try #require(try Jianfu.run(["run", pipeline.path]).status == 0) }
        let marker = try String(contentsOf: dir.file("out/.jianfu-report"), encoding: .utf8)
        let store = try DatabaseQueue(path: dir.file(".jianfu/p.sqlite").path)
        let runIDs = try store.read { try String.fetchAll($0, sql: "SELECT run_id FROM runs ORDER BY id") }
        #expect(marker.contains("run_id: \(runIDs[1])"), "the marker names the run whose reports are there: \(marker)")
        // What the log holds when the end was not logged: run 2's reports are in place, run
        // 1's were replaced by run 2's (as if its swap had never happened).
        try store.write { try $0.execute(sql: "UPDATE runs SET outcome = 'committed', exit_code = 0") }
        try store.close()

        #expect(try Self.history(pipeline).map { $0[3] } == ["ok", "committed_reports_failed"])
        try #require(try Jianfu.run(["run", pipeline.path]).status == 0)
        let rows = try Self.history(pipeline)
        #expect(rows.map { $0[3] } == ["ok", "ok", "committed_reports_failed"], "\(rows)")
        #expect(rows.map { $0[4] } == ["0", "0", "-1"], "\(rows)")
    }

    /// A run killed (SIGKILL) as soon as its reports are in place — before or after it logs its
    /// end, wherever the kill lands — is `ok` in the log, never `interrupted`: its data and
    /// reports are kept.
    @Test func aRunKilledJustAfterTheSwapIsOk() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        let pipeline = try dir.write("p.yml", Self.pipeline())
        try #require(try Jianfu.run(["run", pipeline.path]).status == 0)
        let first = try String(contentsOf: dir.file("out/.jianfu-report"), encoding: .utf8)

        try dir.write("counts.csv", Self.counts + "U1,2019-02,documents,5\n")
        let process = Process()
        process.executableURL = Jianfu.executable
        process.arguments = ["run", pipeline.path, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning, (try? String(contentsOf: dir.file("out/.jianfu-report"), encoding: .utf8)) ?? first == first {
            usleep(100)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()

        #expect(try Self.history(pipeline).map { $0[3] } == ["ok", "ok"])
        try #require(try Jianfu.run(["run", pipeline.path]).status == 0)
        #expect(try Self.history(pipeline).map { $0[3] } == ["ok", "ok", "ok"], "settled for good by the next run")
    }

    /// A full disk under the store: the run says "no space left on device" naming the store
    /// (not "disk I/O error"), leaves the reports, and `history` still works.
    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs, which needs root")) func aFullDiskIsSaidAndHistoryStillWorks() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let disk = dir.file("disk")
        // Room for the first run: a store of 64 KiB pages takes about 1.5 MB with its WAL.
        try #require(try Self.mount(disk, size: "8m"), "mounting a tmpfs needs root")
        defer { Self.unmount(disk) }
        let data = TempDir.Sub(url: disk)
        try data.write("counts.csv", Self.counts)
        let pipeline = try data.write("p.yml", Self.pipeline())
        try #require(try Jianfu.run(["run", pipeline.path]).status == 0)
        let before = try snapshot(disk.appendingPathComponent("out"))

        // Fill the disk: a file grown until the file system refuses more.
        try data.write("counts.csv", Self.counts + "U1,2019-02,documents,5\n")
        let filler = open(disk.appendingPathComponent("filler").path, O_WRONLY | O_CREAT, 0o644)
        let block = [UInt8](repeating: 0x20, count: 4096)
        while write(filler, block, block.count) > 0 {}
        close(filler)

        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(disk.appendingPathComponent(".jianfu/p.sqlite").path), "names the store: \(result)")
        #expect(result.stderr.contains("no space left on device"), "\(result)")
        #expect(try snapshot(disk.appendingPathComponent("out")) == before, "the reports stay")

        let history = try Jianfu.run(["history", "-p", pipeline.path])
        #expect(history.status == 0, "\(history)")
        #expect(history.stdout.split(separator: "\n").count >= 2, "\(history)")

        // Once there is room again, the next run does the work.
        try FileManager.default.removeItem(at: disk.appendingPathComponent("filler"))
        let next = try Jianfu.run(["run", pipeline.path])
        #expect(next.status == 0, "\(next)")
    }

    /// A full disk under the output folder: the message names the file and the cause.
    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs, which needs root")) func aFullDiskUnderTheReportsIsSaid() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var counts = "unit_id,period,metric,value\n"
        for unit in 0..<400 {
            for year in [2018, 2019] {
                for month in 1...12 { counts += "U\(unit),\(year)-\(month < 10 ? "0" : "")\(month),documents,\(unit % 9 + month)\n" }
            }
        }
        try dir.write("counts.csv", counts)
        let pipeline = try dir.write("p.yml", Self.pipeline(state: "none").replacingOccurrences(of: "dir: out", with: "dir: disk/out"))
        try #require(try Self.mount(dir.file("disk"), size: "64k"), "mounting a tmpfs needs root")
        defer { Self.unmount(dir.file("disk")) }

        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(dir.file("disk").path + "/.out.tmp-"), "names the file: \(result)")
        #expect(result.stderr.lowercased().contains("no space left on device"), "\(result)")
        #expect(Self.list(dir.file("disk")).isEmpty, "the staging folder is removed")
    }
}

extension TempDir {
    /// A folder inside a test's folder, written like one.
    struct Sub {
        let url: URL
        @discardableResult
        func write(_ name: String, _ text: String) throws -> URL {
            let target = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: target)
            return target
        }
    }
}
