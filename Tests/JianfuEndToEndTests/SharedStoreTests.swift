import Foundation
import JianfuTestSupport
import Testing

/// A store shared by several pipelines (issue 14.4, SPEC §8): the demo county split into two
/// county pipelines, each with its own sources and units file, and a county-wide pipeline whose
/// only source is the whole units file, all on one store — one SQLite file, or one PostgreSQL
/// database. The county-wide `indicators.csv` and `scores.csv` are those of the single demo
/// pipeline byte for byte, and the two county pipelines write at the same time.
@Suite struct SharedStoreTests {
    /// East: the county itself, its departments (3301999…) and 城关镇 (330199001…); west: every
    /// other township.
    static func isEast(_ code: Substring) -> Bool {
        code == "330199000000" || code.hasPrefix("3301999") || code.hasPrefix("330199001")
    }

    /// The lines of a demo file whose unit (first field) is east's or west's, with its first
    /// line (the header) — bytes as they are (GB18030, CRLF, BOM).
    static func half(_ file: String, east: Bool, keepRoot: Bool = false) throws -> Data {
        let data = try Data(contentsOf: Jianfu.demoFixtures.appendingPathComponent(file))
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var out = Data(lines[0])
        for line in lines.dropFirst() where !line.isEmpty {
            let code = Substring(decoding: line.prefix { $0 != UInt8(ascii: ",") }, as: UTF8.self)
            if isEast(code) == east || (keepRoot && code == "330199000000") {
                out.append(UInt8(ascii: "\n"))
                out.append(contentsOf: line)
            }
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// The demo pipeline with `sources` (YAML list items) in place of its own, named `name`,
    /// writing to `out`, on `state`.
    static func pipeline(_ name: String, sources: String, state: String, out: URL, maxRejected: String = "0.01") throws -> String {
        var yaml = try String(contentsOf: Jianfu.packageRoot.appendingPathComponent("pipelines/demo.yml"), encoding: .utf8)
        let start = try #require(yaml.range(of: "\nsources:\n"))
        let end = try #require(yaml.range(of: "\n# 指标"))
        yaml.replaceSubrange(start.upperBound..<end.lowerBound, with: sources)
        yaml = yaml.replacingOccurrences(of: "name: 示例县基层减负监测", with: "name: \(name)")
        yaml = yaml.replacingOccurrences(of: "dir: ../reports/demo", with: "dir: \(out.path)")
        yaml = yaml.replacingOccurrences(of: "max_rejected: 0.01", with: "max_rejected: \(maxRejected)")
        return yaml + "\nstate: \(state)\n"
    }

    /// The county's sources as demo.yml reads them, from `folder`.
    static func countySources(_ folder: String) -> String {
        """
          - name: counts
            path: \(folder)/counts.csv
            layout: wide
            encoding: auto
            columns: {unit_id: 单位代码, unit_name: 单位名称, period: 月份, documents: 发文数, meetings: 会议数,
                      inspections: 督查检查考核数, survey: 测评满意度}
          - name: extra
            path: \(folder)/extra.csv
          - name: units
            kind: units
            path: \(folder)/units.csv

        """
    }

    /// Writes the split, runs the single demo (no store) and the three pipelines on `state`,
    /// the two county ones at once; compares. `environment` carries PGPASSWORD.
    func splitDemo(state: String, environment: [String: String]) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        for (side, east) in [("east", true), ("west", false)] {
            _ = try dir.write("\(side)/counts.csv", try Self.half("counts.csv", east: east))
            _ = try dir.write("\(side)/extra.csv", try Self.half("extra.csv", east: east))
            // West's units file declares the county too: its townships' parent.
            _ = try dir.write("\(side)/units.csv", try Self.half("units.csv", east: east, keepRoot: true))
        }
        let single = try dir.write("single.yml", try Self.pipeline(
            "示例县基层减负监测", sources: Self.countySources(Jianfu.demoFixtures.path), state: "none", out: dir.file("single")))
        let east = try dir.write("east.yml", try Self.pipeline(
            "东片", sources: Self.countySources(dir.file("east").path), state: state, out: dir.file("east-out"), maxRejected: "1"))
        // West has no county department: their category's settings would apply to nothing.
        let west = try dir.write("west.yml", try Self.pipeline(
            "西片", sources: Self.countySources(dir.file("west").path), state: state, out: dir.file("west-out"), maxRejected: "1"
        ).replacingOccurrences(of: "\n  county_dept: {caps: {secondments: 2}}", with: ""))
        let county = try dir.write("county.yml", try Self.pipeline(
            "示例县基层减负监测", sources: """
                  - name: units
                    kind: units
                    path: \(Jianfu.demoFixtures.path)/units.csv

                """, state: state, out: dir.file("county")))

        let reference = try runProcess(Jianfu.executable, ["run", single.path], environment: environment)
        try #require(reference.status == 0, "\(reference)")
        // The two county pipelines at once: both succeed.
        let runs = try [east, west].map { try BackgroundRun(["run", $0.path], environment) }
        for run in runs {
            let done = run.wait()
            #expect(done.status == 0, "\(done.stderr)")
        }
        // Each evaluated its own units only: 城关镇 is east's, 东溪乡 west's.
        let eastIndicators = try String(contentsOf: dir.file("east-out/indicators.csv"), encoding: .utf8)
        let westIndicators = try String(contentsOf: dir.file("west-out/indicators.csv"), encoding: .utf8)
        #expect(eastIndicators.contains("330199001000") && !eastIndicators.contains("330199002000"))
        #expect(westIndicators.contains("330199002000") && !westIndicators.contains("330199001000"))

        for night in 1...2 {
            let result = try runProcess(Jianfu.executable, ["run", county.path], environment: environment)
            try #require(result.status == 0, "night \(night): \(result)")
            for table in ["indicators.csv", "scores.csv"] {
                #expect(try bytes(dir.file("county/\(table)")) == bytes(dir.file("single/\(table)")), "\(table), night \(night)")
            }
        }
        // A county-wide pipeline without HTML reads only the periods its windows need, from
        // the other pipelines' sources too: the same tables.
        let tablesOnly = try dir.write("county-tables.yml", try String(contentsOf: county, encoding: .utf8)
            .replacingOccurrences(of: "name: 示例县基层减负监测", with: "name: 全县表格")
            .replacingOccurrences(of: "formats: [csv, json, prom, html, bulletin, xlsx]", with: "formats: [csv, json, prom], series: false")
            .replacingOccurrences(of: "dir: \(dir.file("county").path)", with: "dir: \(dir.file("county-tables").path)"))
        let tables = try runProcess(Jianfu.executable, ["run", tablesOnly.path], environment: environment)
        try #require(tables.status == 0, "\(tables)")
        #expect(tables.stderr.contains("(the periods the indicators read)"), "\(tables)")
        for table in ["indicators.csv", "scores.csv", "alerts.csv"] {
            #expect(try bytes(dir.file("county-tables/\(table)")) == bytes(dir.file("single/\(table)")), "\(table), tables only")
        }
    }

    @Test("the demo split in two county pipelines and a county-wide one on one SQLite file gives the demo's indicators and scores")
    func onOneSQLiteFile() throws {
        try splitDemo(state: "shared.sqlite", environment: [:])
    }

    @Test("the demo split in two county pipelines and a county-wide one on one PostgreSQL database gives the demo's indicators and scores")
    func onOnePostgreSQLDatabase() throws {
        let server = try PostgresServer.shared()
        let database = try server.createDatabase()
        try splitDemo(state: server.url(database), environment: ["PGPASSWORD": server.password])
    }
}
