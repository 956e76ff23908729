import Foundation
import Glibc
import JianfuTestSupport
import Testing

/// jianfu deletes no file it did not write (issue 11, item 1): an `outputs.dir` that is or holds
/// the inputs is refused at load (exit 2), a folder holding files jianfu did not write is refused
/// at run time (exit 1), the report folder keeps its permissions and a symbolic link stays one,
/// and the list beside it (`OUT.rejected.csv`) replaces no file of someone else.
@Suite("The output folder")
struct OutputFolderTests {
    /// Three good rows of one unit.
    static let counts = "unit_id,period,metric,value\nU1,2018-01,documents,10\nU1,2018-02,documents,12\nU1,2019-01,documents,6\n"

    static func pipeline(dir: String, source: String = "counts.csv", extra: String = "") -> String {
        """
        sources:
          - {name: counts, path: \(source)}
        metrics:
          documents: {target: 0.3}
        baseline: {from: 2018-01, to: 2018-12}
        outputs: {dir: \(dir), formats: [csv, json]}
        \(extra)
        """
    }

    /// Every file below the folder with its bytes, and every folder.
    static func tree(_ dir: TempDir) throws -> [String: Data] {
        Dictionary(uniqueKeysWithValues: try dir.allFiles())
    }

    /// The issue's reproducer and its kin: `outputs.dir` naming a folder that holds the
    /// pipeline file, a source, the store or its folder. Refused before anything is read or
    /// created, naming the key and what the folder holds; every file stays.
    @Test("an output folder holding the inputs is refused (exit 2)", arguments: [
        ("..", "p/x.yml", "../obs.csv", "the pipeline file"),
        (".", "p/x.yml", "../obs.csv", "the pipeline file"),
        ("../data", "p/x.yml", "../data/obs.csv", "the source counts"),
        ("../data/obs.csv", "p/x.yml", "../data/obs.csv", "the source counts"),
        (".jianfu", "p/x.yml", "../obs.csv", "the folder of jianfu's state"),
    ])
    func inputsAreRefused(_ output: String, _ pipelinePath: String, _ source: String, _ named: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let sourceFile = URL(fileURLWithPath: source, relativeTo: dir.file("p/")).standardizedFileURL.path
        try dir.write(String(sourceFile.dropFirst(dir.path.count + 1)), Self.counts)
        try dir.write("notes.txt", "someone's notes\n")
        try dir.write(pipelinePath, Self.pipeline(dir: output, source: source))
        let before = try Self.tree(dir)

        let result = try Jianfu.run(["run", pipelinePath], in: dir.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.errorLine.contains("x.yml:6: key 'outputs.dir'"), "\(result)")
        #expect(result.errorLine.contains(named), "\(result)")
        #expect(try Self.tree(dir) == before, "every file is as it was")
        #expect(!dir.exists("p/.jianfu"), "not even the store is created")
        // validate says the same.
        #expect(try Jianfu.run(["validate", pipelinePath], in: dir.url).status == 2)
    }

