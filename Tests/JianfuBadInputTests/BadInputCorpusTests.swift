import Foundation
import JianfuTestSupport
import Testing

/// The bad-input corpus (`fixtures/bad/`): every case of `fixtures/bad/cases.tsv` is run through
/// the real `jianfu run`, and must end as the table says — exit code, the rejected lines with
/// their reasons and columns, the run totals, the error or warning on stderr — and, whatever the
/// input, without a crash or a hang, with every rejection at a real line of its file, and with
/// the output folder either the previous report untouched or a complete new one (SPEC §5, §6).
///
/// Each case is a folder `fixtures/bad/cases/NAME/` of files copied into a fresh temporary
/// folder, over `fixtures/bad/pipelines/counts.csv` (a good file, for the pipeline cases), with
/// the pipeline named in the table (`fixtures/bad/pipelines/NAME.yml`, or the case's own
/// `pipeline.yml` for `own`) as `pipeline.yml`. A file may hold `{{repeat C N}}`, replaced by
/// N copies of the byte C, so that a 1 MiB field does not have to be stored.
@Suite("Bad-input corpus")
struct BadInputCorpusTests {
    static let fixtures = Jianfu.packageRoot.appendingPathComponent("fixtures/bad")

    /// What a case must end in: the columns of `cases.tsv`.
    struct Case: Sendable, CustomTestStringConvertible {
        enum Outcome: String, Sendable {
            case accepted, rejectedRow = "rejected row", rejectedCell = "rejected cell", warning, refusal
        }

        let name: String
        /// `fixtures/bad/pipelines/NAME.yml`, or nil for the case's own `pipeline.yml`.
        let pipeline: String?
        let exit: Int32
        let outcome: Outcome
        /// `line:reason[:field]` of each line of rejected.csv, in order.
        let rejected: [String]
        /// `rows_read/rows_rejected/cells_rejected/blank_lines/observations` of summary.json.
        let totals: String?
        /// Text the error (or warning) on stderr must hold.
        let stderr: String?
        /// `FILE~TEXT`: the output file holds TEXT; `FILE!~TEXT`: it does not.
        let output: [String]
        let behaviour: String

        var testDescription: String { name }

        init(_ line: Substring) throws {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(columns.count == 9, "9 columns in: \(line)")
            func optional(_ text: String) -> String? { text == "-" ? nil : text }
            name = columns[0]
            pipeline = columns[1] == "own" ? nil : columns[1]
            exit = try #require(Int32(columns[2]))
            outcome = try #require(Outcome(rawValue: columns[3]), "outcome of \(name)")
            rejected = optional(columns[4])?.split(separator: " ").map(String.init) ?? []
            totals = optional(columns[5])
            stderr = optional(columns[6])
            output = optional(columns[7])?.components(separatedBy: " ; ") ?? []
            behaviour = columns[8]
        }
    }

    static let cases: [Case] = {
        let text = (try? String(contentsOf: fixtures.appendingPathComponent("cases.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").dropFirst().compactMap { try? Case($0) }
    }()

    /// The files of a complete report (every format: the corpus pipelines take the default).
    static let reportFiles = ["alerts.csv", "corrections.csv", "index.html", "indicators.csv", "metrics.prom", "rejected.csv", "scores.csv", "series.csv", "summary.json"]

    @Test("the table is well formed and covers every case folder")
    func table() throws {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("cases.tsv"), encoding: .utf8)
        let lines = text.split(separator: "\n").dropFirst()
        #expect(Self.cases.count == lines.count, "every line of cases.tsv parses")
        #expect(Self.cases.count >= 40)
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appendingPathComponent("cases").path)
        #expect(Set(folders) == Set(Self.cases.map(\.name)), "one folder per case")
        for c in Self.cases {
            // The outcome column agrees with the others.
            switch c.outcome {
            case .refusal: #expect(c.exit != 0, "\(c.name)")
            case .accepted: #expect(c.exit == 0 && c.rejected.isEmpty, "\(c.name)")
            case .warning: #expect(c.exit == 0 && c.stderr?.contains("warning:") == true, "\(c.name)")
            case .rejectedRow, .rejectedCell: #expect(c.exit == 0 && !c.rejected.isEmpty, "\(c.name)")
            }
        }
    }

    @Test("each bad input ends as cases.tsv says", arguments: cases)
    func badInput(_ c: Case) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try setUp(c, in: dir)

        let result = try Jianfu.run(["run", "pipeline.yml"], in: dir.url)
        // Never a crash or a hang, whatever the input.
        try #require(result.exited && !result.timedOut, "crashed or hung: \(result)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Backtrace"), "\(result)")
        #expect(result.status == c.exit, "\(result)")
        if let expected = c.stderr {
            let line = c.outcome == .warning ? result.stderr : result.errorLine
            #expect(line.contains(expected), "stderr: \(result.stderr)")
        }
        if c.outcome == .refusal {
            #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("jianfu: error:") }.count == 1, "one error line: \(result)")
        }

