import Foundation
import GRDB
import JianfuModel
@testable import JianfuStore
import Testing

/// `SQLiteStore` on its own: values stored per source, corrections with their history, the
/// table built back in pipeline order, the run log and the run lock (SPEC §5, §7, §8).
@Suite struct StoreTests {
    static let documents = Metric(id: "documents")

    /// A fresh store in a fresh folder.
    static func store() throws -> (SQLiteStore, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-store-\(UUID().uuidString)").path
        return (try SQLiteStore(path: folder + "/.jianfu/t.sqlite"), folder)
    }

    /// A read of source `name` holding `values`: (unit, month "YYYY-MM", value).
    static func read(_ name: String, _ values: [(String, String, Double)], index: UInt16 = 0) -> (ObservationTable, SourceRead) {
        var table = ObservationTable(metrics: [documents])
        for (line, (unit, month, value)) in values.enumerated() {
            let u = table.unitIndex(unit)
            _ = table.insert(metric: 0, unit: u, ordinal: Int32(PeriodParser.parse(month)!.ordinal), value: value, source: index, line: line + 2)
        }
        var report = SourceReport(name: name, path: "/data/\(name).csv", kind: .observations)
        report.rowsRead = values.count
        report.observations = values.count
        let read = SourceRead(
            fingerprint: SourceFingerprint(size: Int64(values.count), sha256: "\(values)"), readKey: "k", currentMonth: 0,
            report: report, rejections: [])
        return (table, read)
    }

    static func start(_ store: SQLiteStore) throws -> Int64 {
        try store.beginRun(RunStart(runID: "r", startedAt: "2024-06-01T00:00:00Z", pid: 1, pipelineSHA256: "p", jianfuVersion: "t", asOf: nil))
    }

    /// The values source `source` gave in `table`, as the store takes them (every unit named).
    static func batch(_ table: ObservationTable, _ source: UInt16) -> ObservationBatch {
        let values = table.metrics.indices.map { m in
            var columns = StoredValues()
            table.forEachValue(metric: m, source: source) { u, e in columns.append(period: e.ordinal, unit: Int32(u), value: e.value, line: e.line) }
            return columns
        }
        return ObservationBatch(units: (0..<table.unitCount).map { table.unitID(Int32($0)) }, names: table.observedNames,
                                named: Array(repeating: true, count: table.unitCount), metrics: table.metrics, values: values)
    }

    /// The table of `sources` built back from the store, units in store order, source after
    /// source (the later wins a key); with each source's overrides.
    static func load(_ store: SQLiteStore, _ sources: [String], metrics: [Metric] = [documents]) throws -> (ObservationTable, [Int]) {
        var table = ObservationTable(metrics: metrics)
        let observed = try store.observedUnits(sources: sources)
        var index = [Int32](repeating: -1, count: Int(observed.map(\.storeID).max() ?? 0) + 1)
        for unit in observed { index[Int(unit.storeID)] = table.unitIndex(unit.id) }
        var overrides: [Int] = []
        for (s, source) in sources.enumerated() {
            var taken = 0
            for (m, metric) in metrics.enumerated() {
                let stored = try store.values(source: source, metric: metric, units: nil)
                for n in 0..<stored.count {
                    let outcome = table.insert(metric: m, unit: index[Int(stored.units[n])], ordinal: stored.periods[n], value: stored.values[n],
                                               source: UInt16(s), line: Int(stored.lines[n]))
                    if case .overrode = outcome { taken += 1 }
                }
            }
            overrides.append(taken)
        }
        return (table, overrides)
    }

    static let threeMetrics = [Metric(id: "documents"), Metric(id: "meetings"), Metric(id: "inspections")]

    /// A read of source `name` holding `values`: (unit, metric index, month "YYYY-MM", value).
    static func read(_ name: String, _ values: [(String, Int, String, Double)], metrics: [Metric], index: UInt16) -> (ObservationTable, SourceRead) {
        var table = ObservationTable(metrics: metrics)
        for (line, (unit, m, month, value)) in values.enumerated() {
            _ = table.insert(metric: m, unit: table.unitIndex(unit), ordinal: Int32(PeriodParser.parse(month)!.ordinal),
                             value: value, source: index, line: line + 2)
        }
        var report = SourceReport(name: name, path: "/data/\(name).csv", kind: .observations)
        report.rowsRead = values.count
        return (table, SourceRead(fingerprint: SourceFingerprint(size: Int64(values.count), sha256: "\(values)"), readKey: "k",
                                  currentMonth: 0, report: report, rejections: []))
    }

