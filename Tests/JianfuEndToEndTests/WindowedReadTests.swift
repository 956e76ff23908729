import Foundation
import JianfuTestSupport
import Testing

/// A night whose outputs read no series (no HTML, no `series.csv`) reads from its store only the
/// periods its windows need (issue 14, docs/state.md "What a night reads"): the demo's seven
/// years, with its indicators from 2018 and 2023–2024, must give exactly what a run that reads
/// every value gives — here the same pipeline with `state: none` — including the two things
/// that reach outside the windows: a unit silent since 2020 (its `stale` alert counts the months
/// from its last value) and a value re-sent by a later source in 2021 (the source's overrides).
@Suite struct WindowedReadTests {
    /// 新塘村, a village whose values stop after 2020-06.
    static let silent = "330199004204"

    /// The demo's files in `dir` — counts.csv as UTF-8 without 新塘村's rows after 2020-06,
    /// extra.csv likewise — a third source `fix` re-sending 东门村's documents of 2021-03, and
    /// the pipeline with `formats`, on `state`.
    static func demo(in dir: TempDir, state: String, formats: String, out: String) throws -> URL {
        let counts = try runProcessBytes(
            URL(fileURLWithPath: "/usr/bin/iconv"), ["-f", "GB18030", "-t", "UTF-8", Jianfu.demoFixtures.appendingPathComponent("counts.csv").path])
        try #require(counts.status == 0)
        func keep(_ line: String, period: (String) -> (year: Int, month: Int)?) -> Bool {
            guard line.hasPrefix(silent + ","), let p = period(line) else { return true }
            return p.year * 12 + p.month <= 2020 * 12 + 6
        }
        // counts.csv: `code,name,2020年7月,…`; extra.csv: `code,2020-07,metric,value`.
        // Lines end in CRLF, one Character in Swift: written back with LF.
        let allCounts = String(decoding: counts.stdout, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        let countLines = allCounts.filter { line in
            keep(line) { line in
                let field = line.split(separator: ",", omittingEmptySubsequences: false)[2]
                let parts = field.split(whereSeparator: { $0 == "年" || $0 == "月" })
                return parts.count == 2 ? (Int(parts[0])!, Int(parts[1])!) : nil
            }
        }
        let extra = try String(contentsOf: Jianfu.demoFixtures.appendingPathComponent("extra.csv"), encoding: .utf8)
        let extraLines = extra.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n").filter { line in
            keep(line) { line in
                let parts = line.split(separator: ",")[1].split(separator: "-")
                return (Int(parts[0])!, Int(parts[1])!)
            }
        }
        #expect(countLines.count < allCounts.count && extraLines.count < extra.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n").count)
        _ = try dir.write("counts.csv", countLines.joined(separator: "\n"))
        _ = try dir.write("extra.csv", extraLines.joined(separator: "\n"))
        _ = try dir.write("fix.csv", "unit_id,period,metric,value\n330199001201,2021-03,documents,99\n")
        var yaml = try String(contentsOf: Jianfu.packageRoot.appendingPathComponent("pipelines/demo.yml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "../fixtures/demo/counts.csv", with: dir.file("counts.csv").path)
        yaml = yaml.replacingOccurrences(of: "../fixtures/demo/extra.csv", with: dir.file("extra.csv").path)
        yaml = yaml.replacingOccurrences(of: "../fixtures/demo/", with: Jianfu.demoFixtures.path + "/")
        yaml = yaml.replacingOccurrences(of: "  - name: units\n", with: "  - name: fix\n    path: \(dir.file("fix.csv").path)\n  - name: units\n")
        yaml = yaml.replacingOccurrences(
            of: "dir: ../reports/demo, formats: [csv, json, prom, html, bulletin, xlsx]", with: "dir: \(dir.file(out).path), formats: \(formats), series: false")
        yaml += "\nstate: \(state)\n"
        return try dir.write("\(out).yml", yaml)
    }

    /// summary.json without what names the run (its id, times, store, pipeline file, when the
    /// bulletin was issued) and what only a store knows of the sources (their fingerprints,
    /// whether they were read again).
    static func summaryWithoutRun(_ url: URL) throws -> NSDictionary {
        var summary = try readJSON(url)
        summary["run"] = nil
        summary["pipeline"] = nil
        var bulletin = try #require(summary["bulletin"] as? [String: Any])
        bulletin["issued_at_local"] = nil
        summary["bulletin"] = bulletin
        var quality = try #require(summary["data_quality"] as? [String: Any])
        quality["sources"] = try #require(quality["sources"] as? [[String: Any]]).map { source in
            source.filter { $0.key != "fingerprint" && $0.key != "reread" }
        }
        summary["data_quality"] = quality
        return summary as NSDictionary
    }

    /// Runs the demo on `state` (twice: the import night, then a night with nothing new) and
    /// with `state: none`, without HTML, and compares.
    func compare(state: String, environment: [String: String]) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let formats = "[csv, json, prom, bulletin]"
        let whole = try Self.demo(in: dir, state: "none", formats: formats, out: "whole")
        let stored = try Self.demo(in: dir, state: state, formats: formats, out: "stored")
        let reference = try runProcess(Jianfu.executable, ["run", whole.path], environment: environment)
        try #require(reference.status == 0, "\(reference)")

        // By hand: 新塘村's last value is of 2020-06; the window ends 2024-12: 4 × 12 + 6 = 54
        // months silent (stale_after: 2). `fix` takes 东门村's documents of 2021-03 over: 1.
        let stale = try csvRows(dir.file("whole/alerts.csv")).filter { $0.first == Self.silent && $0.contains("stale") }
        try #require(stale.count == 1, "\(stale)")
        #expect(stale[0].contains("54"), "\(stale[0])")
        let sources = try #require((try readJSON(dir.file("whole/summary.json"))["data_quality"] as? [String: Any])?["sources"] as? [[String: Any]])
        #expect(sources.first { $0["name"] as? String == "fix" }?["overrides"] as? Int == 1, "\(sources)")

        for night in ["import", "same"] {
            let result = try runProcess(Jianfu.executable, ["run", stored.path], environment: environment)
            try #require(result.status == 0, "\(night): \(result)")
            #expect(result.stderr.contains("(the periods the indicators read)"), "\(night): \(result)")
            for table in ["indicators.csv", "scores.csv", "alerts.csv", "rejected.csv", "corrections.csv"] {
                #expect(try bytes(dir.file("stored/\(table)")) == bytes(dir.file("whole/\(table)")), "\(table), \(night) night")
            }
            #expect(try Self.summaryWithoutRun(dir.file("stored/summary.json")) == Self.summaryWithoutRun(dir.file("whole/summary.json")), "\(night) night")
        }

        // --as-of ends the windows in 2023: the periods read move with them.
        for (pipeline, out) in [(whole, "whole"), (stored, "stored")] {
            let result = try runProcess(Jianfu.executable, ["run", pipeline.path, "--as-of", "2023-06"], environment: environment)
            try #require(result.status == 0, "\(out) --as-of: \(result)")
        }
        for table in ["indicators.csv", "scores.csv", "alerts.csv"] {
            #expect(try bytes(dir.file("stored/\(table)")) == bytes(dir.file("whole/\(table)")), "\(table), --as-of 2023-06")
        }
        // 新塘村, as of 2023-06: 2023-06 - 2020-06 = 36 months silent.
        let staleAsOf = try csvRows(dir.file("stored/alerts.csv")).filter { $0.first == Self.silent && $0.contains("stale") }
        #expect(staleAsOf.count == 1 && staleAsOf[0].contains("36"), "\(staleAsOf)")
    }

    @Test func aNightOnSQLiteReadsOnlyItsWindowsAndWritesWhatAWholeReadWrites() throws {
        try compare(state: "state.sqlite", environment: [:])
    }

    @Test func aNightOnPostgreSQLReadsOnlyItsWindowsAndWritesWhatAWholeReadWrites() throws {
        let server = try PostgresServer.shared()
        let database = try server.createDatabase()
        try compare(state: server.url(database), environment: ["PGPASSWORD": server.password])
    }
}
