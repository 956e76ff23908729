import Foundation
import JianfuModel
@testable import JianfuStore
import JianfuTestSupport
import Testing

/// Where a store under test lives: a fresh SQLite file, or a fresh database on the tests'
/// PostgreSQL 15 cluster (`PostgresServer`). `open` gives a store of it — again and again,
/// as separate processes would (another connection, another lock holder).
final class StorePlace: Sendable {
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, postgresql
        var testDescription: String { rawValue }
    }

    let kind: Kind
    private let place: String

    init(_ kind: Kind) throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            place = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-store-\(UUID().uuidString)").path + "/.jianfu/t.sqlite"
        case .postgresql:
            place = try PostgresServer.shared().createDatabase()
        }
    }

    func open(pipeline: String = "p", readOnly: Bool = false) throws -> any ObservationStore & SampleLog {
        switch kind {
        case .sqlite:
            return try SQLiteStore(
                path: place, pipeline: pipeline, lockPath: SQLiteStore.lockPath(for: place, pipelineFile: pipeline), readOnly: readOnly)
        case .postgresql:
            let server = try PostgresServer.shared()
            var location = try PostgreSQLLocation.parse(server.url(place)).get()
            location.passwordVariable = "JIANFU_TEST_PASSWORD"
            return try PostgreSQLStore(location, pipeline: pipeline, readOnly: readOnly, environment: ["JIANFU_TEST_PASSWORD": server.password])
        }
    }

    /// Removes the SQLite store's folder (a test database stays until the cluster stops).
    func remove() {
        if kind == .sqlite { try? FileManager.default.removeItem(atPath: ((place as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent) }
    }
}

/// One suite, every store (issue 14): what `ObservationStore` and `SampleLog` promise, through
/// their methods only, run unchanged against `SQLiteStore` and `PostgreSQLStore` (SPEC §5, §7,
/// §8). Expected values are worked out by hand from the few values each test stores.
@Suite struct ConformanceTests {
    static let documents = Metric(id: "documents")
    static let threeMetrics = [Metric(id: "documents"), Metric(id: "meetings"), Metric(id: "inspections")]
    static let jan = Int32(2024 * 12), feb = jan + 1, mar = jan + 2

    /// A read of `name`: (unit, metric index, month "YYYY-MM", value), lines from 2; every
    /// unit named, `names` giving some a name.
    static func read(
        _ name: String, _ rows: [(String, Int, String, Double)], metrics: [Metric] = [documents], names: [String: String] = [:]
    ) -> (ObservationBatch, SourceRead) {
        var units: [String] = []
        var values = metrics.map { _ in StoredValues() }
        for (line, (unit, m, month, value)) in rows.enumerated() {
            let u = units.firstIndex { $0.utf8.elementsEqual(unit.utf8) } ?? { units.append(unit); return units.count - 1 }()
            values[m].append(period: Int32(PeriodParser.parse(month)!.ordinal), unit: Int32(u), value: value, line: UInt32(line + 2))
        }
        for unit in names.keys.sorted() where !units.contains(unit) { units.append(unit) }
        var report = SourceReport(name: name, path: "/data/\(name).csv", kind: .observations)
        report.rowsRead = rows.count
        report.observations = rows.count
        let read = SourceRead(
            fingerprint: SourceFingerprint(size: Int64(rows.count), sha256: "\(rows)"), readKey: "k", currentMonth: 0, report: report, rejections: [])
        let batch = ObservationBatch(
            units: units, names: units.map { names[$0] ?? "" }, named: units.map { _ in true }, metrics: metrics, values: values)
        return (batch, read)
    }

    /// `read` of metric documents: (unit, month, value).
    static func read(_ name: String, _ rows: [(String, String, Double)]) -> (ObservationBatch, SourceRead) {
        read(name, rows.map { ($0.0, 0, $0.1, $0.2) })
    }

    static func start(
        _ store: any ObservationStore, runID: String = "r", reportsRunID: String? = nil, at startedAt: String = "2024-06-01T00:00:00Z"
    ) throws -> Int64 {
        try store.beginRun(
            RunStart(runID: runID, startedAt: startedAt, pid: 1, pipelineSHA256: "p", jianfuVersion: "t", asOf: nil),
            reportsRunID: reportsRunID)
    }

    /// Records `reads` in one committed run; returns the run and what each read changed.
    @discardableResult
    static func night(
        _ store: any ObservationStore, _ reads: [(ObservationBatch, SourceRead)], at startedAt: String = "2024-06-01T00:00:00Z"
    ) throws -> (run: Int64, counts: [MergeCount]) {
        let run = try start(store, at: startedAt)
        try store.beginChanges()
        let counts = try reads.map { try store.recordObservations($0.0, read: $0.1, run: run) }
        try store.commitChanges()
        return (run, counts)
    }

    /// Every stored value of `sources`, source after source, the later winning a key (as the
    /// pipeline builds its grid): "unit metric YYYY-MM value (source line)" in unit store
    /// order, then metric, then period; and per source the keys it took over.
    static func load(_ store: any ObservationStore, _ sources: [String], metrics: [Metric] = [documents]) throws -> (values: [String], overrides: [Int]) {
        let units = try store.observedUnits(sources: sources)
        let code = Dictionary(uniqueKeysWithValues: units.map { ($0.storeID, $0.id) })
        var grid: [Int32: [Int: [Int32: String]]] = [:]
        var overrides: [Int] = []
        for source in sources {
            var taken = 0
            for (m, metric) in metrics.enumerated() {
                let stored = try store.values(source: source, metric: metric, units: nil)
                for n in 0..<stored.count {
                    let text = "\(code[stored.units[n]] ?? "?") \(metric.id) \(Period(.month, ordinal: Int(stored.periods[n]))) \(stored.values[n]) (\(source) \(stored.lines[n]))"
                    if grid[stored.units[n], default: [:]][m, default: [:]].updateValue(text, forKey: stored.periods[n]) != nil { taken += 1 }
                }
            }
            overrides.append(taken)
        }
        let values = units.flatMap { unit in
            metrics.indices.flatMap { m in (grid[unit.storeID]?[m] ?? [:]).sorted { $0.key < $1.key }.map(\.value) }
        }
        return (values, overrides)
    }

    /// `jianfu store check`: two nights of a source (U1, U2 in January; U1 corrected and U1 in
    /// February the night after) leave 2 runs, 1 source, 1 metric, 2 units, 3 values, 1 kept
    /// correction, and no problem.
    @Test(arguments: StorePlace.Kind.allCases)
    func aStoreCountsWhatItHoldsAndFindsNoProblem(_ kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        try Self.night(store, [Self.read("counts", [("U1", "2024-01", 10), ("U2", "2024-01", 5)])])
        try Self.night(store, [Self.read("counts", [("U1", "2024-01", 9), ("U1", "2024-02", 8)])])
        let report = try #require(store as? any CheckableStore).check()
        let counts = Dictionary(uniqueKeysWithValues: report.counts)
        #expect(counts["runs"] == 2)
        #expect(counts["sources"] == 1)
        #expect(counts["metrics"] == 1)
        #expect(counts["units"] == 2)
        #expect(counts["values"] == 3)
        #expect(counts["corrections kept"] == 1)
        #expect(report.problems == [])
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func aResentMonthReplacesTheValueAndTheOldOneIsACorrection(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        let (first, c1) = try Self.night(store, [Self.read("counts", [("U1", "2024-01", 10), ("U1", "2024-02", 8), ("U2", "2024-01", 5)])])
        #expect(c1 == [MergeCount(added: 3, corrections: 0)])
        // The next night's file re-sends 2024-02 with 7 (a correction), 2024-01 unchanged, adds
        // 2024-03; U2 is not in it at all.
        let (second, c2) = try Self.night(store, [Self.read("counts", [("U1", "2024-01", 10), ("U1", "2024-02", 7), ("U1", "2024-03", 6)])])
        #expect(c2 == [MergeCount(added: 1, corrections: 1)])
        #expect(try Self.load(store, ["counts"]).values == [
            "U1 documents 2024-01 10.0 (counts 2)", "U1 documents 2024-02 7.0 (counts 3)", "U1 documents 2024-03 6.0 (counts 4)",
            "U2 documents 2024-01 5.0 (counts 4)",
        ])
        #expect(try store.corrections(run: second) == [
            Correction(unitID: "U1", metric: "documents", period: Period(year: 2024, month: 2), oldValue: 8, newValue: 7, source: "counts", line: 3, run: second),
        ])
        #expect(try store.corrections(run: first).isEmpty)
        // The same file again changes nothing.
        #expect(try Self.night(store, [Self.read("counts", [("U1", "2024-01", 10), ("U1", "2024-02", 7), ("U1", "2024-03", 6)])]).counts
                == [MergeCount(added: 0, corrections: 0)])
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func theLaterSourceWinsAKeyAndUnitsComeInTheOrderTheyReachedTheStore(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        try Self.night(store, [Self.read("a", [("U1", "2024-01", 10), ("U2", "2024-01", 5)]), Self.read("b", [("U2", "2024-01", 6), ("U3", "2024-01", 1)])])
        #expect(try store.observedUnits(sources: ["a", "b"]).map(\.id) == ["U1", "U2", "U3"])
        #expect(try store.observedUnits(sources: ["b"]).map(\.id) == ["U2", "U3"])
        let loaded = try Self.load(store, ["a", "b"])
        #expect(loaded.values == ["U1 documents 2024-01 10.0 (a 2)", "U2 documents 2024-01 6.0 (b 2)", "U3 documents 2024-01 1.0 (b 3)"])
        #expect(loaded.overrides == [0, 1], "b took U2 2024-01 over from a")
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func correctionsInSeveralMetricsAndValuesOfAFewUnits(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        let metrics = Self.threeMetrics
        _ = try store.syncMetrics(metrics, dropping: [])
        try Self.night(store, [Self.read("s", [("U1", 0, "2024-01", 10), ("U1", 1, "2024-01", 3), ("U2", 2, "2024-01", 4), ("U2", 2, "2024-02", 5)], metrics: metrics)])
        // documents of U1 and inspections of U2 2024-02 re-sent with new values, meetings
        // unchanged, a new meetings month.
        let (second, counts) = try Self.night(store, [Self.read(
            "s", [("U1", 0, "2024-01", 11), ("U1", 1, "2024-01", 3), ("U1", 1, "2024-02", 2), ("U2", 2, "2024-01", 4), ("U2", 2, "2024-02", 7)],
            metrics: metrics)])
        #expect(counts == [MergeCount(added: 1, corrections: 2)])
        #expect(try store.corrections(run: second).map { "\($0.unitID) \($0.metric) \($0.period) \($0.oldValue)→\($0.newValue) line \($0.line ?? 0)" }
                == ["U1 documents 2024-01 10.0→11.0 line 2", "U2 inspections 2024-02 5.0→7.0 line 6"])
        // U2 alone: store numbers ascending, as `jianfu unit` asks.
        let u2 = try #require(try store.observedUnits(sources: ["s"]).first { $0.id == "U2" })
        let inspections = try store.values(source: "s", metric: metrics[2], units: [u2.storeID])
        #expect(inspections.periods == [Self.jan, Self.feb])
        #expect(inspections.values == [4, 7])
        #expect(try store.values(source: "s", metric: metrics[0], units: [u2.storeID]).count == 0)
        #expect(try store.values(source: "nowhere", metric: metrics[0], units: nil).count == 0)
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func aReadCanBeNarrowedToAFewPeriodsAndTheStoredPeriodsAreListedWithoutValues(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        _ = try store.syncMetrics([Self.documents], dropping: [])
        try Self.night(store, [Self.read("counts", [("U1", "2024-01", 10), ("U2", "2024-01", 11), ("U1", "2024-02", 12), ("U2", "2024-03", 13), ("U1", "2024-05", 15)])])
        // Periods 2024-01, -02, -03, -05 (ordinals jan, feb, mar, jan + 4): April holds nothing.
        #expect(try store.periods(of: nil, source: "counts", metric: Self.documents) == [Self.jan, Self.feb, Self.mar, Self.jan + 4])
        #expect(try store.periods(of: nil, source: "nowhere", metric: Self.documents).isEmpty)
        #expect(try store.periods(of: nil, source: "counts", metric: Metric(id: "documents", granularity: .quarter)).isEmpty)
        #expect(try store.periods(of: "another pipeline", source: "counts", metric: Self.documents).isEmpty)
        func read(_ periods: ClosedRange<Int32>?, units: [Int32]? = nil) throws -> [String] {
            var seen: [String] = []
            try store.readValues(of: nil, source: "counts", metric: Self.documents, units: units, periods: periods) { batch in
                for i in 0..<batch.count { seen.append("\(batch.periods[i] - Self.jan):\(batch.values[i])") }
            }
            return seen
        }
        #expect(try read(Self.feb...Self.jan + 3) == ["1:12.0", "2:13.0"])
        #expect(try read(Self.jan + 3...Self.jan + 3).isEmpty, "April holds nothing")
        #expect(try read(nil) == ["0:10.0", "0:11.0", "1:12.0", "2:13.0", "4:15.0"])
        // A few units (looked up rather than read whole on SQLite): U1 in January–February.
        let u1 = try #require(try store.observedUnits(sources: ["counts"]).first { $0.id == "U1" })
        #expect(try read(Self.jan...Self.feb, units: [u1.storeID]) == ["0:10.0", "1:12.0"])
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func aMetricWhoseGranularityChangedIsDroppedOnlyWhenAskedTo(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        _ = try store.syncMetrics([Self.documents], dropping: [])
        try Self.night(store, [Self.read("counts", [("U1", "2024-01", 10)])])
        let quarterly = Metric(id: "documents", granularity: .quarter)
        _ = try Self.start(store)
        try store.beginChanges()
        #expect(throws: StoreError.self, "not told to drop them") { try store.syncMetrics([quarterly], dropping: []) }
        #expect(try store.syncMetrics([quarterly], dropping: ["documents"]) == [GranularityChange(metric: "documents", stored: "month", now: "quarter")])
        try store.commitChanges()
        #expect(try store.values(source: "counts", metric: quarterly, units: nil).count == 0)
        #expect(try store.values(source: "counts", metric: Self.documents, units: nil).count == 0, "a metric is matched by its granularity too")
        #expect(try store.syncMetrics([quarterly], dropping: ["documents"]).isEmpty, "dropping a metric whose granularity did not change drops nothing")
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func aRolledBackRunLeavesTheStoreAsItWasAndItsLineInTheLog(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        let run = try Self.start(store)
        try store.beginChanges()
        let (batch, read) = Self.read("counts", [("U1", "2024-01", 10)])
        _ = try store.recordObservations(batch, read: read, run: run)
        try store.saveScores([UnitScore(unitID: "U1", category: "c", composite: 50)], run: run)
        store.rollbackChanges()
        try store.finishRun(run, RunEnd(outcome: .failed, exitCode: 1, finishedAt: "2024-06-01T00:00:01Z", message: "boom"))
        #expect(try store.source(named: "counts") == nil)
        #expect(try store.observedUnits(sources: ["counts"]).isEmpty)
        #expect(try store.scores() == nil)
        let log = try store.recentRuns(limit: 5)
        #expect(log.map(\.outcome) == [.failed])
        #expect(log.first?.end?.message == "boom")
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func runsThatDidNotLogTheirEndAreSettledByTheNext(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        _ = try Self.start(store, runID: "killed")  // killed before its commit
        let committed = try Self.start(store, runID: "kept")
        var end = RunEnd(outcome: .committed, exitCode: 0, finishedAt: "2024-06-01T00:00:02Z")
        end.quality.rowsRead = 12
        try store.finishRun(committed, end)
        // The reports in place are those of run "kept" (each run settles those before it).
        let lost = try Self.start(store, runID: "lost", reportsRunID: "kept")
        try store.finishRun(lost, RunEnd(outcome: .committed, exitCode: 0, finishedAt: "2024-06-01T00:00:03Z"))
        _ = try Self.start(store, runID: "next", reportsRunID: "kept")
        let log = try store.recentRuns(limit: 10)
        #expect(log.map(\.number) == [4, 3, 2, 1])
        #expect(log.map(\.outcome) == [.running, .committedReportsFailed, .ok, .interrupted])
        #expect(log[2].end?.quality.rowsRead == 12)
        #expect(try store.recentRuns(limit: 2).map(\.start.runID) == ["next", "lost"])
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func aSourcesReadComesBackWhole(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        let run = try Self.start(store)
        try store.beginChanges()
        var report = SourceReport(name: "units", path: "/data/单位.csv", kind: .units)
        report.encoding = .gb18030
        report.rowsRead = 3
        report.rowsRejected = 1
        report.blankLines = 2
        report.firstPeriod = ["documents": "2018-01"]
        report.lastPeriod = ["documents": "2024-12"]
        let rejections = [
            Rejection(source: "units", line: 4, field: "parent_id", problem: .wrongGranularity("2024Q1", found: .quarter, metric: "documents", expected: .month),
                      raw: "X,\\N,\t\"q\"", isCell: true, cell: "Sheet1!C4"),
            Rejection(source: "units", line: 5, field: "", problem: .recorded(.malformedRow, message: "a row\twritten \\ before"), raw: "Y"),
        ]
        let fingerprint = SourceFingerprint(size: 120, modified: 1_700_000_000_123_456_789, sha256: "ab", etag: "\"v1\"", lastModified: nil)
        let units = [MonitoredUnit(id: "330106001", name: "西湖街道", category: "乡镇", parentID: nil, responsible: "张三"),
                     MonitoredUnit(id: "330106001001", name: "村\t一", category: "村", parentID: "330106001", responsible: "")]
        try store.recordUnits(units, read: SourceRead(fingerprint: fingerprint, readKey: "rk", currentMonth: 24300, report: report, rejections: rejections), run: run)
        try store.commitChanges()

        let stored = try #require(try store.source(named: "units"))
        #expect(stored.fingerprint == fingerprint)
        #expect(stored.readKey == "rk")
        #expect(stored.currentMonth == 24300)
        #expect(stored.readRun == run)
        #expect(stored.readAt == "2024-06-01T00:00:00Z")
        #expect(stored.report.kind == .units && stored.report.path == "/data/单位.csv" && stored.report.encoding == .gb18030)
        #expect(stored.report.rowsRead == 3 && stored.report.rowsRejected == 1 && stored.report.blankLines == 2)
        #expect(stored.report.firstPeriod == ["documents": "2018-01"] && stored.report.lastPeriod == ["documents": "2024-12"])
        #expect(try store.rejections(source: "units") == rejections)
        #expect(try store.declaredUnits(source: "units") == units)
        #expect(try store.declaredUnits(source: "other").isEmpty)
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func namesAreTheFirstNonEmptyInTheOrderOfTheSourcesAsked(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        var (quiet, quietRead) = Self.read("quiet", [("U1", 0, "2024-01", 1)], names: ["U9": "九"])
        quiet.named = quiet.units.map { $0 != "U9" }  // declared, neither named nor given a value
        let (a, readA) = Self.read("a", [("U1", 0, "2024-01", 1)], names: ["U1": "甲", "U2": "乙"])
        let (b, readB) = Self.read("b", [("U1", 0, "2024-01", 1)], names: ["U1": "一"])
        try Self.night(store, [(quiet, quietRead), (a, readA), (b, readB)])
        #expect(try store.observedUnits(sources: ["quiet"]).map(\.id) == ["U1"])
        #expect(try store.observedUnits(sources: ["a", "b"]).map { "\($0.id)=\($0.name)" } == ["U1=甲", "U2=乙"])
        #expect(try store.observedUnits(sources: ["b", "a"]).map { "\($0.id)=\($0.name)" } == ["U1=一", "U2=乙"])
        // A later read without a name keeps the name given before.
        let (again, readAgain) = Self.read("a", [("U1", 0, "2024-01", 1)])
        try Self.night(store, [(again, readAgain)])
        #expect(try store.observedUnits(sources: ["a"]).map { "\($0.id)=\($0.name)" } == ["U1=甲", "U2=乙"])
        // A later read with another name replaces it.
        let (renamed, readRenamed) = Self.read("a", [("U1", 0, "2024-01", 1)], names: ["U1": "甲乡"])
        try Self.night(store, [(renamed, readRenamed)])
        #expect(try store.observedUnits(sources: ["a"]).map { "\($0.id)=\($0.name)" } == ["U1=甲乡", "U2=乙"])
        #expect(try store.observedUnits(sources: ["b", "a"]).map { "\($0.id)=\($0.name)" } == ["U1=一", "U2=乙"])
    }

    @Test("unit ids are compared byte for byte: café NFC and NFD, 豈 U+F900 and U+8C48 are four units", arguments: StorePlace.Kind.allCases)
    func idsDifferingOnlyByNormalisationAreDistinctUnits(kind: StorePlace.Kind) throws {
        let ids = ["caf\u{E9}", "cafe\u{301}", "\u{F900}", "\u{8C48}"]
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        #expect(try Self.night(store, [Self.read("counts", [(ids[0], "2024-01", 1), (ids[1], "2024-01", 2), (ids[2], "2024-01", 3)])]).counts
                == [MergeCount(added: 3, corrections: 0)])
        #expect(try Self.night(store, [Self.read("counts", [(ids[3], "2024-01", 4)])]).counts == [MergeCount(added: 1, corrections: 0)])
        let units = try store.observedUnits(sources: ["counts"])
        #expect(units.map { Array($0.id.utf8) } == ids.map { Array($0.utf8) })
        let values = try store.values(source: "counts", metric: Self.documents, units: nil)
        #expect(values.units.map { u in units.firstIndex { $0.storeID == u }! } == [0, 1, 2, 3])
        #expect(values.values == [1, 2, 3, 4])
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func scoresAreThoseOfTheLastRunThatSavedThem(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        #expect(try store.scores() == nil)
        for (run, composite) in [(Int64(1), 40.0), (2, 60.5)] {
            _ = try Self.start(store)
            try store.beginChanges()
            try store.saveScores([UnitScore(unitID: "B", category: "村", composite: composite), UnitScore(unitID: "A", category: "村", composite: nil)], run: run)
            try store.commitChanges()
        }
        let scores = try #require(try store.scores())
        #expect(scores.run == 2)
        #expect(scores.scores.sorted { $0.unitID < $1.unitID } == [
            UnitScore(unitID: "A", category: "村", composite: nil), UnitScore(unitID: "B", category: "村", composite: 60.5),
        ])
    }

    /// A store rewrites only the composites that changed (issue 14); whatever it rewrites, the
    /// scores read back are exactly those of the last run that saved them, with that run.
    @Test(arguments: StorePlace.Kind.allCases)
    func scoresSavedAgainAreExactlyTheNewOnesWithTheNewRun(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        func save(_ scores: [UnitScore], commit: Bool = true) throws -> Int64 {
            let run = try Self.start(store)
            try store.beginChanges()
            try store.saveScores(scores, run: run)
            if commit { try store.commitChanges() } else { store.rollbackChanges() }
            return run
        }
        func sorted() throws -> (Int64, [UnitScore])? {
            try store.scores().map { ($0.run, $0.scores.sorted { Array($0.unitID.utf8).lexicographicallyPrecedes(Array($1.unitID.utf8)) }) }
        }
        let first = [
            UnitScore(unitID: "A", category: "村", composite: 1.5), UnitScore(unitID: "B", category: "村", composite: 2),
            UnitScore(unitID: "C", category: "村", composite: nil), UnitScore(unitID: "E", category: "村", composite: 7),
        ]
        _ = try save(first)
        // The same scores again (in another order): the run is the new one.
        let same = try save(first.reversed())
        #expect(try sorted()?.0 == same)
        #expect(try sorted()?.1 == first)
        // One composite changed (B 2 → 3), one category (E 村 → 社区), C from none to 0, A kept,
        // D new, and D given twice: the last one given counts.
        let second = [
            UnitScore(unitID: "D", category: "村", composite: 9), UnitScore(unitID: "A", category: "村", composite: 1.5),
            UnitScore(unitID: "B", category: "村", composite: 3), UnitScore(unitID: "C", category: "村", composite: 0),
            UnitScore(unitID: "E", category: "社区", composite: 7), UnitScore(unitID: "D", category: "村", composite: 4),
        ]
        let changed = try save(second)
        let expected = [
            UnitScore(unitID: "A", category: "村", composite: 1.5), UnitScore(unitID: "B", category: "村", composite: 3),
            UnitScore(unitID: "C", category: "村", composite: 0), UnitScore(unitID: "D", category: "村", composite: 4),
            UnitScore(unitID: "E", category: "社区", composite: 7),
        ]
        #expect(try sorted()?.0 == changed)
        #expect(try sorted()?.1 == expected)
        // A run rolled back saves nothing; fewer units (B and C gone, A back to none) do.
        _ = try save([UnitScore(unitID: "A", category: "村", composite: 100)], commit: false)
        #expect(try sorted()?.0 == changed)
        #expect(try sorted()?.1 == expected)
        let fewer = try save([UnitScore(unitID: "A", category: "村", composite: nil), UnitScore(unitID: "E", category: "社区", composite: 7)])
        #expect(try sorted()?.0 == fewer)
        #expect(try sorted()?.1 == [UnitScore(unitID: "A", category: "村", composite: nil), UnitScore(unitID: "E", category: "社区", composite: 7)])
        // Another pipeline's scores are its own.
        let other = try place.open(pipeline: "other")
        #expect(try other.scores() == nil)
    }

    /// A bulletin recorded again by a later run: with the same alerts (in any order) it keeps
    /// them and takes the new run; with one alert different, exactly that one is replaced — also
    /// when the difference is one byte, or where one field ends and the next begins.
    @Test(arguments: StorePlace.Kind.allCases)
    func aBulletinRecordedAgainHoldsExactlyTheNewAlertsAndTheNewRun(kind: StorePlace.Kind) throws {
        func alert(_ unit: String, _ metric: String = "documents", _ rule: String = "rebound") -> StoredAlert {
            StoredAlert(unitID: unit, metric: metric, rule: rule)
        }
        let jan = Int(Self.jan), feb = Int(Self.feb)
        let a = alert("U1"), b = alert("U2", "", "stale"), c = alert("U3", "meetings")
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        func record(_ alerts: [StoredAlert]) throws -> Int64 {
            let run = try Self.start(store)
            try store.beginChanges()
            try store.recordBulletin(pipeline: "p", month: jan, alerts: alerts, run: run)
            try store.commitChanges()
            return run
        }
        func january() throws -> [StoredBulletin] { try store.bulletins(pipeline: "p", before: feb) }
        _ = try record([a, b, c])
        var run = try record([c, a, b, a])
        #expect(try january() == [StoredBulletin(month: jan, run: run, alerts: [a, b, c])])
        // c's rule differs: c is replaced, a and b stay.
        let c2 = alert("U3", "meetings", "cap_exceeded")
        run = try record([a, b, c2])
        #expect(try january() == [StoredBulletin(month: jan, run: run, alerts: [a, b, c2])])
        // One byte: "U1" → "U0".
        let a2 = alert("U0")
        run = try record([a2, b, c2])
        #expect(try january() == [StoredBulletin(month: jan, run: run, alerts: [a2, b, c2])])
        // A field boundary moved: unit "U3m", metric "eetings".
        let c3 = alert("U3m", "eetings", "cap_exceeded")
        run = try record([a2, b, c3])
        #expect(try january() == [StoredBulletin(month: jan, run: run, alerts: [a2, b, c3])])
        // A run rolled back leaves it; an empty bulletin empties it.
        let rolled = try Self.start(store)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: jan, alerts: [a], run: rolled)
        store.rollbackChanges()
        #expect(try january() == [StoredBulletin(month: jan, run: run, alerts: [a2, b, c3])])
        run = try record([])
        #expect(try january() == [StoredBulletin(month: jan, run: run, alerts: [])])
        run = try record([a])
        #expect(try january() == [StoredBulletin(month: jan, run: run, alerts: [a])])
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func bulletinsAreKeptPerPipelineAndMonthAndARerunReplacesItsMonth(kind: StorePlace.Kind) throws {
        let a = StoredAlert(unitID: "U1", metric: "documents", rule: "cap_exceeded")
        let b = StoredAlert(unitID: "U2", metric: "", rule: "stale")
        let jan = Int(Self.jan), feb = Int(Self.feb), mar = Int(Self.mar)
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        let run = try Self.start(store)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: jan, alerts: [a, b], run: run)
        try store.recordBulletin(pipeline: "p", month: feb, alerts: [], run: run)  // no alert: still a bulletin
        try store.recordBulletin(pipeline: "other", month: jan, alerts: [b], run: run)
        try store.recordBulletin(pipeline: "p", month: jan, alerts: [a], run: run)  // January again replaces it
        try store.commitChanges()
        #expect(try store.bulletins(pipeline: "p", before: mar) == [
            StoredBulletin(month: jan, run: run, alerts: [a]), StoredBulletin(month: feb, run: run, alerts: []),
        ])
        #expect(try store.bulletins(pipeline: "p", before: feb) == [StoredBulletin(month: jan, run: run, alerts: [a])])
        #expect(try store.bulletins(pipeline: "other", before: mar) == [StoredBulletin(month: jan, run: run, alerts: [b])])
        // A rolled-back run records none.
        let next = try Self.start(store)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: mar, alerts: [a], run: next)
        store.rollbackChanges()
        #expect(try store.bulletins(pipeline: "p", before: mar + 1).count == 2)
        // A later run's January: a stays, b stays gone, c is new (given twice, kept once); the
        // bulletin is that run's.
        let c = StoredAlert(unitID: "U3", metric: "meetings", rule: "rebound")
        let third = try Self.start(store)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: jan, alerts: [c, a, c], run: third)
        try store.commitChanges()
        #expect(try store.bulletins(pipeline: "p", before: feb) == [StoredBulletin(month: jan, run: third, alerts: [a, c])])
        #expect(try store.bulletins(pipeline: "other", before: feb) == [StoredBulletin(month: jan, run: run, alerts: [b])])
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func aBulletinIsSetAgainstAlertsByteForByteWalkingBackOneMonthAtATime(kind: StorePlace.Kind) throws {
        // Byte order: unit "Z" < "a" < "cafe" + U+0301 (NFD) < "caf" + U+00E9 (NFC); for unit
        // "a", metric "" (stale) < "documents". The two cafés are different alerts (Swift's
        // String calls them equal).
        func alert(_ unit: String, _ metric: String = "documents", _ rule: String = "rebound") -> StoredAlert {
            StoredAlert(unitID: unit, metric: metric, rule: rule)
        }
        let z = alert("Z"), a = alert("a"), aStale = alert("a", "", "stale"), nfc = alert("caf\u{E9}"), nfd = alert("cafe\u{301}")
        let jan = Int(Self.jan), feb = Int(Self.feb), mar = Int(Self.mar)
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        let run = try Self.start(store)
        try store.beginChanges()
        // Given out of order, one twice: stored once each.
        try store.recordBulletin(pipeline: "p", month: jan, alerts: [nfd, a, z, aStale, nfc, a], run: run)
        try store.recordBulletin(pipeline: "p", month: feb, alerts: [a, nfc], run: run)
        try store.commitChanges()
        func bytes(_ alerts: [StoredAlert]) -> [[UInt8]] { alerts.map { Array(($0.unitID + "|" + $0.metric + "|" + $0.rule).utf8) } }

        // Before March: February. Of [z, nfd, a, nfc, a] it raised a (twice) and nfc, nothing else.
        let february = try #require(try store.bulletin(pipeline: "p", before: mar, matching: [z, nfd, a, nfc, a], others: true))
        #expect(february.month == feb && february.run == run)
        #expect(february.raised == [false, false, true, true, true])
        #expect(february.others.isEmpty)
        // Before February: January, asked about nfc only; its others in byte order.
        let january = try #require(try store.bulletin(pipeline: "p", before: feb, matching: [nfc], others: true))
        #expect(january.month == jan && january.raised == [true])
        #expect(bytes(january.others) == bytes([z, aStale, a, nfd]))
        // Without others asked for, none listed; nothing before January.
        #expect(try store.bulletin(pipeline: "p", before: feb, matching: [nfd, alert("b")], others: false)
                == BulletinMatch(month: jan, run: run, raised: [true, false], others: []))
        #expect(try store.bulletin(pipeline: "p", before: jan, matching: [a], others: true) == nil)
        #expect(try store.bulletin(pipeline: "other", before: mar, matching: [a], others: true) == nil)

        // January again without Z and the NFD café (the NFC one stays: byte for byte another
        // alert): those two are gone, the bulletin is the new run's.
        let next = try Self.start(store)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: jan, alerts: [aStale, nfc, a], run: next)
        try store.commitChanges()
        let again = try #require(try store.bulletin(pipeline: "p", before: feb, matching: [], others: true))
        #expect(again.run == next)
        #expect(bytes(again.others) == bytes([aStale, a, nfc]))
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func theLastListOfEachMonthCountsPerPipelineAndTheWholeSeedIsKept(kind: StorePlace.Kind) throws {
        func list(_ pipeline: String, month: Int, seed: UInt64 = 1, _ units: [String]) -> RecordedSample {
            RecordedSample(
                pipeline: pipeline, month: month, seed: seed, requested: units.count, drawnAt: "2025-01-01T00:00:00Z", run: nil,
                excludeRecent: 0, includeRollups: false, jianfuVersion: "t",
                units: units.map { RecordedSample.Unit(unitID: $0, weight: 1.5, reason: "weighted") })
        }
        let place = try StorePlace(kind)
        defer { place.remove() }
        let store = try place.open()
        #expect(try store.recordSample(list("P", month: 100, seed: UInt64.max, ["A", "B"])) == 1)
        #expect(try store.recordSample(list("P", month: 101, ["C"])) == 2)
        #expect(try store.recordSample(list("P", month: 101, ["D", "E"])) == 3)
        _ = try store.recordSample(list("P", month: 102, ["F"]))
        _ = try store.recordSample(list("Q", month: 101, ["G"]))
        #expect(try store.sampledUnits(pipeline: "P", months: 100...101) == [
            SampledUnit(unitID: "A", month: 100, sample: 1, reason: "weighted"), SampledUnit(unitID: "B", month: 100, sample: 1, reason: "weighted"),
            SampledUnit(unitID: "D", month: 101, sample: 3, reason: "weighted"), SampledUnit(unitID: "E", month: 101, sample: 3, reason: "weighted"),
        ])
        #expect(try store.sampledUnits(pipeline: "P", months: 97...99) == [])
    }

    @Test(arguments: StorePlace.Kind.allCases)
    func theRunLockIsExclusiveAndReleased(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let first = try place.open()
        let me = LockHolder(pid: getpid(), since: "2024-06-01T00:00:00Z")
        #expect(try first.lockForRun(me) == nil)
        let second = try place.open()
        #expect {
            _ = try second.lockForRun(LockHolder(pid: 1, since: "later"))
        } throws: { error in
            guard case StoreError.locked(let holder, _) = error else { return false }
            // The lock file names this machine too; the server's lock says its host in the place.
            return holder?.pid == me.pid && holder?.since == me.since
                && "\(error)".hasPrefix("another run holds the lock: pid \(getpid()) since 2024-06-01T00:00:00Z")
                && (kind == .postgresql || "\(error)".contains(" on host \(ProcessInfo.processInfo.hostName)"))
        }
        first.unlockRun()
        #expect(try second.lockForRun(LockHolder(pid: 1, since: "later")) == nil)
        second.unlockRun()
    }

    @Test("a store shared by pipelines: each keeps its sources and run log, and reads the others' values", arguments: StorePlace.Kind.allCases)
    func aStoreSharedByPipelines(kind: StorePlace.Kind) throws {
        let place = try StorePlace(kind)
        defer { place.remove() }
        let east = try place.open(pipeline: "east")
        let west = try place.open(pipeline: "west")
        // Both name their source counts; west also gives E2 a February value.
        try Self.night(east, [Self.read("counts", [("E1", "2024-01", 10), ("E2", "2024-01", 4)])], at: "2024-06-01T01:00:00Z")
        try Self.night(west, [Self.read("counts", [("W1", "2024-01", 7), ("E2", "2024-02", 3)])], at: "2024-06-01T02:00:00Z")

        #expect(try east.values(source: "counts", metric: Self.documents, units: nil).values == [10, 4])
        #expect(try west.values(source: "counts", metric: Self.documents, units: nil).values == [7, 3])
        #expect(try east.recentRuns(limit: 9).count == 1 && west.recentRuns(limit: 9).count == 1)
        #expect(try east.source(named: "counts")?.report.path == "/data/counts.csv")
        #expect(try east.sharedSources().map { "\($0.pipeline) \($0.name)" } == ["west counts"])

        // A third pipeline with no source of its own sees both, the one read longest ago first.
        let county = try place.open(pipeline: "county")
        #expect(try county.sharedSources().map { "\($0.pipeline) \($0.name)" } == ["east counts", "west counts"])
        let units = try county.observedUnits(of: "west", sources: ["counts"])
        // In the order units first reached the store: SQLite numbers them store-wide (E2 came with
        // east), PostgreSQL per pipeline.
        #expect(Set(units.map(\.id)) == ["W1", "E2"] && units.count == 2)
        let code = Dictionary(uniqueKeysWithValues: units.map { ($0.storeID, $0.id) })
        let values = try county.values(of: "west", source: "counts", metric: Self.documents, units: nil)
        #expect((0..<values.count).map { "\(code[values.units[$0]]!) \(values.periods[$0] - Self.jan) \(values.values[$0])" } == ["W1 0 7.0", "E2 1 3.0"])
        let e2 = try #require(units.first { $0.id == "E2" }).storeID
        #expect(try county.values(of: "west", source: "counts", metric: Self.documents, units: [e2]).values == [3])
        #expect(try county.values(of: "nobody", source: "counts", metric: Self.documents, units: nil).count == 0)
    }
}
