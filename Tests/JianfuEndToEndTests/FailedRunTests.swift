import Foundation
import JianfuTestSupport
import Testing

/// A run that fails leaves no report behind and does not touch the previous one (SPEC §5
/// `max_rejected`, §6 "a failed run never leaves a half-written report", §7 exit codes).
@Suite struct FailedRunTests {
    /// Ten data rows, all good.
    static let goodCounts = """
        unit_id,period,metric,value
        U1,2018-01,documents,10
        U1,2018-02,documents,10
        U1,2018-03,documents,10
        U1,2019-01,documents,6
        U1,2019-02,documents,6
        U2,2018-01,documents,8
        U2,2018-02,documents,8
        U2,2018-03,documents,8
        U2,2019-01,documents,4
        U2,2019-02,documents,4

        """

    /// The same ten rows with line 10 (U2 2019-01) spoiled: 1 of 10 rows rejected = 10% > 1%.
    static let badCounts = goodCounts.replacingOccurrences(of: "U2,2019-01,documents,4", with: "U2,2019-01,documents,4x")

    static let pipeline = """
        name: 闸门
        sources:
          - {name: counts, path: counts.csv}
        metrics:
          documents: {target: 0.3}
        baseline: {from: 2018-01, to: 2018-12}
        max_rejected: 0.01
        outputs: {dir: out, formats: [csv, json, prom]}

        """

    /// Entries beside `out` that look like a staging folder (`.out.tmp-PID`).
    static func stagingLeftovers(_ dir: TempDir) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".out") }
    }

    static func assertGateMessage(_ result: RunResult) {
        let errorLine = result.stderrLines.first { $0.contains("error") } ?? ""
        // share 1/10 = 10%, limit 0.01
        #expect(errorLine.contains("10.0%") || errorLine.contains("10%"), "names the share: \(result)")
        #expect(errorLine.contains("0.01"), "names the limit: \(result)")
    }

    @Test func qualityGateOnAFreshFolderWritesNoReport() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.badCounts)
        let pipeline = try dir.write("gate.yml", Self.pipeline)

        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 3, "\(result)")
        Self.assertGateMessage(result)
        #expect(!dir.exists("out"))
        #expect(try Self.stagingLeftovers(dir).isEmpty)
        // The list of rejected rows is written beside the report folder: `<outdir>.rejected.csv`.
        let rows = try csvRows(dir.file("out.rejected.csv"))
        #expect(rows.map { Array($0.prefix(4)) } == [
            ["source", "line", "field", "reason"],
            ["counts", "10", "value", "bad_value"],
        ])
    }

    @Test func qualityGateLeavesThePreviousReportAsItWas() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.goodCounts)
        let pipeline = try dir.write("gate.yml", Self.pipeline)
        let good = try Jianfu.run(["run", pipeline.path])
        try #require(good.status == 0, "\(good)")
        let before = try snapshot(dir.file("out"))
        #expect(before.keys.sorted() == [".jianfu-report", "alerts.csv", "corrections.csv", "indicators.csv", "metrics.prom", "rejected.csv", "scores.csv", "series.csv", "summary.json"])

        try dir.write("counts.csv", Self.badCounts)
        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 3, "\(result)")
        Self.assertGateMessage(result)
        #expect(try snapshot(dir.file("out")) == before, "the previous report must be byte-identical")
        #expect(try Self.stagingLeftovers(dir).isEmpty)
        #expect(dir.exists("out.rejected.csv"))
    }

    @Test func unreadableSourceLeavesThePreviousReportAsItWas() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let counts = try dir.write("counts.csv", Self.goodCounts)
        let pipeline = try dir.write("gate.yml", Self.pipeline)
        // Two good runs: the second replaces the first and leaves nothing beside it.
        for _ in 0..<2 {
            let good = try Jianfu.run(["run", pipeline.path])
            try #require(good.status == 0, "\(good)")
        }
        #expect(try Self.stagingLeftovers(dir).isEmpty)
        let before = try snapshot(dir.file("out"))

        try FileManager.default.removeItem(at: counts)
        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(counts.path), "the message names the missing source: \(result)")
        #expect(try snapshot(dir.file("out")) == before, "the previous report must be byte-identical")
        #expect(try Self.stagingLeftovers(dir).isEmpty, "no staging folder may be left beside the report")
    }
}
