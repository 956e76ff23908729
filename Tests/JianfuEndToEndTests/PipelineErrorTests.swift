import Foundation
import JianfuTestSupport
import Testing

/// SPEC §2 and §7: a wrong pipeline file or wrong arguments exit with 2, with one line that
/// names the file, the line and the key; nothing is written.
@Suite struct PipelineErrorTests {
    static let counts = """
        unit_id,period,metric,value
        U1,2018-01,documents,10
        U1,2019-01,documents,6

        """

    /// Writes `yaml` (and a valid data file) and runs `jianfu COMMAND` on it.
    static func run(_ command: String, _ yaml: String, files: [String: String] = [:]) throws -> (TempDir, URL, RunResult) {
        let dir = try TempDir()
        try dir.write("counts.csv", counts)
        for (name, text) in files { try dir.write(name, text) }
        let pipeline = try dir.write("broken.yml", yaml)
        return (dir, pipeline, try Jianfu.run([command, pipeline.path]))
    }

    @Test(arguments: ["run", "validate"])
    func misspelledTopLevelKey(command: String) throws {
        let (dir, pipeline, result) = try Self.run(command, """
            name: 错
            sources:
              - name: counts
                path: counts.csv
            metircs:
              documents: {target: 0.3}
            baseline: {from: 2018-01, to: 2018-12}
            outputs: {dir: out}

            """)
        defer { dir.remove() }
        #expect(result.status == 2, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        let line = try #require(result.stderrLines.first)
        #expect(line.contains("\(pipeline.path):5"), "names file:line (metircs is on line 5): \(line)")
        #expect(line.contains("metircs"), "\(line)")
        #expect(!dir.exists("out"))
        #expect(!dir.exists("out.rejected.csv"))
    }

    /// Issue 11 item 16: `村` renamed `乡村` under `categories:` left the villages on the default
    /// targets without a word. Both commands refuse it once the units source is read, with the
    /// `state: none` path (`Ingestion.run`) and the store's (`StoreIngestion`).
    @Test(arguments: [["run"], ["validate"], ["run", "state: none"]])
    func aCategoryNoUnitHasIsRefused(_ arguments: [String]) throws {
        let (dir, pipeline, result) = try Self.run(arguments[0], """
            name: 错
            sources:
              - {name: units, kind: units, path: units.csv}
              - {name: counts, path: counts.csv}
            metrics:
              documents: {target: 0.3}
            baseline: {from: 2018-01, to: 2018-12}
            categories:
              乡村: {targets: {documents: 0.5}}
            outputs: {dir: out}
            \(arguments.count > 1 ? arguments[1] : "")

            """, files: ["units.csv": "unit_id,name,category\nT1,城关镇,township\nU1,东门村,村\n"])
        defer { dir.remove() }
        #expect(result.status == 2, "\(result)")
        #expect(result.stderrLines.last == "jianfu: error: \(pipeline.path):9: key 'categories.乡村': no unit has the category '乡村', so its settings would apply to nothing; the units' categories are 'township', '村'; did you mean '村'?", "\(result)")
        #expect(!dir.exists("out"))
    }

    @Test func unknownKeyInsideAMetric() throws {
        let (dir, pipeline, result) = try Self.run("run", """
            name: 错
            sources:
              - name: counts
                path: counts.csv
            metrics:
              documents:
                target: 0.3
                wieght: 2
            baseline: {from: 2018-01, to: 2018-12}
            outputs: {dir: out}

            """)
        defer { dir.remove() }
        #expect(result.status == 2, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        let line = try #require(result.stderrLines.first)
        #expect(line.contains("\(pipeline.path):8"), "names file:line (wieght is on line 8): \(line)")
        #expect(line.contains("wieght"), "\(line)")
        #expect(!dir.exists("out"))
    }

    @Test func missingPipelineFile() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let missing = dir.file("nowhere.yml").path
        let result = try Jianfu.run(["run", missing])
        // A pipeline that cannot be read is a bad pipeline argument: exit 2 (SPEC §7).
        #expect(result.status == 2, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.contains(missing), "\(result)")
        #expect(result.stderr.lowercased().contains("no such file") || result.stderr.lowercased().contains("not found"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// SPEC §7: "2 bad pipeline or arguments" — a missing argument, an unknown option or an
    /// unknown subcommand is a bad argument too.
    @Test(arguments: [["run"], ["run", "x.yml", "--no-such-option"], ["no-such-command", "x.yml"]])
    func badArgumentsExitWith2(arguments: [String]) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let result = try Jianfu.run(arguments, in: dir.url)
        #expect(result.status == 2, "\(arguments): \(result)")
        #expect(!result.stderr.isEmpty, "\(result)")
    }
}