    /// `unit`'s values as (month, value, source index).
    static func values(_ table: ObservationTable, _ unit: String) -> [(String, Double, UInt16)] {
        guard let u = (0..<table.unitCount).first(where: { table.unitID(Int32($0)) == unit }) else { return [] }
        return table.entries(metric: 0, unit: u).map { (Period(.month, ordinal: Int($0.ordinal)).description, $0.value, $0.source) }
    }

    @Test func aResentMonthReplacesTheValueAndKeepsTheOldOneInTheHistory() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try Self.start(store)
        try store.beginChanges()
        let (t1, r1) = Self.read("counts", [("U1", "2024-01", 10), ("U1", "2024-02", 8), ("U2", "2024-01", 5)])
        #expect(try store.recordObservations(Self.batch(t1, 0), read: r1, run: first) == MergeCount(added: 3, corrections: 0))
        try store.commitChanges()

        // The next night's file re-sends 2024-02 with 7 (a correction), 2024-01 unchanged, and
        // adds 2024-03; U2 is not in it at all.
        let second = try Self.start(store)
        try store.beginChanges()
        let (t2, r2) = Self.read("counts", [("U1", "2024-01", 10), ("U1", "2024-02", 7), ("U1", "2024-03", 6)])
        #expect(try store.recordObservations(Self.batch(t2, 0), read: r2, run: second) == MergeCount(added: 1, corrections: 1))
        try store.commitChanges()

