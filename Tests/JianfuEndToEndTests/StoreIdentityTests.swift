import Foundation
import GRDB
import JianfuTestSupport
import Testing

/// The state store's identity and its guards (issue 11, items 2–4): unit ids compared byte for
/// byte in memory and in the store, the store marked with its `application_id` and a foreign
/// file left alone, the lock file never clobbered, and a granularity change that would drop
/// stored values refused unless `--drop-stored` says so.
@Suite struct StoreIdentityTests {
    /// `café` precomposed (U+00E9) and decomposed (`e` + U+0301): canonically equivalent, so
    /// Swift's `String ==` calls them equal; their bytes differ.
    static let nfc = "caf\u{E9}"
    static let nfd = "cafe\u{301}"
    /// 豈 as the CJK compatibility ideograph U+F900 and as U+8C48, its canonical decomposition.
    static let compatibility = "\u{F900}"
    static let unified = "\u{8C48}"

    static func pipeline(state: String, granularity: String = "month") -> String {
        """
        name: 试点
        sources:
          - {name: counts, path: counts.csv}
        metrics:
          documents: {target: 0.3, granularity: \(granularity)}
        baseline: {from: 2018-01, to: 2018-12}
        evaluation: {months: 1}
        outputs: {dir: out, formats: [csv, json]}
        state: \(state)

        """
    }

    /// A fresh folder holding `counts` as counts.csv and the pipeline storing in `state` as
    /// p.yml, both in `folder` (`p/` for a store outside the pipeline's folder), the pipeline run
    /// once, with success, unless `run` is false. The caller removes the folder.
    static func setUp(state: String = ".jianfu/p.sqlite", counts: String = counts, folder: String = "", run: Bool = true)
        throws -> (dir: TempDir, pipeline: URL)
    {
        let dir = try TempDir()
        do {
            try dir.write(folder + "counts.csv", counts)
            let pipeline = try dir.write(folder + "p.yml", Self.pipeline(state: state))
            if run {
                let first = try Jianfu.run(["run", pipeline.path])
                try #require(first.status == 0, "\(first)")
            }
            return (dir, pipeline)
        } catch {
            dir.remove()
            throw error
        }
    }

