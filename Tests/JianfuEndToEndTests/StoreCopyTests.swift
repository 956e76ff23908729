import Foundation
import GRDB
import JianfuTestSupport
import Testing

/// `jianfu store copy FROM TO` (issue 14.7): a store's whole history moved into another store,
/// SQLite to SQLite and SQLite to PostgreSQL and back; the pipeline pointed at the copy reads
/// nothing again and reports what it reported, and a copy never goes into a store that holds the
/// pipeline already.
@Suite struct StoreCopyTests {
    static let units = """
        unit_id,name,category,parent_id,responsible
        C,示例县,county,,王
        T1,东溪乡,township,C,李
        T2,南山镇,township,C,赵

        """

    /// Two units, 2018 (baseline) and 2019-01..03; `t1March` is T1's March value.
    static func counts(t1March: Int) -> String {
        """
        unit_id,period,metric,value
        T1,2018-01,documents,10
        T1,2018-02,documents,10
        T2,2018-01,documents,8
        T2,2018-02,documents,8
        T1,2019-01,documents,6
        T1,2019-02,documents,6
        T1,2019-03,documents,\(t1March)
        T2,2019-01,documents,7
        T2,2019-02,documents,7
        T2,2019-03,documents,7

        """
    }

    static func pipeline(state: String) -> String {
        """
        name: 示例县
        sources:
          - {name: units, kind: units, path: units.csv}
          - {name: counts, path: counts.csv}
        metrics:
          documents: {target: 0.3}
        baseline: {from: 2018-01, to: 2018-02}
        evaluation: {months: 3}
        outputs: {dir: out, formats: [csv, json]}
        state: \(state)

        """
    }

