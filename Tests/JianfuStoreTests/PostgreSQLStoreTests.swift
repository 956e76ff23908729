import Foundation
import JianfuModel
@testable import JianfuStore
import JianfuTestSupport
import Testing

/// What only the PostgreSQL store does, on a real PostgreSQL 15 server (`PostgresServer`): its
/// schema and migrations, the advisory run lock across connections, the snapshot of a reading
/// store, pipelines side by side on one server, and the URL of `state:`.
@Suite struct PostgreSQLStoreTests {
    /// A store of pipeline `pipeline` in a fresh database (or in `database`), the password from
    /// a variable named by `password_env`.
    static func store(
        pipeline: String = "p", database: String? = nil, readOnly: Bool = false, schema: String = PostgreSQLLocation.defaultSchema
    ) throws -> (PostgreSQLStore, database: String) {
        let server = try PostgresServer.shared()
        let name = try database ?? server.createDatabase()
        var location = try PostgreSQLLocation.parse(server.url(name)).get()
        location.schema = schema
        location.passwordVariable = "JIANFU_TEST_PASSWORD"
        return (try PostgreSQLStore(location, pipeline: pipeline, readOnly: readOnly, environment: ["JIANFU_TEST_PASSWORD": server.password]), name)
    }

    static func start(_ store: PostgreSQLStore, at: String = "2024-06-01T00:00:00Z") throws -> Int64 {
        try store.beginRun(RunStart(runID: "r", startedAt: at, pid: 1, pipelineSHA256: "p", jianfuVersion: "t", asOf: nil), reportsRunID: nil)
    }

    /// A read of source `name`: (unit, month, value) of metric documents.
    static func batch(_ values: [(String, String, Double)]) -> ObservationBatch {
        var units: [String] = []
        var stored = StoredValues()
        for (line, (unit, month, value)) in values.enumerated() {
            let u = units.firstIndex(of: unit) ?? { units.append(unit); return units.count - 1 }()
            stored.append(period: Int32(PeriodParser.parse(month)!.ordinal), unit: Int32(u), value: value, line: UInt32(line + 2))
        }
        return ObservationBatch(
            units: units, names: units.map { _ in "" }, named: units.map { _ in true }, metrics: [Metric(id: "documents")], values: [stored])
    }

    static func read(_ name: String, _ tag: String) -> SourceRead {
        SourceRead(
            fingerprint: SourceFingerprint(size: 1, sha256: tag), readKey: "k", currentMonth: 0,
            report: SourceReport(name: name, path: "/data/\(name).csv", kind: .observations), rejections: [])
    }

    @Test func aNewDatabaseGetsTheSchemaOnceAndItsVersionIsRecorded() throws {
        let (_, database) = try Self.store()
        _ = try Self.store(database: database)  // a second open changes nothing
        let server = try PostgresServer.shared()
        #expect(try server.psql("SELECT version, name FROM jianfu.schema_migrations ORDER BY version", database: database) == "1|v1\n2|v2-observation-slabs\n3|v3-score-runs-bulletin-digests\n4|v4-packed-bulletin-alerts")
        let tables = try server.psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'jianfu'", database: database)
        #expect(tables == "bulletins,declared_units,metrics,observation_history,observation_slabs,rejections,run_locks,runs,sample_units,samples,schema_migrations,score_runs,source_units,sources,unit_scores,units")
    }