    @Test("two pipelines on one SQLite file keep their own run log, sources and lock; neither evaluates the other's units")
    func anSQLiteStoreSharedByTwoPipelines() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        // The other pipeline's source has the same name, counts, and another unit.
        try dir.write("q/counts.csv", Self.counts.replacingOccurrences(of: "U1", with: "U2").replacingOccurrences(of: ",5\n", with: ",7\n"))
        let first = try dir.write("p.yml", Self.pipeline(state: "shared.sqlite"))
        let second = try dir.write("q/q.yml", Self.pipeline(state: "../shared.sqlite")
            .replacingOccurrences(of: "name: 试点", with: "name: 邻县"))
        for pipeline in [first, second, first] {
            let result = try Jianfu.run(["run", pipeline.path])
            #expect(result.status == 0, "\(result)")
        }
        let store = dir.file("shared.sqlite").path
        let runs = try DatabaseQueue(path: store).read {
            try String.fetchAll($0, sql: "SELECT pipeline || ' ' || count(*) FROM runs GROUP BY pipeline ORDER BY pipeline")
        }
        #expect(runs == ["试点 2", "邻县 1"])
        let sources = try DatabaseQueue(path: store).read {
            try String.fetchAll($0, sql: "SELECT pipeline || ' ' || name || ' ' || location FROM sources ORDER BY pipeline")
        }
        #expect(sources == ["试点 counts \(dir.file("counts.csv").path)", "邻县 counts \(dir.file("q/counts.csv").path)"])
        // Each pipeline file has its own lock beside the store (neither is named after the store).
        #expect(dir.exists("shared.p.lock") && dir.exists("shared.q.lock") && !dir.exists("shared.lock"))
        // U1: 10 → 5 is a 50 % reduction; U2: 10 → 7, 30 %. Neither pipeline declares units,
        // so each evaluates only what its own source gave.
        let mine = try String(contentsOf: dir.file("out/indicators.csv"), encoding: .utf8)
        let theirs = try String(contentsOf: dir.file("q/out/indicators.csv"), encoding: .utf8)
        #expect(mine.contains("U1") && !mine.contains("U2"), "\(mine)")
        #expect(theirs.contains("U2") && !theirs.contains("U1"), "\(theirs)")
        #expect(mine.contains(",0.5,") && theirs.contains(",0.3,"), "\(mine)\n\(theirs)")
        // The second night of 试点 read nothing again: its source is its own, unchanged.
        let history = try Jianfu.run(["history", "-p", second.path])
        #expect(history.status == 0 && history.stdout.split(separator: "\n").count >= 2, "\(history)")
    }

    @Test("jianfu store check counts what the store holds, and a damaged slab is a problem (exit 1)")
    func storeCheckFindsADamagedSlab() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        let whole = try Jianfu.run(["store", "check", "-p", pipeline.path])
        #expect(whole.status == 0, "\(whole)")
        // counts.csv: U1 in 2018-01 and 2019-01 — two values, a slab each.
        let lines = whole.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        for line in ["runs 1", "sources 1", "units 1", "slabs 2", "values 2", "corrections kept 0", "ok: no problem found"] {
            #expect(lines.contains(line), "\(line) in \(whole.stdout)")
        }
        try DatabaseQueue(path: dir.file(".jianfu/p.sqlite").path).write { db in
            try db.execute(sql: "UPDATE observation_slabs SET lines = x'00' WHERE period = 24216")
        }
        let damaged = try Jianfu.run(["store", "check", "-p", pipeline.path])
        #expect(damaged.status == 1, "\(damaged)")
        #expect(damaged.stdout.contains("period 24216): its arrays differ in length (units 4, vals 8, lines 1, runs 4 bytes)"), "\(damaged)")
    }

    /// The series.csv rows as (unit id's UTF-8 bytes, period, value): bytes, so that the test
    /// itself never merges two spellings.
    static func series(_ dir: TempDir) throws -> [[String]] {
        try csvRows(dir.file("out/series.csv")).dropFirst().map { [Array($0[0].utf8).map { String($0, radix: 16) }.joined(separator: " "), $0[2], $0[3]] }
    }

    static func hex(_ id: String) -> String { Array(id.utf8).map { String($0, radix: 16) }.joined(separator: " ") }

    // MARK: Item 2: unit ids, one comparison everywhere

    @Test("two spellings of café are two units, with and without the store, night after night")
    func idsThatDifferOnlyByNormalisationAreTwoUnitsEverywhere() throws {
        let (dir, stored) = try Self.setUp(counts: """
            unit_id,period,metric,value
            \(Self.nfc),2018-01,documents,10
            \(Self.nfc),2019-01,documents,5
            \(Self.nfd),2018-01,documents,20
            \(Self.nfd),2019-01,documents,10

            """, run: false)
        defer { dir.remove() }
        let stateless = try dir.write("none.yml", Self.pipeline(state: "none"))

        let none = try Jianfu.run(["run", stateless.path])
        try #require(none.status == 0, "\(none)")
        let expected = [
            [Self.hex(Self.nfc), "2018-01", "10"], [Self.hex(Self.nfc), "2019-01", "5"],
            [Self.hex(Self.nfd), "2018-01", "20"], [Self.hex(Self.nfd), "2019-01", "10"],
        ]
        #expect(try Self.series(dir) == expected)
        let withoutStore = try bytes(dir.file("out/series.csv"))

        let first = try Jianfu.run(["run", stored.path])
        #expect(first.status == 0, "\(first)")
        #expect(!first.stderr.contains("UNIQUE"), "\(first)")
        #expect(try bytes(dir.file("out/series.csv")) == withoutStore, "the store gives what the files give")
        // A second run reads the table back from the store alone.
        let again = try Jianfu.run(["run", stored.path])
        #expect(again.status == 0, "\(again)")
        #expect(try bytes(dir.file("out/series.csv")) == withoutStore)
        let codes = try DatabaseQueue(path: dir.file(".jianfu/p.sqlite").path).read { db in
            try String.fetchAll(db, sql: "SELECT code FROM units ORDER BY id")
        }
        #expect(codes.map(Self.hex) == [Self.hex(Self.nfc), Self.hex(Self.nfd)])
    }

    @Test("豈 U+8C48 arriving on a later night is a new unit, not a correction of 豈 U+F900")
    func aSecondSpellingOnALaterNightIsNotACorrection() throws {
        let (dir, pipeline) = try Self.setUp(counts: """
            unit_id,period,metric,value
            \(Self.compatibility),2018-01,documents,10
            \(Self.compatibility),2019-01,documents,5

            """)
        defer { dir.remove() }

        try dir.write("counts.csv", """
            unit_id,period,metric,value
            \(Self.unified),2019-01,documents,7

            """)
        let second = try Jianfu.run(["run", pipeline.path])
        try #require(second.status == 0, "\(second)")
        #expect(second.stderr.contains("1 new values, 0 corrections"), "\(second)")
        #expect(try Self.series(dir) == [
            [Self.hex(Self.compatibility), "2018-01", "10"], [Self.hex(Self.compatibility), "2019-01", "5"],
            [Self.hex(Self.unified), "2019-01", "7"],
        ])
        let history = try DatabaseQueue(path: dir.file(".jianfu/p.sqlite").path).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM observation_history")
        }
        #expect(history == 0)
    }

    // MARK: Item 3: the store file and its lock file

    static let counts = """
        unit_id,period,metric,value
        U1,2018-01,documents,10
        U1,2019-01,documents,5

        """

    @Test func aLockFileJianfuDidNotWriteIsNeitherTruncatedNorUsed() throws {
        let (dir, pipeline) = try Self.setUp(state: "../notes.db", folder: "p/", run: false)
        defer { dir.remove() }
        let notes = "buy milk\ncall the county office\n"
        // The run lock of p.yml on the store notes.db is notes.p.lock.
        try dir.write("notes.p.lock", notes)

        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("notes.p.lock"), "\(result)")
        #expect(result.stderr.contains("not a jianfu lock file"), "\(result)")
        #expect(try String(contentsOf: dir.file("notes.p.lock"), encoding: .utf8) == notes)
        #expect(!dir.exists("p/out"))
    }

    @Test func aStoreNamedLikeItsLockFileIsRefused() throws {
        let (dir, pipeline) = try Self.setUp(state: "../s.lock", folder: "p/", run: false)
        defer { dir.remove() }

        for _ in 0..<2 {
            let result = try Jianfu.run(["run", pipeline.path])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("p.yml:9: key 'state'"), "\(result)")
            #expect(result.stderr.contains(".lock"), "\(result)")
        }
        #expect(!dir.exists("s.lock"))
    }

    @Test func aLockFileThatIsTheStoreItselfIsRefused() throws {
        let (dir, pipeline) = try Self.setUp(state: "s.sqlite")
        defer { dir.remove() }
        // The lock file's name (p.yml's lock on s.sqlite) made to lead to the store.
        try FileManager.default.removeItem(at: dir.file("s.p.lock"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("s.p.lock").path, withDestinationPath: "s.sqlite")
        let before = try bytes(dir.file("s.sqlite"))

        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("is the store itself"), "\(result)")
        #expect(try bytes(dir.file("s.sqlite")) == before)
    }

    @Test func anotherApplicationsDatabaseIsLeftAsItWas() throws {
        let (dir, pipeline) = try Self.setUp(state: "../other.db", folder: "p/", run: false)
        defer { dir.remove() }
        let other = dir.file("other.db").path
        try DatabaseQueue(path: other).write { db in
            try db.execute(sql: "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('张三')")
        }
        let before = try bytes(dir.file("other.db"))

        for command in [["run", pipeline.path], ["history", "-p", pipeline.path]] {
            let result = try Jianfu.run(command)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("is not a jianfu state store"), "\(result)")
        }
        #expect(try bytes(dir.file("other.db")) == before)
        #expect(!dir.exists("other.p.lock") && !dir.exists("other.db-wal"))

        // Another application's id, with no table at all, is refused too.
        let marked = dir.file("marked.db").path
        try DatabaseQueue(path: marked).write { db in try db.execute(sql: "PRAGMA application_id = 42") }
        try dir.write("p/p.yml", Self.pipeline(state: "../marked.db"))
        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 1 && result.stderr.contains("application_id 42"), "\(result)")
    }

    @Test("a store is marked with application_id 0x4A465354, and one written before the mark is recognised and marked")
    func storesAreMarkedAndOldStoresAreRecognised() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        let store = dir.file(".jianfu/p.sqlite").path
        // "JFST" in ASCII: 0x4A 0x46 0x53 0x54.
        let mark = 0x4A << 24 | 0x46 << 16 | 0x53 << 8 | 0x54
        #expect(try DatabaseQueue(path: store).read { try Int.fetchOne($0, sql: "PRAGMA application_id") } == mark)

        // The store as the previous version left it: its tables, no mark.
        try DatabaseQueue(path: store).write { try $0.execute(sql: "PRAGMA application_id = 0") }
        let history = try Jianfu.run(["history", "-p", pipeline.path])
        #expect(history.status == 0, "\(history)")
        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 0, "\(result)")
        #expect(try DatabaseQueue(path: store).read { try Int.fetchOne($0, sql: "PRAGMA application_id") } == mark)
    }

    // MARK: Item 4: a granularity change drops stored values only when told

    @Test func aGranularityChangeIsRefusedUnlessDropStoredNamesTheMetric() throws {
        let (dir, pipeline) = try Self.setUp()
        defer { dir.remove() }
        let report = try bytes(dir.file("out/series.csv"))
        let store = dir.file(".jianfu/p.sqlite").path
        func stored() throws -> [String] {
            try DatabaseQueue(path: store).read { db in
                // One value per slab here; `vals` holds it as a little-endian Float64.
                try Row.fetchAll(db, sql: "SELECT m.granularity, o.period, o.vals FROM observation_slabs o JOIN metrics m ON m.id = o.metric ORDER BY o.period")
                    .map { row in
                        let vals: Data = row[2]
                        let value = vals.count == 8 ? Double(bitPattern: vals.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }) : .nan
                        return "\(row[0] as String) \(row[1] as Int) \(value)"
                    }
            }
        }
        // 2018-01 = 2018 × 12 + 0 = 24216; 2019-01 = 24228.
        #expect(try stored() == ["month 24216 10.0", "month 24228 5.0"])

        try dir.write("p.yml", Self.pipeline(state: ".jianfu/p.sqlite", granularity: "quarter"))
        try dir.write("counts.csv", """
            unit_id,period,metric,value
            U1,2018Q1,documents,30
            U1,2019Q1,documents,12

            """)
        let refused = try Jianfu.run(["run", pipeline.path])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("metric documents"), "\(refused)")
        #expect(refused.stderr.contains("--drop-stored documents"), "\(refused)")
        #expect(try stored() == ["month 24216 10.0", "month 24228 5.0"], "nothing dropped")
        #expect(try bytes(dir.file("out/series.csv")) == report, "the previous reports stay")

        let unknown = try Jianfu.run(["run", pipeline.path, "--drop-stored", "documnets"])
        #expect(unknown.status == 2 && unknown.stderr.contains("documnets"), "\(unknown)")
        #expect(try stored() == ["month 24216 10.0", "month 24228 5.0"])

        let told = try Jianfu.run(["run", pipeline.path, "--drop-stored", "documents"])
        #expect(told.status == 0, "\(told)")
        #expect(told.stderr.contains("metric documents: its granularity changed from month to quarter"), "\(told)")
        // 2018Q1 = 2018 × 4 + 0 = 8072; 2019Q1 = 8076.
        #expect(try stored() == ["quarter 8072 30.0", "quarter 8076 12.0"])
        let history = try DatabaseQueue(path: store).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM observation_history") }
        #expect(history == 0)

        // Left in the crontab line, the option drops nothing once the granularity stays put.
        let next = try Jianfu.run(["run", pipeline.path, "--drop-stored", "documents"])
        #expect(next.status == 0, "\(next)")
        #expect(try stored() == ["quarter 8072 30.0", "quarter 8076 12.0"])
    }
}