        let (table, _) = try Self.load(store, ["counts"])
        #expect(Self.values(table, "U1").map { "\($0.0)=\($0.1)" } == ["2024-01=10.0", "2024-02=7.0", "2024-03=6.0"])
        #expect(Self.values(table, "U2").map { "\($0.0)=\($0.1)" } == ["2024-01=5.0"], "a month the new file leaves out stays")
        let history = try store.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT period, value, run, replaced_by_run, new_value FROM observation_history")
        }
        // 2024-02 = 2024 * 12 + 1 = 24289
        #expect(history.map { "\($0["period"] as Int) \($0["value"] as Double) \($0["run"] as Int64) \($0["replaced_by_run"] as Int64) \($0["new_value"] as Double)" }
                == ["24289 8.0 \(first) \(second) 7.0"])
    }

    /// A new store is made with 64 KiB pages (a slab is 8 overflow pages, not 120); a store
    /// made with SQLite's default 4 KiB pages keeps them, and its values read back the same.
    @Test func aNewStoreHas64KiBPagesAndAnOlderOneKeepsItsOwn() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 65536)

        let old = folder + "/old.sqlite"
        try DatabaseQueue(path: old).writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        #expect(try DatabaseQueue(path: old).read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 4096)
        let kept = try SQLiteStore(path: old)
        #expect(try kept.queue.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 4096)
        let run = try Self.start(kept)
        try kept.beginChanges()
        let (t, r) = Self.read("counts", [("U1", "2024-01", 10), ("U1", "2024-02", 8)])
        #expect(try kept.recordObservations(Self.batch(t, 0), read: r, run: run) == MergeCount(added: 2, corrections: 0))
        try kept.commitChanges()
        let (table, _) = try Self.load(kept, ["counts"])
        #expect(Self.values(table, "U1").map { "\($0.0)=\($0.1)" } == ["2024-01=10.0", "2024-02=8.0"])
        #expect(try kept.queue.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 4096)
    }

    @Test func theTableIsBuiltSourceAfterSourceAndTheLaterSourceWins() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try Self.start(store)
        try store.beginChanges()
        let (a, ra) = Self.read("a", [("U1", "2024-01", 10), ("U2", "2024-01", 5)], index: 0)
        let (b, rb) = Self.read("b", [("U2", "2024-01", 6), ("U3", "2024-01", 1)], index: 1)
        _ = try store.recordObservations(Self.batch(a, 0), read: ra, run: run)
        _ = try store.recordObservations(Self.batch(b, 1), read: rb, run: run)
        try store.commitChanges()

        let (table, overrides) = try Self.load(store, ["a", "b"])
        #expect((0..<table.unitCount).map { table.unitID(Int32($0)) } == ["U1", "U2", "U3"], "units in the order they reached the store")
        #expect(Self.values(table, "U2").map { "\($0.1) from \($0.2)" } == ["6.0 from 1"], "b comes after a: b's value wins")
        #expect(overrides == [0, 1], "b took U2 2024-01 over from a")
    }

    @Test("several metrics load the same on one connection and on two (overrides in both halves)")
    func severalMetricsLoadTheSameEitherWay() throws {
        // Metrics 0 and 2 are read on the run's connection, metric 1 on a second one when
        // nothing was written since the run's transaction began.
        let metrics = Self.threeMetrics
        func read(_ name: String, _ values: [(String, Int, String, Double)], index: UInt16) -> (ObservationTable, SourceRead) {
            Self.read(name, values, metrics: metrics, index: index)
        }
        func load(_ store: SQLiteStore) throws -> (values: [String], overrides: [Int]) {
            let (table, overrides) = try Self.load(store, ["a", "b"], metrics: metrics)
            var values: [String] = []
            for u in 0..<table.unitCount {
                for m in metrics.indices {
                    for e in table.entries(metric: m, unit: u) {
                        values.append("\(table.unitID(Int32(u))) \(metrics[m].id) \(Period(.month, ordinal: Int(e.ordinal))) \(e.value) src \(e.source) line \(e.line)")
                    }
                }
            }
            return (values, overrides)
        }
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try Self.start(store)
        try store.beginChanges()
        let (a, ra) = read("a", [("U1", 0, "2024-01", 10), ("U1", 1, "2024-01", 3), ("U2", 2, "2024-02", 4), ("U2", 1, "2024-02", 9)], index: 0)
        let (b, rb) = read("b", [("U1", 1, "2024-01", 5), ("U2", 2, "2024-02", 6), ("U3", 0, "2024-01", 1)], index: 1)
        _ = try store.recordObservations(Self.batch(a, 0), read: ra, run: run)
        _ = try store.recordObservations(Self.batch(b, 1), read: rb, run: run)
        let expected = [
            "U1 documents 2024-01 10.0 src 0 line 2",
            "U1 meetings 2024-01 5.0 src 1 line 2",      // b overrides a (meetings: the second connection's half)
            "U2 meetings 2024-02 9.0 src 0 line 5",
            "U2 inspections 2024-02 6.0 src 1 line 3",   // b overrides a (inspections: this connection's half)
            "U3 documents 2024-01 1.0 src 1 line 4",
        ]
        // Written in this transaction: one connection (a second would not see the values).
        let written = try load(store)
        #expect(written.values == expected)
        #expect(written.overrides == [0, 2])
        try store.commitChanges()
        // A new run's transaction with nothing written yet, and no transaction at all: two connections.
        _ = try Self.start(store)
        try store.beginChanges()
        let unchanged = try load(store)
        try store.commitChanges()
        let outside = try load(store)
        #expect(unchanged.values == expected)
        #expect(unchanged.overrides == [0, 2])
        #expect(outside.values == expected)
        #expect(outside.overrides == [0, 2])
    }

    @Test("a re-read source with corrections and new values in several metrics")
    func correctionsInSeveralMetrics() throws {
        // The stored values of each metric are read on a second connection, ahead of the merge.
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let metrics = Self.threeMetrics
        let first = try Self.start(store)
        try store.beginChanges()
        let (t1, r1) = Self.read("s", [("U1", 0, "2024-01", 10), ("U1", 1, "2024-01", 3), ("U2", 2, "2024-01", 4), ("U2", 2, "2024-02", 5)],
                                 metrics: metrics, index: 0)
        #expect(try store.recordObservations(Self.batch(t1, 0), read: r1, run: first) == MergeCount(added: 4, corrections: 0))
        try store.commitChanges()

        // documents of U1 and inspections of U2 2024-02 re-sent with new values, meetings
        // unchanged, a new meetings month; nothing else.
        let second = try Self.start(store)
        try store.beginChanges()
        let (t2, r2) = Self.read("s", [("U1", 0, "2024-01", 11), ("U1", 1, "2024-01", 3), ("U1", 1, "2024-02", 2),
                                       ("U2", 2, "2024-01", 4), ("U2", 2, "2024-02", 7)], metrics: metrics, index: 0)
        #expect(try store.recordObservations(Self.batch(t2, 0), read: r2, run: second) == MergeCount(added: 1, corrections: 2))
        try store.commitChanges()

        let history = try store.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT m.name, h.period, h.value, h.new_value FROM observation_history h JOIN metrics m ON m.id = h.metric ORDER BY m.name")
        }
        // 2024-01 = 24288, 2024-02 = 24289
        #expect(history.map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Double)→\($0[3] as Double)" }
                == ["documents 24288 10.0→11.0", "inspections 24289 5.0→7.0"])
        // And a third read identical to the second changes nothing.
        let third = try Self.start(store)
        try store.beginChanges()
        #expect(try store.recordObservations(Self.batch(t2, 0), read: r2, run: third) == MergeCount(added: 0, corrections: 0))
        try store.commitChanges()
    }

    @Test("a metric whose granularity changed is merged against no stored values, not the old rows")
    func droppedMetricIsMergedAgainstNothing() throws {
        // A stored slab that happens to have the new key and value (planted here with SQL: a
        // copy of 2024-01's slab under the ordinal of 2024Q1, with the monthly metric) is
        // dropped with the metric's values, and must not make the new value look stored.
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try Self.start(store)
        try store.beginChanges()
        let (t1, r1) = Self.read("counts", [("U1", "2024-01", 10)])
        _ = try store.recordObservations(Self.batch(t1, 0), read: r1, run: first)
        try store.commitChanges()
        let q1: Int32 = 2024 * 4  // 2024Q1
        try store.queue.write { db in
            try db.execute(sql: """
                INSERT INTO observation_slabs (source, metric, period, units, vals, lines, runs)
                SELECT source, metric, ?, units, vals, lines, runs FROM observation_slabs LIMIT 1
                """, arguments: [q1])
        }

        let second = try Self.start(store)
        try store.beginChanges()
        let quarterly = Metric(id: "documents", granularity: .quarter)
        #expect(throws: StoreError.self, "not told to drop them") { try store.syncMetrics([quarterly], dropping: []) }
        #expect(try store.syncMetrics([quarterly], dropping: ["documents"]) == [GranularityChange(metric: "documents", stored: "month", now: "quarter")])
        var table = ObservationTable(metrics: [quarterly])
        _ = table.insert(metric: 0, unit: table.unitIndex("U1"), ordinal: q1, value: 10, source: 0, line: 2)
        let (_, r2) = Self.read("counts", [("U1", "2024-01", 10)])
        #expect(try store.recordObservations(Self.batch(table, 0), read: r2, run: second) == MergeCount(added: 1, corrections: 0))
        try store.commitChanges()

        let (loaded, _) = try Self.load(store, ["counts"], metrics: [quarterly])
        #expect(loaded.entries(metric: 0, unit: 0).map { "\($0.ordinal)=\($0.value)" } == ["\(q1)=10.0"])
    }

    @Test func aRolledBackRunLeavesTheStoreAsItWas() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try Self.start(store)
        try store.beginChanges()
        let (t, r) = Self.read("counts", [("U1", "2024-01", 10)])
        _ = try store.recordObservations(Self.batch(t, 0), read: r, run: run)
        store.rollbackChanges()
        try store.finishRun(run, RunEnd(outcome: .failed, exitCode: 1, finishedAt: "2024-06-01T00:00:01Z"))

        #expect(try store.source(named: "counts") == nil)
        #expect(try Self.load(store, ["counts"]).0.unitCount == 0)
        #expect(try store.recentRuns(limit: 5).map(\.outcome) == [.failed], "the run log keeps the failed run")
    }

    @Test func aRunFoundRunningIsMarkedInterrupted() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Self.start(store)  // never finished: killed
        _ = try Self.start(store)
        #expect(try store.recentRuns(limit: 5).map(\.outcome) == [.running, .interrupted])
    }

    @Test func theLockIsExclusiveAndALeftLockIsTakenOver() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let me = LockHolder(pid: getpid(), since: "2024-06-01T00:00:00Z")
        #expect(try store.lockForRun(me) == nil, "a fresh lock file held no one")

        // A second open of the same file in this process is a second holder: flock refuses it.
        let other = RunLock(path: SQLiteStore.lockPath(for: store.location))
        #expect {
            _ = try other.acquire(LockHolder(pid: 1, since: "later"))
        } throws: { error in
            guard case StoreError.locked(let holder, _) = error else { return false }
            return holder == LockHolder(pid: me.pid, since: me.since, host: ProcessInfo.processInfo.hostName)
        }
        #expect("\(StoreError.locked(holder: me, lockFile: "x.lock"))".hasPrefix("another run holds the lock: pid \(getpid()) since 2024-06-01T00:00:00Z"))

        // A holder that dies without releasing leaves its pid in the file; the kernel released
        // its flock, so the next run takes the lock over and learns whose it was.
        let dying = RunLock(path: SQLiteStore.lockPath(for: store.location) + "-2")
        _ = try dying.acquire(LockHolder(pid: 999_999, since: "yesterday"))
        let orphan = open(dying.path, O_RDONLY)
        dying.release()
        try "999999\nyesterday\n".write(toFile: dying.path, atomically: false, encoding: .utf8)
        close(orphan)
        #expect(try RunLock(path: dying.path).acquire(me) == LockHolder(pid: 999_999, since: "yesterday"))
        store.unlockRun()
    }

    @Test("unit ids are compared byte for byte: café NFC and NFD, 豈 U+F900 and U+8C48 are four units")
    func idsDifferingOnlyByNormalisationAreDistinctUnits() throws {
        // Swift's String == calls each pair equal (canonical equivalence); the file's bytes differ.
        let ids = ["caf\u{E9}", "cafe\u{301}", "\u{F900}", "\u{8C48}"]
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try Self.start(store)
        try store.beginChanges()
        let (t1, r1) = Self.read("counts", [(ids[0], "2024-01", 1), (ids[1], "2024-01", 2), (ids[2], "2024-01", 3)])
        #expect(try store.recordObservations(Self.batch(t1, 0), read: r1, run: first) == MergeCount(added: 3, corrections: 0))
        try store.commitChanges()

        // The fourth spelling on a later night is a new unit, not a correction of the third.
        let second = try Self.start(store)
        try store.beginChanges()
        let (t2, r2) = Self.read("counts", [(ids[3], "2024-01", 4)])
        #expect(try store.recordObservations(Self.batch(t2, 0), read: r2, run: second) == MergeCount(added: 1, corrections: 0))
        try store.commitChanges()

        let (table, _) = try Self.load(store, ["counts"])
        #expect((0..<table.unitCount).map { Array(table.unitID(Int32($0)).utf8) } == ids.map { Array($0.utf8) })
        #expect((0..<table.unitCount).map { table.entries(metric: 0, unit: $0).map(\.value) } == [[1], [2], [3], [4]])
    }

    @Test func aLockFileWithOtherContentIsLeftAlone() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/notes.lock"
        try "buy milk\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect {
            _ = try RunLock(path: path).acquire(LockHolder(pid: getpid(), since: "now"))
        } throws: { error in
            "\(error)".contains("not a jianfu lock file")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "buy milk\n")
        // A store whose name is its lock file's.
        #expect(throws: StoreError.self) { try SQLiteStore(path: folder + "/s.lock") }
        #expect(!FileManager.default.fileExists(atPath: folder + "/s.lock"))
    }
}