    @Test func aSchemaWithOtherTablesIsRefusedAndLeftAlone() throws {
        let server = try PostgresServer.shared()
        let database = try server.createDatabase()
        try server.psql("CREATE SCHEMA jianfu AUTHORIZATION jianfu_test; CREATE TABLE jianfu.invoices (n int); ALTER TABLE jianfu.invoices OWNER TO jianfu_test", database: database)
        #expect {
            _ = try Self.store(database: database)
        } throws: { error in
            "\(error)".contains("holds tables jianfu did not create (invoices)")
        }
        #expect(try server.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'jianfu'", database: database) == "1")
    }

    @Test func aStoreWrittenByANewerJianfuIsRefused() throws {
        let (_, database) = try Self.store()
        try PostgresServer.shared().psql("INSERT INTO jianfu.schema_migrations (version, name) VALUES (99, 'future')", database: database)
        #expect {
            _ = try Self.store(database: database)
        } throws: { error in
            guard case StoreError.newerSchema(_, 99, 4) = error else { return false }
            return true
        }
    }

    @Test func aCorrectionKeepsTheOldValueAndValuesComeBackInKeyOrder() throws {
        let (store, database) = try Self.store()
        let first = try Self.start(store)
        try store.beginChanges()
        #expect(try store.recordObservations(Self.batch([("U2", "2024-01", 5), ("U1", "2024-01", 10), ("U1", "2024-02", 8)]),
                                             read: Self.read("counts", "a"), run: first) == MergeCount(added: 3, corrections: 0))
        try store.commitChanges()

        // 2024-02 re-sent as 7 (a correction), 2024-01 unchanged, 2024-03 new; U2 not sent.
        let second = try Self.start(store)
        try store.beginChanges()
        #expect(try store.recordObservations(Self.batch([("U1", "2024-01", 10), ("U1", "2024-02", 7), ("U1", "2024-03", 6)]),
                                             read: Self.read("counts", "b"), run: second) == MergeCount(added: 1, corrections: 1))
        try store.commitChanges()
        #expect(first == 1 && second == 2, "run numbers count per pipeline")

        // Units are numbered in the order they first reached the store: U2 = 1, U1 = 2.
        let values = try store.values(source: "counts", metric: Metric(id: "documents"), units: nil)
        let jan = Int32(2024 * 12), feb = jan + 1, mar = jan + 2
        #expect(values.periods == [jan, jan, feb, mar])
        #expect(values.units == [1, 2, 2, 2])
        #expect(values.values == [5, 10, 7, 6])
        #expect(values.lines == [2, 3, 3, 4], "a changed value takes its new line; an unchanged one keeps its old")
        #expect(try store.values(source: "counts", metric: Metric(id: "documents"), units: [1]).values == [5])
        #expect(try store.values(source: "counts", metric: Metric(id: "documents", granularity: .quarter), units: nil).count == 0)
        #expect(try store.corrections(run: second) == [
            Correction(unitID: "U1", metric: "documents", period: Period(year: 2024, month: 2), oldValue: 8, newValue: 7, source: "counts", line: 3, run: second),
        ])
        #expect(try PostgresServer.shared().psql(
            "SELECT period, value, run, replaced_by_run, new_value FROM jianfu.observation_history", database: database) == "24289|8|1|2|7")
    }

    /// A store as jianfu's schema version 1 left it (a row per value in `observations`), its
    /// rows written by hand: opening it moves the values into slabs, packed little-endian in
    /// unit order, keeps the history (with the line of the value that replaced each one), and
    /// the next night merges into the moved slabs.
    @Test func aVersion1StoreHasItsValuesMovedIntoSlabs() throws {
        let server = try PostgresServer.shared()
        let database = try server.createDatabase()
        // 2024-01 = 2024 × 12 = 24288, 2024-02 = 24289; 2024Q1 = 2024 × 4 = 8096.
        try server.psql("""
            SET ROLE \(server.user); CREATE SCHEMA jianfu; SET search_path TO jianfu;
            \(PostgreSQLSchema.migrations[0].sql)
            CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO schema_migrations (version, name) VALUES (1, 'v1');
            INSERT INTO runs (pipeline, id, run_id, started_at, host, pid, pipeline_sha256, jianfu_version, outcome)
                VALUES ('p', 1, 'r1', '2024-02-01T00:00:00Z', 'h', 1, 'x', 't', 'ok'), ('p', 2, 'r2', '2024-03-01T00:00:00Z', 'h', 1, 'x', 't', 'ok');
            INSERT INTO metrics (pipeline, name, granularity) VALUES ('p', 'documents', 'month'), ('p', 'survey', 'quarter');
            INSERT INTO units (pipeline, id, code) VALUES ('p', 1, 'U1'), ('p', 2, 'U2'), ('p', 3, 'U3');
            INSERT INTO sources (pipeline, name, kind, location, size, sha256, read_key, latest_month, read_run, encoding, rows_read,
                                 rows_rejected, cells_rejected, blank_lines, observations, threads, periods)
                VALUES ('p', 'counts', 'observations', '/data/counts.csv', 1, 'a', 'k', 0, 2, 'utf-8', 5, 0, 0, 0, 5, 1, '');
            INSERT INTO source_units (source, unit, name) VALUES (1, 1, ''), (1, 2, ''), (1, 3, '');
            INSERT INTO observations (source, metric, period, unit, value, line, run) VALUES
                (1, 1, 24288, 2, 10.5, 3, 1), (1, 1, 24288, 1, -0.25, 2, 1), (1, 1, 24289, 1, 7, 4, 2), (1, 1, 24289, 2, 1e-300, 5, 1),
                (1, 2, 8096, 3, 123456.789, 6, 1);
            INSERT INTO observation_history (source, metric, period, unit, value, line, run, replaced_by_run, new_value)
                VALUES (1, 1, 24289, 1, 8, 4, 1, 2, 7);
            INSERT INTO unit_scores (pipeline, unit_id, category, composite, run) VALUES ('p', 'U1', '村', 61.5, 2), ('p', 'U2', '村', NULL, 2);
            INSERT INTO bulletins (pipeline, month, run) VALUES ('p', 24289, 2);
            INSERT INTO bulletin_alerts (pipeline, month, unit_id, metric, rule, run) VALUES
                ('p', 24289, 'U1', 'documents', 'rebound', 1), ('p', 24289, 'U2', '', 'stale', 2);
            """, database: database)
        let (store, _) = try Self.store(database: database)

        #expect(try server.psql("SELECT version FROM jianfu.schema_migrations ORDER BY version", database: database) == "1\n2\n3\n4")
        // v3: the scores' run kept once. v4: the bulletin's rows packed in key order, each field
        // as its length (4 bytes, little-endian) and bytes — 02000000 "U1" 09000000 "documents"
        // 07000000 "rebound" 02000000 "U2" 00000000 (the empty metric) 05000000 "stale" —, its
        // digest that value's SHA-256; `bulletin_alerts` spells it out.
        let scores = try #require(try store.scores())
        #expect(scores.run == 2)
        #expect(scores.scores == [UnitScore(unitID: "U1", category: "村", composite: 61.5), UnitScore(unitID: "U2", category: "村", composite: nil)])
        #expect(try server.psql("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'jianfu' AND table_name = 'unit_scores' AND column_name = 'run'", database: database) == "0")
        #expect(try server.psql(
            "SELECT run, encode(alerts, 'hex'), alerts_sha256 = encode(sha256(alerts), 'hex') FROM jianfu.bulletins", database: database)
            == "2|02000000553109000000646f63756d656e7473070000007265626f756e6402000000553200000000050000007374616c65|t")
        #expect(try server.psql("SELECT month, unit_id, metric, rule FROM jianfu.bulletin_alerts", database: database)
            == "24289|U1|documents|rebound\n24289|U2||stale")
        #expect(try server.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'jianfu' AND tablename = 'bulletin_alerts'", database: database) == "0")
        #expect(try server.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'jianfu' AND tablename = 'observations'", database: database) == "0")
        // Units 1, 2 as little-endian Int32; -0.25 = 0xBFD0000000000000 and 10.5 = 0x4025000000000000,
        // each little-endian; lines 2, 3; runs 1, 1.
        #expect(try server.psql("""
            SELECT encode(units, 'hex'), encode(vals, 'hex'), encode(lines, 'hex'), encode(runs, 'hex')
            FROM jianfu.observation_slabs WHERE metric = 1 AND period = 24288
            """, database: database) == "0100000002000000|000000000000d0bf0000000000002540|0200000003000000|0100000001000000")
        let documents = try store.values(source: "counts", metric: Metric(id: "documents"), units: nil)
        #expect(documents.periods == [24288, 24288, 24289, 24289])
        #expect(documents.units == [1, 2, 1, 2])
        #expect(documents.values == [-0.25, 10.5, 7, 1e-300])
        #expect(documents.lines == [2, 3, 4, 5])
        let survey = try store.values(source: "counts", metric: Metric(id: "survey", granularity: .quarter), units: nil)
        #expect(survey.periods == [8096] && survey.units == [3] && survey.values == [123456.789] && survey.lines == [6])
        #expect(try store.values(source: "counts", metric: Metric(id: "documents"), units: [2]).values == [10.5, 1e-300])
        #expect(try store.corrections(run: 2) == [
            Correction(unitID: "U1", metric: "documents", period: Period(year: 2024, month: 2), oldValue: 8, newValue: 7, source: "counts", line: 4, run: 2),
        ])
        #expect(try server.psql(
            "SELECT unit_id, metric, period, value, line, run FROM jianfu.observation_values ORDER BY metric, period, unit_id", database: database) == """
            U1|documents|2024-01|-0.25|2|1
            U2|documents|2024-01|10.5|3|1
            U1|documents|2024-02|7|4|2
            U2|documents|2024-02|1e-300|5|1
            U3|survey|2024Q1|123456.789|6|1
            """)
        let report = try store.check()
        #expect(report.problems == [])
        #expect(Dictionary(uniqueKeysWithValues: report.counts)["slabs"] == 3)
        #expect(Dictionary(uniqueKeysWithValues: report.counts)["values"] == 5)

        // The next night: U1's 2024-01 corrected, U3 new in 2024-01.
        let third = try Self.start(store)
        try store.beginChanges()
        #expect(try store.recordObservations(Self.batch([("U1", "2024-01", -0.5), ("U3", "2024-01", 1)]), read: Self.read("counts", "b"), run: third)
                == MergeCount(added: 1, corrections: 1))
        // February's bulletin again, the same alerts: known by the digest the migration gave
        // it, the bulletin takes the run and keeps its alerts.
        try store.recordBulletin(
            pipeline: "p", month: 24289,
            alerts: [StoredAlert(unitID: "U2", metric: "", rule: "stale"), StoredAlert(unitID: "U1", metric: "documents", rule: "rebound")], run: third)
        try store.commitChanges()
        #expect(third == 3)
        #expect(try server.psql("SELECT run, alerts_sha256 IS NOT NULL FROM jianfu.bulletins", database: database) == "3|t")
        #expect(try server.psql("SELECT unit_id, metric, rule FROM jianfu.bulletin_alerts ORDER BY unit_id", database: database) == "U1|documents|rebound\nU2||stale")
        let after = try store.values(source: "counts", metric: Metric(id: "documents"), units: nil)
        #expect(after.units == [1, 2, 3, 1, 2])
        #expect(after.values == [-0.5, 10.5, 1, 7, 1e-300])
        #expect(after.lines == [2, 3, 3, 4, 5])
        #expect(try store.corrections(run: 3) == [
            Correction(unitID: "U1", metric: "documents", period: Period(year: 2024, month: 1), oldValue: -0.25, newValue: -0.5, source: "counts", line: 2, run: 3),
        ])
    }

    @Test func theRunLockExcludesTheSamePipelineOnlyAndNamesItsHolder() throws {
        let (first, database) = try Self.store(pipeline: "county")
        let me = LockHolder(pid: 4242, since: "2024-06-01T00:00:00Z")
        #expect(try first.lockForRun(me) == nil)
        // Another connection (another process, another machine) for the same pipeline.
        let (second, _) = try Self.store(pipeline: "county", database: database)
        #expect {
            _ = try second.lockForRun(LockHolder(pid: 1, since: "later"))
        } throws: { error in
            guard case StoreError.locked(let holder, let place) = error else { return false }
            return holder == me && place.hasPrefix("held on host ") && "\(error)".hasPrefix("another run holds the lock: pid 4242 since 2024-06-01T00:00:00Z (held on host ")
        }
        // Another pipeline on the same server is not blocked.
        let (other, _) = try Self.store(pipeline: "province", database: database)
        #expect(try other.lockForRun(LockHolder(pid: 2, since: "now")) == nil)
        other.unlockRun()
        first.unlockRun()
        #expect(try second.lockForRun(LockHolder(pid: 3, since: "now")) == nil, "released: the next run takes it")
        second.unlockRun()
    }

    @Test func aLockLeftByADeadSessionIsTakenOverAndItsHolderReturned() throws {
        let (_, database) = try Self.store(pipeline: "county")
        do {
            let (dying, _) = try Self.store(pipeline: "county", database: database)
            _ = try dying.lockForRun(LockHolder(pid: 999_999, since: "yesterday"))
            // The process dies: its session ends without unlockRun (the row stays, the lock goes).
            try PostgresServer.shared().psql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND application_name = 'jianfu'",
                database: database)
            _ = dying
        }
        let (next, _) = try Self.store(pipeline: "county", database: database)
        #expect(try next.lockForRun(LockHolder(pid: 5, since: "today")) == LockHolder(pid: 999_999, since: "yesterday"))
        next.unlockRun()
    }

    @Test func aReadingStoreSeesOneSnapshotWhileARunCommits() throws {
        let (writer, database) = try Self.store()
        _ = try Self.start(writer)
        let (reader, _) = try Self.store(database: database, readOnly: true)
        #expect(try reader.recentRuns(limit: 10).count == 1)
        let run = try Self.start(writer, at: "2024-07-01T00:00:00Z")
        try writer.beginChanges()
        _ = try writer.recordObservations(Self.batch([("U1", "2024-01", 1)]), read: Self.read("counts", "a"), run: run)
        try writer.commitChanges()
        #expect(try reader.recentRuns(limit: 10).count == 1, "the reader's snapshot was taken before")
        #expect(try reader.source(named: "counts") == nil)
        let (later, _) = try Self.store(database: database, readOnly: true)
        #expect(try later.recentRuns(limit: 10).count == 2)
        #expect(try later.source(named: "counts")?.readRun == run)
    }

    @Test func pipelinesOnOneServerKeepTheirOwnRunsSourcesAndValues() throws {
        let (a, database) = try Self.store(pipeline: "east")
        let (b, _) = try Self.store(pipeline: "west", database: database)
        for (store, value) in [(a, 1.0), (b, 2.0)] {
            let run = try Self.start(store)
            try store.beginChanges()
            _ = try store.recordObservations(Self.batch([("U1", "2024-01", value)]), read: Self.read("counts", "x"), run: run)
            try store.commitChanges()
        }
        #expect(try a.recentRuns(limit: 5).map(\.number) == [1])
        #expect(try b.recentRuns(limit: 5).map(\.number) == [1])
        #expect(try a.values(source: "counts", metric: Metric(id: "documents"), units: nil).values == [1])
        #expect(try b.values(source: "counts", metric: Metric(id: "documents"), units: nil).values == [2])
    }

    @Test func aReadingStoreOfAnEmptyDatabaseIsEmpty() throws {
        let server = try PostgresServer.shared()
        let (reader, _) = try Self.store(database: try server.createDatabase(), readOnly: true)
        #expect(!reader.hasSchema)
        #expect(try reader.recentRuns(limit: 5).isEmpty)
    }

    @Test func aServerThatDoesNotAnswerIsAnErrorInWords() throws {
        let port = try PostgresServer.freePort()
        let location = try PostgreSQLLocation.parse("postgresql://nobody@127.0.0.1:\(port)/none").get()
        #expect {
            _ = try PostgreSQLStore(location, pipeline: "p", environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("the state store postgresql://nobody@127.0.0.1:\(port)/none cannot be used: cannot connect to the PostgreSQL server")
                && text.contains("Connection refused")
        }
    }

    @Test func theURLOfState() {
        func problem(_ url: String) -> PostgreSQLLocation.Problem? {
            if case .failure(let problem) = PostgreSQLLocation.parse(url) { return problem }
            return nil
        }
        #expect(PostgreSQLLocation.parse("postgresql://ops@db.example:5433/county?sslmode=require&schema=east")
                == .success(PostgreSQLLocation(user: "ops", host: "db.example", port: 5433, database: "county", schema: "east", sslMode: "require")))
        #expect(PostgreSQLLocation.parse("postgres://db/county") == .success(PostgreSQLLocation(user: nil, host: "db", port: nil, database: "county")))
        #expect(problem("postgresql://ops:s3cret@db/county") == .password)
        #expect(problem("postgresql://db/county?password=s3cret") == .password)
        #expect(problem("postgresql://db/county?schema=Bad-Name") != nil)
        #expect(problem("postgresql://db/county?sslmode=maybe") != nil)
        #expect(problem("postgresql://db:99999/county") != nil)
        #expect(problem("postgresql://db") != nil)
        #expect(problem("postgresql://db/county?application_name=x") != nil)
        #expect("\(PostgreSQLLocation(user: "ops", host: "::1", port: 5432, database: "c", schema: "east"))" == "postgresql://ops@[::1]:5432/c?schema=east")
    }
}
