import Foundation
import GRDB
import JianfuTestSupport
import Testing

/// `jianfu sample` through the binary (SPEC §7 随机调研): the same list from the same figures
/// and seed, the CSV, `--exclude-recent` over lists of successive months kept in the store, and
/// the argument errors.
@Suite struct SampleTests {
    static let header = "unit_id,unit_name,category,parent_id,responsible,composite,alerts,weight,reason"

    /// The CSV list's rows (header first).
    static func list(_ url: URL) throws -> [[String]] { try csvRows(url) }

    // MARK: The demo

    /// On the demo (leaf units: 5 county departments under the county, 4 communities and 16
    /// villages under 4 townships): the same seed gives the same list, byte for byte, from the
    /// store twice and from the sources (`state: none`) — the same figures. Five units: the
    /// first three cover the three leaf categories; the next two cover 上级 groups not yet
    /// covered (5 groups, at most 3 covered by the first three).
    @Test func theSameSeedGivesTheSameListFromTheStoreAndFromTheSources() throws {
        let (dir, pipeline) = try DemoTests.demoPipeline()
        defer { dir.remove() }
        let yaml = try String(contentsOf: pipeline, encoding: .utf8)
        try dir.write("stored.yml", yaml + "\nstate: \(dir.file("demo.sqlite").path)\n")
        try dir.write("stateless.yml", yaml + "\nstate: none\n")
        let run = try Jianfu.run(["run", dir.file("stored.yml").path])
        try #require(run.status == 0, "\(run)")

        var lists: [[UInt8]] = []
        for (file, output) in [("stored.yml", "a.csv"), ("stored.yml", "b.csv"), ("stateless.yml", "c.csv")] {
            let sample = try Jianfu.run(["sample", "-p", dir.file(file).path, "-n", "5", "--seed", "20241231", "--output", dir.file(output).path])
            try #require(sample.status == 0, "\(sample)")
            #expect(sample.stdout.contains("seed 20241231"), "\(sample)")
            #expect(sample.stdout.contains("2024-12"), "\(sample)")
            #expect(sample.stdout.contains("--seed 20241231 --as-of 2024-12"), "the redraw command: \(sample)")
            if file == "stored.yml" {
                #expect(sample.stdout.contains("run 1"), "names the run it drew from: \(sample)")
            } else {
                #expect(sample.stdout.contains("state: none"), "\(sample)")
            }
            lists.append(try bytes(dir.file(output)))
        }
        #expect(lists[0] == lists[1], "same store, same seed")
        #expect(lists[0] == lists[2], "same figures from the sources, same seed")

        let rows = try Self.list(dir.file("a.csv"))
        #expect(Array(lists[0].prefix(3)) == byteOrderMark)
        #expect(rows.first?.joined(separator: ",") == Self.header)
        let units = Array(rows.dropFirst())
        try #require(units.count == 5, "\(rows)")
        #expect(Set(units.prefix(3).map { $0[2] }) == ["county_dept", "community", "village"])
        #expect(units.prefix(3).allSatisfy { $0[8] == "category:" + $0[2] }, "\(units)")
        #expect(units.suffix(2).allSatisfy { $0[8] == "parent:" + $0[3] }, "\(units)")
        #expect(Set(units.map { $0[3] }).count == 5, "five different 上级 groups: \(units)")
        #expect(Set(units.map { $0[0] }).count == 5)
        // The weight column is the formula of the other columns.
        for unit in units {
            let composite = Double(unit[5]) ?? 0
            let raw = 1 + 2 * (100 - composite) / 100 + 0.5 * Double(Int(unit[6])!)
            #expect(abs(Double(unit[7])! - raw) <= 0.0005, "\(unit)")
        }
        // Recorded: one list per draw from the store (two), none for `state: none`.
        let queue = try DatabaseQueue(path: dir.file("demo.sqlite").path)
        let recorded = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM samples")! }
        #expect(recorded == 2)
    }

