import Foundation
import JianfuTestSupport
import Testing

/// What jianfu prints as text (issue 11, items 9 and 17): control characters from the data are
/// shown visibly, never written raw; an ambiguous unit is listed on real lines; and with
/// `--log-format json` every line of stderr is one JSON object carrying the fields that place it.
@Suite("Terminal and log output")
struct TerminalOutputTests {
    /// A unit name that would set the window title (OSC 0 … BEL), clear the screen (CSI 2J), hide
    /// the text after it (SGR 8), then a one-character C1 CSI (U+009B) and a DEL.
    static let name = "南山镇\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[8m\u{9B}31m\u{7F}end"
    /// How it is shown: each control character as a Swift literal writes it (ESC 1B, BEL 07,
    /// CSI 9B, DEL 7F).
    static let shown = #"南山镇\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[8m\u{9B}31m\u{7F}end"#

    /// Two units whose names start with 南山, a category holding an escape, a row for an unknown
    /// unit holding one; `parent` is U1's parent_id.
    static func setUp(_ dir: TempDir, parent: String = "") throws {
        try dir.write("units.csv", "unit_id,name,category,parent_id\nU1,\(name),镇,\(parent)\nU2,南山村,村\u{1B}[31m,U1\n")
        try dir.write("data/counts.csv", "unit_id,period,metric,value\nU1,2018-01,documents,10\nU1,2019-01,documents,6\n"
            + "U2,2018-01,documents,4\nU2,2019-01,documents,3\nX\u{1B}[2J,2019-01,documents,1\n")
        try dir.write("pipeline.yml", """
            sources:
              - {name: units, kind: units, path: units.csv}
              - {name: counts, path: data/counts.csv}
            metrics:
              documents: {target: 0.3}
            baseline: {from: 2018-01, to: 2018-12}
            state: none
            outputs: {dir: out}

            """)
    }

    /// Scalars a terminal would act on: C0 but LF, DEL, C1.
    static func controls(_ text: String) -> [UInt32] {
        text.unicodeScalars.map(\.value).filter { ($0 < 0x20 && $0 != 0x0A) || (0x7F...0x9F).contains($0) }
    }

    @Test("unit and validate show control characters from the data visibly")
    func controlCharactersAreShown() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try Self.setUp(dir)
        let unit = try Jianfu.run(["unit", "U1", "-p", "pipeline.yml"], in: dir.url)
        #expect(unit.status == 0, "\(unit)")
        #expect(Self.controls(unit.stdout + unit.stderr).isEmpty, "\(unit)")
        #expect(unit.stdout.hasPrefix(Self.shown + "  U1\n"), "\(unit.stdout)")

        let validate = try Jianfu.run(["validate", "pipeline.yml"], in: dir.url)
        #expect(validate.status == 0, "\(validate)")
        #expect(Self.controls(validate.stdout + validate.stderr).isEmpty, "\(validate)")
        #expect(validate.stdout.contains(#"categories: 村\u{1B}[31m, 镇"#), "\(validate.stdout)")
        #expect(validate.stdout.contains(#"unit 'X\u{1B}[2J' is not in the units source"#), "\(validate.stdout)")
    }

    @Test("an ambiguous unit is listed on lines of their own")
    func ambiguousUnit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try Self.setUp(dir)
        let result = try Jianfu.run(["unit", "南山", "-p", "pipeline.yml"], in: dir.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderrLines == [
            "jianfu: error: '南山' matches 2 units in pipeline pipeline; give the full id or more of the name:",
            "  U1 " + Self.shown,
            "  U2 南山村",
        ], "\(result)")
    }

    /// Every line of stderr parsed as one JSON object.
    static func jsonLines(_ result: RunResult) throws -> [[String: Any]] {
        try result.stderrLines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not an object: \(line)")
        }
    }

    @Test("--log-format json: every line of stderr is one JSON object, with its place as fields")
    func jsonLog() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try Self.setUp(dir, parent: "U9")  // an orphan: a warning naming U1

        let ok = try Jianfu.run(["run", "pipeline.yml", "--log-format", "json"], in: dir.url)
        #expect(ok.status == 0, "\(ok)")
        let lines = try Self.jsonLines(ok)
        #expect(lines.count >= 3)
        for line in lines {
            #expect(line["time"] is String && line["level"] is String && line["message"] is String, "\(line)")
        }
        #expect(lines.contains { $0["level"] as? String == "warning" && $0["unit"] as? String == "U1" }, "\(ok.stderr)")
        #expect(lines.contains { $0["level"] as? String == "info" && $0["source"] as? String == "counts" }, "\(ok.stderr)")
        #expect(Self.controls(ok.stderr).isEmpty, "\(ok.stderr)")

        // A source without its value column fails the run: the last line is the error, as JSON,
        // naming source, file and line; a / is not escaped.
        try dir.write("data/counts.csv", "unit_id,period,metric\nU1,2018-01,documents\n")
        let failed = try Jianfu.run(["run", "pipeline.yml", "--log-format", "json"], in: dir.url)
        #expect(failed.status == 1, "\(failed)")
        let error = try #require(try Self.jsonLines(failed).last)
        #expect(error["level"] as? String == "error")
        #expect(error["source"] as? String == "counts")
        #expect((error["file"] as? String)?.hasSuffix("/data/counts.csv") == true, "\(error)")
        #expect(error["line"] as? Int == 1)
        #expect((error["message"] as? String)?.contains("field 'value' expects a column 'value'") == true, "\(error)")
        #expect(!failed.stderr.contains(#"\/"#) && failed.stderr.contains(#"/data/counts.csv","line":1}"#), "\(failed.stderr)")
        #expect(!failed.stderr.contains("jianfu: error:"))

        // An ambiguous unit: one object, the candidates in `details`.
        try Self.setUp(dir, parent: "U9")
        let ambiguous = try Jianfu.run(["unit", "南山", "-p", "pipeline.yml", "--log-format", "json"], in: dir.url)
        #expect(ambiguous.status == 2, "\(ambiguous)")
        let lookup = try #require(try Self.jsonLines(ambiguous).last)
        #expect(lookup["query"] as? String == "南山")
        #expect(lookup["details"] as? [String] == ["U1 " + Self.name, "U2 南山村"], "\(lookup)")

        // A bad argument, refused before the command runs, is a JSON line too.
        let badArgument = try Jianfu.run(["run", "pipeline.yml", "--log-format", "json", "--as-of", "2024-13"], in: dir.url)
        #expect(badArgument.status == 2, "\(badArgument)")
        #expect(try Self.jsonLines(badArgument).map { $0["level"] as? String } == ["error"], "\(badArgument)")
    }
}