/// A store of an older version: the schema of migration `migration`, at `old.sqlite` in a new
/// folder (the caller removes it), for a test to fill as that version would have.
func oldStore(upTo migration: String) throws -> (folder: String, path: String, queue: DatabaseQueue) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-old-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/old.sqlite"
    let queue = try DatabaseQueue(path: path)
    try SQLiteSchema.migrator.migrate(queue, upTo: migration)
    return (folder, path, queue)
}

/// A store written by version 3 (a row per value in `observations`) is upgraded in place when
/// it is first opened: its values moved into slabs, its history kept with the new values' lines.
@Suite struct SlabMigrationTests {
    @Test func aVersion3StoreIsUpgradedInPlace() throws {
        let (folder, path, old) = try oldStore(upTo: "v2-bulletin-alerts")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // U1 and U2 in 2024-01 (ordinal 24288), U1 in 2024-02 (24289); U1's 2024-01 was 9
        // before run 2 made it 10 (read from line 4).
        try old.write { db in
            try db.execute(sql: """
                PRAGMA application_id = 1246122836;
                INSERT INTO runs (id, run_id, started_at, pid, pipeline_sha256, jianfu_version, outcome) VALUES
                    (1, 'a', '2024-06-01T00:00:00Z', 1, 'p', '0.2.0', 'ok'), (2, 'b', '2024-07-01T00:00:00Z', 1, 'p', '0.2.0', 'ok');
                INSERT INTO metrics (id, name, granularity) VALUES (1, 'documents', 'month');
                INSERT INTO units (id, code) VALUES (1, 'U1'), (2, 'U2');
                INSERT INTO sources (id, name, kind, location, size, sha256, read_key, latest_month, read_run, encoding,
                    rows_read, rows_rejected, cells_rejected, blank_lines, observations, threads, periods)
                    VALUES (1, 'counts', 'observations', '/d/counts.csv', 1, 'x', 'k', 0, 2, 'utf-8', 3, 0, 0, 0, 3, 1, '');
                INSERT INTO source_units (source, unit, name) VALUES (1, 1, '甲'), (1, 2, '');
                INSERT INTO observations (source, metric, period, unit, value, line, run) VALUES
                    (1, 1, 24288, 2, 5, 3, 1), (1, 1, 24288, 1, 10, 4, 2), (1, 1, 24289, 1, 8, 5, 1);
                INSERT INTO observation_history (source, metric, period, unit, value, line, run, replaced_by_run, new_value)
                    VALUES (1, 1, 24288, 1, 9, 2, 1, 2, 10);
                """)
        }
        try old.close()

        let store = try SQLiteStore(path: path)
        let values = try store.values(source: "counts", metric: Metric(id: "documents"), units: nil)
        #expect(values.periods == [24288, 24288, 24289])
        #expect(values.units == [1, 2, 1])
        #expect(values.values == [10, 5, 8])
        #expect(values.lines == [4, 3, 5])
        #expect(try store.values(source: "counts", metric: Metric(id: "documents"), units: [2]).values == [5])
        #expect(try store.corrections(run: 2).map { "\($0.unitID) \($0.period) \($0.oldValue)→\($0.newValue) line \($0.line.map(String.init) ?? "-")" }
                == ["U1 2024-01 9.0→10.0 line 4"])
        #expect(try store.observedUnits(sources: ["counts"]) == [ObservedUnit(storeID: 1, id: "U1", name: "甲"), ObservedUnit(storeID: 2, id: "U2")])
        let tables = try store.queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE name IN ('observations', 'observation_slabs')") }
        #expect(tables == ["observation_slabs"])
        try store.queue.close()