    @Test func rollupsAreDrawnOnlyWhenAsked() throws {
        let (dir, pipeline) = try DemoTests.demoPipeline()
        defer { dir.remove() }
        try dir.write("p.yml", try String(contentsOf: pipeline, encoding: .utf8) + "\nstate: none\n")
        // The demo's 30 units: the county, 4 townships, 25 leaves.
        let leaves = try Jianfu.run(["sample", "-p", dir.file("p.yml").path, "-n", "40", "--seed", "1", "--output", dir.file("l.csv").path])
        try #require(leaves.status == 0, "\(leaves)")
        let leafRows = try Self.list(dir.file("l.csv")).dropFirst()
        #expect(leafRows.count == 25)
        #expect(!leafRows.contains { ["county", "township"].contains($0[2]) })
        #expect(leaves.stderr.contains("only 25 units are eligible, fewer than the 40 asked"), "\(leaves)")

        let all = try Jianfu.run(["sample", "-p", dir.file("p.yml").path, "-n", "40", "--seed", "1", "--include-rollups", "--output", dir.file("a.csv").path])
        try #require(all.status == 0, "\(all)")
        #expect(try Self.list(dir.file("a.csv")).dropFirst().count == 30)
    }

    // MARK: Successive months

    /// Five villages without parents, documents 2018-01 and 2019-01..04; U5's name looks like a
    /// spreadsheet formula.
    static let units = """
        unit_id,name,category,parent_id,responsible
        U1,一村,village,,甲
        U2,二村,village,,乙
        U3,三村,village,,丙
        U4,四村,village,,丁
        U5,=1+1,village,,戊

        """

    static var counts: String {
        var lines = ["unit_id,period,metric,value"]
        for u in 1...5 {
            lines.append("U\(u),2018-01,documents,10")
            for m in 1...4 { lines.append("U\(u),2019-0\(m),documents,\(u + m)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func pipeline(state: String) -> String {
        """
        name: 抽查
        sources:
          - {name: units, kind: units, path: units.csv}
          - {name: counts, path: counts.csv}
        metrics:
          documents: {target: 0.3}
        baseline: {from: 2018-01, to: 2018-12}
        evaluation: {months: 1}
        outputs: {dir: out, formats: [csv]}
        state: \(state)

        """
    }

    static func setUp(state: String = "s.sqlite") throws -> (TempDir, String) {
        let (dir, pipeline) = try TempDir.withPipeline(pipeline(state: state), files: ["units.csv": units, "counts.csv": counts])
        return (dir, pipeline.path)
    }

    static func sample(_ pipeline: String, _ arguments: [String], output: URL) throws -> (RunResult, [String]) {
        let result = try Jianfu.run(["sample", "-p", pipeline] + arguments + ["--output", output.path])
        guard result.status == 0 else { return (result, []) }
        return (result, try csvRows(output).dropFirst().map { $0[0] })
    }

    /// January's two, then February's two leaving January's out, then March leaving both out:
    /// one unit is left (5 − 4), so the list is that one, with a warning. April leaving out
    /// January to March: none left, exit 2. The lists are kept in the store.
    @Test func excludeRecentLeavesOutTheUnitsOfTheMonthsBefore() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        let run = try Jianfu.run(["run", pipeline])
        try #require(run.status == 0, "\(run)")

        let (january, jan) = try Self.sample(pipeline, ["-n", "2", "--seed", "1", "--as-of", "2019-01"], output: dir.file("jan.csv"))
        try #require(january.status == 0 && jan.count == 2, "\(january)")

        let (february, feb) = try Self.sample(
            pipeline, ["-n", "2", "--seed", "1", "--as-of", "2019-02", "--exclude-recent", "1"], output: dir.file("feb.csv"))
        try #require(february.status == 0 && feb.count == 2, "\(february)")
        #expect(Set(jan).isDisjoint(with: feb), "\(jan) \(feb)")
        #expect(february.stdout.contains("2019-01 已抽到的 2 个单位"), "\(february)")

        let (march, mar) = try Self.sample(
            pipeline, ["-n", "2", "--seed", "1", "--as-of", "2019-03", "--exclude-recent", "2"], output: dir.file("mar.csv"))
        try #require(march.status == 0, "\(march)")
        #expect(mar == Array(Set(["U1", "U2", "U3", "U4", "U5"]).subtracting(jan + feb)), "\(jan) \(feb) \(mar)")
        #expect(march.stderr.contains("only 1 unit is eligible, fewer than the 2 asked"), "\(march)")

        // A redraw of February with the same seed: the same list (January is still what it was).
        let (again, feb2) = try Self.sample(
            pipeline, ["-n", "2", "--seed", "1", "--as-of", "2019-02", "--exclude-recent", "1"], output: dir.file("feb.csv"))
        #expect(again.status == 0 && feb2 == feb, "\(again)")

        let april = try Jianfu.run(["sample", "-p", pipeline, "-n", "2", "--seed", "1", "--as-of", "2019-04", "--exclude-recent", "3"])
        #expect(april.status == 2, "\(april)")
        #expect(april.stderr.contains("all 5 were drawn for 2019-01..2019-03"), "\(april)")

        let queue = try DatabaseQueue(path: dir.file("s.sqlite").path)
        let months = try queue.read { try String.fetchAll($0, sql: "SELECT printf('%d-%d', month / 12, month % 12 + 1) FROM samples ORDER BY id") }
        #expect(months == ["2019-1", "2019-2", "2019-3", "2019-2"])
    }

    // MARK: Arguments

    @Test func aCountBelowOneExits2() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        for n in ["0", "-3"] {
            let result = try Jianfu.run(["sample", "-p", pipeline, "-n=\(n)", "--seed", "1"])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("-n must be at least 1"), "\(result)")
        }
        #expect(!dir.exists("s.sqlite"), "nothing is drawn, nothing recorded")
    }