    @Test("the root folder and the home folder are refused (exit 2)")
    func rootAndHome() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        let home = dir.file("home").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        for (output, named) in [("/", "the root folder /"), (home, "the home folder \(home)"), (dir.path, "a folder that contains the home folder")] {
            try dir.write("x.yml", Self.pipeline(dir: output, source: dir.file("counts.csv").path))
            let result = try Jianfu.run(["run", "x.yml"], in: dir.url, environment: ["HOME": home])
            #expect(result.status == 2, "\(output): \(result)")
            #expect(result.errorLine.contains(named), "\(output): \(result)")
        }
        #expect(dir.list("home").isEmpty)
    }

    /// A folder of someone else's files (`/tmp` in the issue: emptied, its mode changed from
    /// 1777 to 755): refused when the run comes to write (exit 1), the files and mode kept.
    @Test("a folder holding files jianfu did not write is refused (exit 1), its files and mode kept")
    func foreignFolder() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        try dir.write("shared/notes.txt", "keep me\n")
        try dir.write("shared/sub/deep.txt", "keep me too\n")
        // A file with a report's name is not proof: without the marker or a jianfu summary.json
        // the folder is not jianfu's.
        try dir.write("shared/indicators.csv", "my own indicators\n")
        chmod(dir.file("shared").path, 0o1777)
        try dir.write("x.yml", Self.pipeline(dir: "shared"))
        let before = try Self.tree(dir)

        let result = try Jianfu.run(["run", "x.yml"], in: dir.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.contains("refusing to write the reports into \(dir.file("shared").path): it holds notes.txt"), "\(result)")
        #expect(result.errorLine.contains(".jianfu-report"), "says how to mark an older report folder: \(result)")
        #expect(try Self.tree(dir).filter { !$0.key.hasPrefix(".jianfu/") } == before.filter { !$0.key.hasPrefix(".jianfu/") })
        #expect(Self.mode(dir.file("shared").path) == 0o1777)
        #expect(dir.list().filter { $0.hasPrefix(".shared.tmp-") }.isEmpty, "no staging folder left")
    }

    /// An empty folder is taken, and keeps its permissions (the sticky bit of a shared folder).
    @Test func emptyFolderKeepsItsMode() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        try FileManager.default.createDirectory(atPath: dir.file("out").path, withIntermediateDirectories: true)
        chmod(dir.file("out").path, 0o1775)
        try dir.write("x.yml", Self.pipeline(dir: "out"))
        for _ in 0..<2 {
            let result = try Jianfu.run(["run", "x.yml"], in: dir.url)
            try #require(result.status == 0, "\(result)")
            #expect(Self.mode(dir.file("out").path) == 0o1775)
        }
        #expect(dir.list("out") == [".jianfu-report", "alerts.csv", "corrections.csv", "indicators.csv", "rejected.csv", "scores.csv", "series.csv", "summary.json"])
    }

    /// A report folder written before the marker existed (only jianfu's files, a summary.json
    /// with a `jianfu.summary/` schema) is recognised, so the nightly job goes on after an
    /// upgrade; a summary.json of another schema is not.
    @Test("a report folder of an older jianfu is recognised")
    func olderReport() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        try dir.write("out/summary.json", #"{"schema": "jianfu.summary/1", "run": {"id": "old"}}"#)
        try dir.write("out/indicators.csv", "old\n")
        try dir.write("out/index.html", "<p>old</p>\n")
        try dir.write("out/units/U1.html", "<p>old</p>\n")
        try dir.write("x.yml", Self.pipeline(dir: "out"))
        let result = try Jianfu.run(["run", "x.yml"], in: dir.url)
        #expect(result.status == 0, "\(result)")
        #expect(dir.list("out") == [".jianfu-report", "alerts.csv", "corrections.csv", "indicators.csv", "rejected.csv", "scores.csv", "series.csv", "summary.json"],
                "the older report's files are gone, the new report and its marker are there")
        #expect(dir.list().filter { $0.hasPrefix(".out.tmp-") }.isEmpty)

        try dir.write("other/summary.json", #"{"schema": "someone.else/1"}"#)
        try dir.write("y.yml", Self.pipeline(dir: "other"))
        let other = try Jianfu.run(["run", "y.yml"], in: dir.url)
        #expect(other.status == 1, "\(other)")
        #expect(dir.list("other") == ["summary.json"])
    }

    /// A file put into jianfu's report folder is not deleted by the next run: the run is
    /// refused, naming it, and the reports stay as they were.
    @Test("a file added to the report folder is kept", arguments: ["notes.txt", "units/notes.txt", "units/sub/page.html"])
    func addedFile(_ name: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        try dir.write("x.yml", Self.pipeline(dir: "out"))
        try #require(try Jianfu.run(["run", "x.yml"], in: dir.url).status == 0)
        try dir.write("out/\(name)", "keep me\n")
        let before = try Self.tree(dir)

        let result = try Jianfu.run(["run", "x.yml"], in: dir.url)
        #expect(result.status == 1, "\(result)")
        let shown = name == "units/sub/page.html" ? "units/sub" : name
        #expect(result.errorLine.contains("it holds \(shown), which jianfu did not write"), "\(result)")
        #expect(try Self.tree(dir).filter { !$0.key.hasPrefix(".jianfu/") } == before.filter { !$0.key.hasPrefix(".jianfu/") })
    }

    /// An output folder that is a symbolic link stays one: the folder it points to is replaced.
    @Test func symbolicLinkStaysALink() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        try FileManager.default.createDirectory(atPath: dir.file("real/reports").path, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("out").path, withDestinationPath: "real/reports")
        try dir.write("x.yml", Self.pipeline(dir: "out"))
        for _ in 0..<2 {
            let result = try Jianfu.run(["run", "x.yml"], in: dir.url)
            try #require(result.status == 0, "\(result)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.file("out").path) == "real/reports")
            #expect(dir.exists("real/reports/indicators.csv"))
            #expect(dir.list("real") == ["reports"], "nothing left beside the folder")
        }
    }

    /// `OUT.rejected.csv` (written when the data-quality gate stops a run) replaces only a list
    /// jianfu wrote before.
    @Test("the rejected list beside the folder replaces no file of someone else")
    func rejectedBeside() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts + "U1,2019-02,documents,x\n")
        try dir.write("out.rejected.csv", "my own file\n")
        try dir.write("x.yml", Self.pipeline(dir: "out", extra: "max_rejected: 0.1"))
        let result = try Jianfu.run(["run", "x.yml"], in: dir.url)
        #expect(result.status == 3, "\(result)")
        #expect(try String(contentsOf: dir.file("out.rejected.csv"), encoding: .utf8) == "my own file\n")
        #expect(result.stderr.contains("did not write the rejected rows to \(dir.file("out.rejected.csv").path)"), "\(result)")
        #expect(!result.errorLine.contains("listed in"), "the error does not point at a list that is not there: \(result)")

        try FileManager.default.removeItem(at: dir.file("out.rejected.csv"))
        for _ in 0..<2 {  // the second run replaces the list the first wrote
            let again = try Jianfu.run(["run", "x.yml"], in: dir.url)
            #expect(again.status == 3, "\(again)")
            #expect(try csvRows(dir.file("out.rejected.csv")).map { $0[1] } == ["line", "5"])
        }
    }

    /// The staging folder of a killed run is removed file by file: what jianfu did not write
    /// in it stays.
    @Test func abandonedStagingKeepsForeignFiles() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        try dir.write("x.yml", Self.pipeline(dir: "out"))
        // pid 4194304 is above Linux's largest pid: no process has it.
        try dir.write(".out.tmp-4194304/indicators.csv", "half written\n")
        try dir.write(".out.tmp-4194304/notes.txt", "keep me\n")
        let result = try Jianfu.run(["run", "x.yml"], in: dir.url)
        #expect(result.status == 0, "\(result)")
        #expect(dir.list(".out.tmp-4194304") == ["notes.txt"])
        #expect(result.stderr.contains("left \(dir.file(".out.tmp-4194304").path)"), "\(result)")
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }
}