        // Never claimed by a pipeline (v7 gave its rows the pipeline ''): the first pipeline to
        // open it to write adopts every row; another one then sees none of them as its own.
        let adopted = try SQLiteStore(path: path, pipeline: "甲县")
        #expect(try adopted.values(source: "counts", metric: Metric(id: "documents"), units: nil).values == [10, 5, 8])
        #expect(try adopted.recentRuns(limit: 5).count == 2)
        let pipelines = try adopted.queue.read {
            try String.fetchAll($0, sql: "SELECT DISTINCT pipeline FROM runs UNION SELECT DISTINCT pipeline FROM sources UNION SELECT DISTINCT pipeline FROM metrics")
        }
        #expect(pipelines == ["甲县"])
        try adopted.queue.close()
        let other = try SQLiteStore(path: path, pipeline: "乙县")
        #expect(try other.values(source: "counts", metric: Metric(id: "documents"), units: nil).count == 0)
        #expect(try other.recentRuns(limit: 5).isEmpty)
        #expect(try other.sharedSources().map { "\($0.pipeline) \($0.name)" } == ["甲县 counts"])
        #expect(try other.values(of: "甲县", source: "counts", metric: Metric(id: "documents"), units: [2]).values == [5])
    }
}

/// A store written by version 7 (the run in every row of `unit_scores`, bulletins without a
/// digest, a row per alert) is upgraded to version 9 in place: each pipeline's scores keep
/// their run, and each bulletin's alerts are packed in one value with its digest.
@Suite struct ScoreRunMigrationTests {
    @Test func aVersion7StoreKeepsTheRunOfItsScoresAndItsBulletins() throws {
        let (folder, path, old) = try oldStore(upTo: "v7-shared-store")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 2024-01 = 24288.
        try old.write { db in
            try db.execute(sql: """
                PRAGMA application_id = 1246122836;
                INSERT INTO runs (id, pipeline, run_id, started_at, pid, pipeline_sha256, jianfu_version, outcome) VALUES
                    (1, 'p', 'a', '2024-06-01T00:00:00Z', 1, 'p', '0.3.0', 'ok'), (2, 'p', 'b', '2024-07-01T00:00:00Z', 1, 'p', '0.3.0', 'ok'),
                    (3, 'q', 'c', '2024-07-01T00:00:00Z', 1, 'q', '0.3.0', 'ok');
                INSERT INTO unit_scores (pipeline, unit_id, category, composite, run) VALUES
                    ('p', 'U1', '村', 61.5, 2), ('p', 'U2', '村', NULL, 2), ('q', 'U1', '社区', 3, 3);
                INSERT INTO bulletins (pipeline, month, run) VALUES ('p', 24288, 2);
                INSERT INTO bulletin_alerts (pipeline, month, unit_id, metric, rule, run) VALUES
                    ('p', 24288, 'U1', 'documents', 'rebound', 1), ('p', 24288, 'U2', '', 'stale', 2);
                """)
        }
        try old.close()

        let store = try SQLiteStore(path: path, pipeline: "p")
        let scores = try #require(try store.scores())
        #expect(scores.run == 2)
        #expect(scores.scores == [UnitScore(unitID: "U1", category: "村", composite: 61.5), UnitScore(unitID: "U2", category: "村", composite: nil)])
        #expect(try store.queue.read { try String.fetchAll($0, sql: "SELECT pipeline || '|' || run FROM score_runs ORDER BY pipeline") } == ["p|2", "q|3"])
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pragma_table_info('unit_scores') WHERE name = 'run'") } == 0)
        let u1 = StoredAlert(unitID: "U1", metric: "documents", rule: "rebound"), u2 = StoredAlert(unitID: "U2", metric: "", rule: "stale")
        #expect(try store.bulletins(pipeline: "p", before: 24289) == [StoredBulletin(month: 24288, run: 2, alerts: [u1, u2])])
        // v9: the rows packed in key order, each field as its length (4 bytes, little-endian)
        // and bytes — 02000000 "U1" 09000000 "documents" 07000000 "rebound" 02000000 "U2"
        // 00000000 (the empty metric) 05000000 "stale" —, the digest that value's SHA-256 (the
        // SHA-256 of nothing for a bulletin without alerts); `bulletin_alerts` is gone.
        #expect(try store.queue.read { try String.fetchOne($0, sql: "SELECT hex(alerts) FROM bulletins") }
            == "02000000553109000000646f63756d656e7473070000007265626f756e6402000000553200000000050000007374616c65".uppercased())
        #expect(try store.queue.read { try String.fetchOne($0, sql: "SELECT alerts_sha256 FROM bulletins") } == AlertMerge([u1, u2]).digest)
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'bulletin_alerts'") } == 0)
        // Recorded again with the same alerts: known by its digest, it takes the run.
        let run = try StoreTests.start(store)
        #expect(run == 4)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: 24288, alerts: [u2, u1], run: run)
        try store.commitChanges()
        #expect(try store.queue.read { try String.fetchOne($0, sql: "SELECT alerts_sha256 FROM bulletins") } == AlertMerge([u1, u2]).digest)
        #expect(try store.bulletins(pipeline: "p", before: 24289) == [StoredBulletin(month: 24288, run: 4, alerts: [u1, u2])])
    }
}