    @Test func excludeRecentWithoutAStoreExits2SayingWhy() throws {
        let (dir, pipeline) = try Self.setUp(state: "none")
        defer { dir.remove() }
        let result = try Jianfu.run(["sample", "-p", pipeline, "-n", "2", "--seed", "1", "--exclude-recent", "1"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("--exclude-recent needs the lists drawn in earlier months"), "\(result)")
        #expect(result.stderr.contains("state: none"), "\(result)")
    }

    @Test func fewerEligibleThanAskedGivesAllWithAWarning() throws {
        let (dir, pipeline) = try Self.setUp(state: "none")
        defer { dir.remove() }
        let (result, ids) = try Self.sample(pipeline, ["-n", "9", "--seed", "3"], output: dir.file("l.csv"))
        #expect(result.status == 0, "\(result)")
        #expect(ids.sorted() == ["U1", "U2", "U3", "U4", "U5"])
        #expect(result.stderr.contains("only 5 units are eligible, fewer than the 9 asked: the list holds all of them"), "\(result)")
        // The CSV never hands a spreadsheet a formula: the name is guarded with a leading '.
        #expect(try csvRows(dir.file("l.csv")).first { $0[0] == "U5" }?[1] == "'=1+1")
    }

    /// `--output` over a file jianfu did not write is refused (exit 2, the file untouched, no
    /// list recorded), into a missing folder too (exit 1); over a list it wrote, the new list
    /// replaces it.
    @Test func outputNeverOverwritesAFileJianfuDidNotWrite() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        let theirs = try dir.write("notes.csv", "unit_id,备注\nU1,重要\n")
        let refused = try Jianfu.run(["sample", "-p", pipeline, "-n", "2", "--seed", "1", "--output", theirs.path])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("is not a sample list jianfu wrote"), "\(refused)")
        #expect(try String(contentsOf: theirs, encoding: .utf8) == "unit_id,备注\nU1,重要\n")
        #expect(!dir.exists("s.sqlite"), "refused before drawing")

        let nowhere = try Jianfu.run(["sample", "-p", pipeline, "-n", "2", "--seed", "1", "--output", dir.file("no/such/list.csv").path])
        #expect(nowhere.status == 1, "\(nowhere)")
        #expect(nowhere.stderr.contains("does not exist"), "\(nowhere)")
        #expect(!dir.exists("s.sqlite"), "a list that cannot be written is not drawn")

        let first = try Jianfu.run(["sample", "-p", pipeline, "-n", "2", "--seed", "1", "--output", dir.file("list.csv").path])
        try #require(first.status == 0, "\(first)")
        let second = try Jianfu.run(["sample", "-p", pipeline, "-n", "3", "--seed", "2", "--output", dir.file("list.csv").path])
        #expect(second.status == 0, "\(second)")
        #expect(try csvRows(dir.file("list.csv")).count == 4)
    }
}