        // The output folder is the previous report, untouched, or a complete new one; no
        // staging folder is left beside it.
        #expect(dir.list().filter { $0.hasPrefix(".out.tmp") }.isEmpty, "staging left: \(dir.list())")
        let rejectedFile: URL?
        if c.exit == 0 {
            #expect(try String(contentsOf: dir.file("out/scores.csv"), encoding: .utf8) != Self.previousReport, "the previous report was replaced whole")
            #expect(!(try String(contentsOf: dir.file("out/.jianfu-report"), encoding: .utf8).contains("run_id: previous")))
            for file in Self.reportFiles { #expect(dir.exists("out/\(file)"), "out/\(file) is written") }
            rejectedFile = dir.file("out/rejected.csv")
        } else {
            #expect(dir.list("out") == [".jianfu-report", "scores.csv"], "a failed run leaves the previous report as it was")
            #expect(try String(contentsOf: dir.file("out/scores.csv"), encoding: .utf8) == Self.previousReport)
            rejectedFile = dir.exists("out.rejected.csv") ? dir.file("out.rejected.csv") : nil
        }

        // Every rejected row, with its line and reason; each line a real line of its file.
        let rows = try rejectedFile.map { try csvRows($0).dropFirst() } ?? []
        #expect(rows.map { [$0[1], $0[3]] + ($0[2].isEmpty ? [] : [$0[2]]) }.map { $0.joined(separator: ":") } == c.rejected)
        for row in rows where !dir.exists("counts.json") {  // a JSON record's line is its position
            let lines = try physicalLines(dir.file(row[0] == "units" ? "units.csv" : "counts.csv"))
            #expect(Int(row[1]).map { $0 >= 2 && $0 <= max(lines, 2) } == true, "line \(row[1]) of a \(lines)-line file")
            #expect(!row[5].isEmpty, "the raw row is kept")
        }

        if c.exit == 0 {
            let summary = try readJSON(dir.file("out/summary.json"))
            let quality = try #require(summary["data_quality"] as? [String: Any])
            func count(_ key: String) -> Int { quality[key] as? Int ?? -1 }
            let totals = ["rows_read", "rows_rejected", "cells_rejected", "blank_lines", "observations"].map { String(count($0)) }
            if let expected = c.totals { #expect(totals.joined(separator: "/") == expected) }
            // Nothing lost: every rejected row or cell of the observation sources is in
            // rejected.csv — a line per cell, so a wide row that kept nothing has one line per
            // bad cell but counts once.
            let observationRows = rows.filter { $0[0] != "units" }
            let counted = count("rows_rejected") + count("cells_rejected")
            #expect(Set(observationRows.map { $0[1] }).count <= counted && counted <= observationRows.count)
        }

        for check in c.output {
            let negated = check.contains("!~")
            let parts = check.components(separatedBy: negated ? "!~" : "~")
            let text = String(decoding: try Data(contentsOf: dir.file("out/" + parts[0])), as: UTF8.self)
            #expect(text.contains(parts[1]) != negated, "\(parts[0]) \(negated ? "holds" : "lacks") \(parts[1])")
        }
    }

    /// Copies the case's files into `dir` over the good counts.csv, the pipeline as
    /// `pipeline.yml`, and puts a previous report in `out/`.
    private func setUp(_ c: Case, in dir: TempDir) throws {
        let fm = FileManager.default
        let folder = Self.fixtures.appendingPathComponent("cases/\(c.name)")
        try dir.write("counts.csv", Data(contentsOf: Self.fixtures.appendingPathComponent("pipelines/counts.csv")))
        if let pipeline = c.pipeline {
            try dir.write("pipeline.yml", Data(contentsOf: Self.fixtures.appendingPathComponent("pipelines/\(pipeline).yml")))
        }
        for name in try fm.contentsOfDirectory(atPath: folder.path) {
            try dir.write(name, expandRepeats(Data(contentsOf: folder.appendingPathComponent(name))))
        }
        try dir.write("out/.jianfu-report", "run_id: previous\n")
        try dir.write("out/scores.csv", Self.previousReport)
    }

    /// The "previous report" in `out/`: a report file in a folder marked as jianfu's.
    static let previousReport = "the previous report\n"
}

/// `{{repeat C N}}` replaced by N copies of the byte C.
func expandRepeats(_ data: Data) -> Data {
    let marker = Data("{{repeat ".utf8)
    guard let start = data.range(of: marker), let end = data.range(of: Data("}}".utf8), in: start.upperBound..<data.endIndex),
          let spec = String(data: data[start.upperBound..<end.lowerBound], encoding: .utf8) else { return data }
    let parts = spec.split(separator: " ")
    guard parts.count == 2, let byte = parts[0].utf8.first, parts[0].utf8.count == 1, let count = Int(parts[1]) else { return data }
    var expanded = Data(data[..<start.lowerBound])
    expanded.append(Data(repeating: byte, count: count))
    expanded.append(expandRepeats(Data(data[end.upperBound...])))
    return expanded
}

/// The physical lines of a file: LF, CRLF and a lone CR end one each; a last line without an
/// end counts too.
func physicalLines(_ url: URL) throws -> Int {
    let bytes = [UInt8](try Data(contentsOf: url))
    var lines = 0
    for (i, b) in bytes.enumerated() where b == 0x0A || (b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) { lines += 1 }
    if let last = bytes.last, last != 0x0A, last != 0x0D { lines += 1 }
    return lines
}