    /// Two nights on `a.sqlite` (the second corrects T1's March: 6 → 5) and a drawn list; then
    /// the copy into `target` and a night on it.
    func copyAndRun(target: String, environment: [String: String], dir: TempDir, samples: () throws -> [String]) throws {
        try dir.write("units.csv", Self.units)
        try dir.write("counts.csv", Self.counts(t1March: 6))
        let original = try dir.write("a.yml", Self.pipeline(state: "a.sqlite"))
        try #require(try runProcess(Jianfu.executable, ["run", original.path]).status == 0)
        // The file is rewritten with another size: a changed source, read again.
        try dir.write("counts.csv", Self.counts(t1March: 5) + "\n")
        try #require(try runProcess(Jianfu.executable, ["run", original.path]).status == 0)
        try #require(try runProcess(Jianfu.executable, ["sample", "-p", original.path, "-n", "1", "--seed", "7"]).status == 0)
        let reference = try bytes(dir.file("out/indicators.csv"))

        let copy = try runProcess(Jianfu.executable, ["store", "copy", dir.file("a.sqlite").path, target], environment: environment)
        #expect(copy.status == 0, "\(copy)")
        // 10 values, 2 runs, 2 sources, one correction (T1 2019-03: 6 → 5).
        #expect(copy.stdout == "copied pipeline 示例县: 2 runs, 2 sources, 10 values, 1 corrections kept\n", "\(copy)")

        // The same pipeline on the copy: nothing read again, the same figures, the history kept.
        let moved = try dir.write("b.yml", Self.pipeline(state: target).replacingOccurrences(of: "dir: out", with: "dir: out-b"))
        let night = try runProcess(Jianfu.executable, ["run", moved.path], environment: environment)
        #expect(night.status == 0, "\(night)")
        #expect(night.stderr.contains("source units: unchanged since run 1") && night.stderr.contains("source counts: unchanged since run 2"), "\(night)")
        #expect(try bytes(dir.file("out-b/indicators.csv")) == reference)
        let history = try runProcess(Jianfu.executable, ["history", "-p", moved.path], environment: environment)
        #expect(history.stdout.split(separator: "\n").count == 4, "a header and three runs: \(history)")
        let check = try runProcess(Jianfu.executable, ["store", "check", "-p", moved.path], environment: environment)
        #expect(check.status == 0, "\(check)")
        let counts = check.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        for line in ["runs 3", "sources 2", "values 10", "corrections kept 1"] {
            #expect(counts.contains(line), "\(line) in \(check.stdout)")
        }
        // The drawn list came along: 2019-03 (month ordinal 2019 × 12 + 2 = 24230), seed 7, one unit.
        #expect(try samples() == ["24230 7 1"])

        // Into a store that holds the pipeline: refused, the target unchanged.
        let refused = try runProcess(Jianfu.executable, ["store", "copy", dir.file("a.sqlite").path, target], environment: environment)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("holds runs or sources of the pipeline 示例县 already"), "\(refused)")
        let after = try runProcess(Jianfu.executable, ["history", "-p", moved.path], environment: environment)
        #expect(after.stdout == history.stdout)
    }

    @Test("an SQLite store copied into a new SQLite file")
    func sqliteToSQLite() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try copyAndRun(target: dir.file("b.sqlite").path, environment: [:], dir: dir) {
            try DatabaseQueue(path: dir.file("b.sqlite").path).read { db in
                try String.fetchAll(db, sql: """
                    SELECT s.month || ' ' || s.seed || ' ' || count(u.position) FROM samples s JOIN sample_units u ON u.sample = s.id GROUP BY s.id
                    """)
            }
        }
    }

    @Test("an SQLite store copied into PostgreSQL, and back into a new SQLite file")
    func sqliteToPostgreSQLAndBack() throws {
        let server = try PostgresServer.shared()
        let database = try server.createDatabase()
        let url = server.url(database)
        let environment = ["PGPASSWORD": server.password]
        let dir = try TempDir()
        defer { dir.remove() }
        try copyAndRun(target: url, environment: environment, dir: dir) {
            try server.psql("""
                SELECT s.month || ' ' || s.seed || ' ' || count(u.position) FROM jianfu.samples s
                JOIN jianfu.sample_units u ON u.sample = s.id GROUP BY s.id
                """, database: database).split(separator: "\n").map(String.init)
        }
        let reference = try bytes(dir.file("out/indicators.csv"))
        // Back from the server (now three runs) into a new file.
        let back = try runProcess(Jianfu.executable, ["store", "copy", url, dir.file("c.sqlite").path], environment: environment)
        #expect(back.status == 0, "\(back)")
        #expect(back.stdout == "copied pipeline 示例县: 3 runs, 2 sources, 10 values, 1 corrections kept\n", "\(back)")
        let returned = try dir.write("c.yml", Self.pipeline(state: "c.sqlite").replacingOccurrences(of: "dir: out", with: "dir: out-c"))
        let night = try runProcess(Jianfu.executable, ["run", returned.path])
        #expect(night.status == 0, "\(night)")
        #expect(night.stderr.contains("source counts: unchanged since run 2"), "\(night)")
        #expect(try bytes(dir.file("out-c/indicators.csv")) == reference)
        let corrections = try DatabaseQueue(path: dir.file("c.sqlite").path).read { db in
            try String.fetchAll(db, sql: "SELECT value || ' ' || new_value || ' ' || run || ' ' || replaced_by_run FROM observation_history")
        }
        #expect(corrections == ["6.0 5.0 1 2"])
    }

    @Test("nothing to copy, the same store twice, a URL with a password: exit 2 in words")
    func badArguments() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let none = try runProcess(Jianfu.executable, ["store", "copy", dir.file("none.sqlite").path, dir.file("b.sqlite").path])
        #expect(none.status == 2 && none.stderr.contains("holds no pipeline's runs"), "\(none)")
        #expect(!dir.exists("b.sqlite"))
        let same = try runProcess(Jianfu.executable, ["store", "copy", dir.file("a.sqlite").path, dir.file("a.sqlite").path])
        #expect(same.status == 2 && same.stderr.contains("is both FROM and TO"), "\(same)")
        let secret = try runProcess(Jianfu.executable, ["store", "copy", dir.file("a.sqlite").path, "postgresql://u:hunter2@localhost/db"])
        #expect(secret.status == 2 && !secret.stderr.contains("hunter2"), "\(secret)")
    }
}