/// A store written by version 8 (a row per alert in `bulletin_alerts`) is upgraded to version 9
/// in place: each bulletin's rows become its one packed value, byte for byte and in byte order,
/// with the digest of that value; a bulletin without alerts keeps none.
@Suite struct PackedBulletinMigrationTests {
    @Test func aVersion8StoreKeepsItsBulletinsAlerts() throws {
        let (folder, path, old) = try oldStore(upTo: "v8-score-runs-bulletin-digests")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 2024-01 = 24288: "café" in NFD (cafe + U+0301) and NFC (caf + U+00E9), a unit id
        // whose bytes are a length (02 00 00 00), a stale alert (empty metric); 2024-02 raised
        // nothing; pipeline q's 2024-01 one alert. Digests as version 8 left them: one NULL.
        try old.write { db in
            try db.execute(sql: """
                PRAGMA application_id = 1246122836;
                INSERT INTO runs (id, pipeline, run_id, started_at, pid, pipeline_sha256, jianfu_version, outcome) VALUES
                    (1, 'p', 'a', '2024-06-01T00:00:00Z', 1, 'p', '0.3.0', 'ok'), (2, 'q', 'b', '2024-07-01T00:00:00Z', 1, 'q', '0.3.0', 'ok');
                INSERT INTO bulletins (pipeline, month, run, alerts_sha256) VALUES
                    ('p', 24288, 1, NULL), ('p', 24289, 1, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'), ('q', 24288, 2, NULL);
                INSERT INTO bulletin_alerts (pipeline, month, unit_id, metric, rule, run) VALUES
                    ('p', 24288, 'caf' || char(233), 'documents', 'rebound', 1), ('p', 24288, 'cafe' || char(769), 'documents', 'rebound', 1),
                    ('p', 24288, char(2) || X'000000', '', 'stale', 1), ('q', 24288, 'U1', '', 'stale', 2);
                """)
        }
        try old.close()

        let store = try SQLiteStore(path: path, pipeline: "p")
        // 04000000 02000000 (the unit id: bytes 02 00 00 00) 00000000 05000000 "stale" |
        // 06000000 "cafe" CC81 09000000 "documents" 07000000 "rebound" |
        // 05000000 "caf" C3A9 09000000 "documents" 07000000 "rebound".
        let packed = "04000000" + "02000000" + "00000000" + "05000000" + "7374616c65"
            + "06000000" + "63616665cc81" + "09000000" + "646f63756d656e7473" + "07000000" + "7265626f756e64"
            + "05000000" + "636166c3a9" + "09000000" + "646f63756d656e7473" + "07000000" + "7265626f756e64"
        let rows = try store.queue.read {
            try String.fetchAll($0, sql: "SELECT pipeline || '|' || month || '|' || lower(hex(alerts)) FROM bulletins ORDER BY pipeline, month")
        }
        #expect(rows == ["p|24288|" + packed, "p|24289|", "q|24288|" + "02000000" + "5531" + "00000000" + "05000000" + "7374616c65"])
        #expect(try store.check().problems == [])
        let january = try #require(try store.bulletin(pipeline: "p", before: 24289, matching: [], others: true))
        #expect(january.others.map { Array($0.unitID.utf8) } == [[2, 0, 0, 0], [0x63, 0x61, 0x66, 0x65, 0xCC, 0x81], [0x63, 0x61, 0x66, 0xC3, 0xA9]])
        // The same alerts recorded again: known by the digest the migration gave the bulletin.
        let run = try StoreTests.start(store)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: 24288, alerts: january.others, run: run)
        try store.commitChanges()
        #expect(try store.queue.read { try String.fetchOne($0, sql: "SELECT lower(hex(alerts)) || '|' || run FROM bulletins WHERE pipeline = 'p' AND month = 24288") } == packed + "|\(run)")
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'bulletin_alerts'") } == 0)
    }
}
