import Foundation
import Glibc
import JianfuModel

/// The state store on a PostgreSQL server (SPEC §8 `state: postgresql://…`), shared by many
/// pipelines and machines: the same semantics as `SQLiteStore`, over libpq (`PGConnection`).
///
/// - One connection per store. A run's data changes are one transaction on it, from
///   `beginChanges` to `commitChanges`: a run killed at any moment (during a `COPY`, during
///   the commit) leaves the store as the last committed run left it, since the server rolls
///   back the transaction of a session that ends. The run log is written outside it, in small
///   transactions of its own, as in SQLite.
/// - The run lock is a session-level advisory lock (`pg_try_advisory_lock`) on a key derived
///   from the schema and the pipeline's name: it holds across machines, is released by the
///   server when the holder's connection ends however the process ends, and runs of other
///   pipelines take other keys. `run_locks` names the holder (host, pid, since) for the exit-4
///   message.
/// - Everything is keyed by the pipeline's `name` (`pipeline`), so one schema holds many
///   pipelines; run and unit numbers count per pipeline.
/// - Values are kept in slabs, a row per (source, metric, period) with its values packed
///   (`ObservationSlab`, as in SQLite). Bulk writes go through `COPY … FROM STDIN`: new slabs
///   straight into `observation_slabs`, changed ones into a temporary table and back with one
///   `UPDATE`, the replaced values into `observation_history`. Bulk reads are one statement a
///   metric with binary results.
/// - A store opened `readOnly` (`jianfu unit`, `history`, `sample`'s figures) reads in one
///   `REPEATABLE READ READ ONLY` transaction: one consistent snapshot while writers commit.
///
/// The password is never in `location`, a log or an error: libpq reads `PGPASSWORD` or
/// `~/.pgpass`, or the variable `password_env` names.
package final class PostgreSQLStore {
    /// The URL (without password), as logs and errors name the store.
    package let location: String
    /// The pipeline (`name:`) whose sources, runs and lock this store's methods use.
    package let pipeline: String
    let place: PostgreSQLLocation
    let readOnly: Bool
    let connection: PGConnection
    /// Whether jianfu's tables exist (a read-only store of a server no run wrote to has none:
    /// it reads as empty).
    package private(set) var hasSchema: Bool
    /// Whether the read-only snapshot transaction is open.
    private var snapshotOpen = false
    private var holdsLock = false
    let host: String
    /// Unit code → the pipeline's unit number, loaded once per transaction.
    var unitIDs: [UnitKey: Int32]?
    var nextUnitID: Int32 = 1
    /// Metric name → id (the pipeline's).
    var metricIDs: [String: Int32] = [:]
    /// Held by `access` (re-entered by a body that calls it again).
    private let calls = NSRecursiveLock()

    /// Connects to the server at `location` for pipeline `pipeline`; unless `readOnly`,
    /// creates the schema and its tables, or upgrades them (`PostgreSQLSchema`). A schema that
    /// holds tables jianfu did not create is refused (`StoreError.notAStore`), one written by a
    /// newer jianfu too (`StoreError.newerSchema`). `environment` supplies `password_env`'s
    /// variable.
    package init(
        _ location: PostgreSQLLocation, pipeline: String, readOnly: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        self.location = location.description
        self.pipeline = pipeline
        self.place = location
        self.readOnly = readOnly
        host = Self.hostName()
        let parameters = try location.connectionParameters(environment: environment)
        do {
            connection = try PGConnection(parameters: parameters, location: location.description)
        } catch let error as PGError {
            throw StoreError.unusable(path: location.description, reason: Self.connectReason(error, location))
        }
        hasSchema = false
        try access { db in
            try db.execute("SET client_min_messages TO warning")
            try db.execute("SELECT set_config('search_path', $1, false)", [PGConnection.identifier(location.schema)])
            let encoding = try db.execute("SHOW server_encoding").string(0, 0) ?? ""
            guard encoding == "UTF8" else {
                throw StoreError.unusable(
                    path: self.location,
                    reason: "the database's encoding is \(encoding), not UTF8 (unit ids and names are Chinese text); create the database with ENCODING 'UTF8'")
            }
        }
        hasSchema = try access { db in try Self.migrationsTable(db, schema: location.schema) }
        if !readOnly {
            try migrate()
            hasSchema = true
        } else if hasSchema {
            try checkVersion()
        }
    }

    // MARK: Connection, errors

    /// Runs `body` on the connection, turning server errors into `StoreError.unusable` in words.
    /// One body at a time: a run calls the store from more than one thread (its ledger's read
    /// beside its store writes, `PipelineRunner.render`), and they take turns on the
    /// connection and on the store's caches, as GRDB's queue makes SQLite's calls take turns.
    func access<T>(_ body: (PGConnection) throws -> T) throws -> T {
        calls.lock()
        defer { calls.unlock() }
        do {
            return try body(connection)
        } catch let error as StoreError {
            throw error
        } catch let error as PGError {
            throw StoreError.unusable(path: location, reason: Self.reason(error))
        }
    }

    /// A read: inside the snapshot transaction when read-only (opened on the first read).
    func read<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try access { db in
            if readOnly, !snapshotOpen {
                try db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                snapshotOpen = true
            }
            return try body(db)
        }
    }

    /// The server's error in words; a lost connection says so.
    static func reason(_ error: PGError) -> String {
        if error.connectionLost {
            return "the connection to the PostgreSQL server was lost (\(error.message)); what this run had not committed is not kept"
        }
        return "PostgreSQL: \(error.message)"
    }

    /// Why a connection could not be opened, with what to do about a missing password.
    static func connectReason(_ error: PGError, _ location: PostgreSQLLocation) -> String {
        var reason = "cannot connect to the PostgreSQL server: \(error.message)"
        if error.message.contains("no password supplied") || error.message.contains("password authentication failed") {
            let from = location.passwordVariable.map { "the variable \($0) (password_env)" } ?? "PGPASSWORD or ~/.pgpass"
            reason += "; jianfu takes the password from \(from), never from the pipeline file"
        }
        return reason
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Schema

    /// Whether `schema.schema_migrations` exists.
    private static func migrationsTable(_ db: PGConnection, schema: String) throws -> Bool {
        try db.execute("SELECT to_regclass($1) IS NOT NULL", [PGConnection.identifier(schema) + ".schema_migrations"]).bool(0, 0) ?? false
    }

    /// Creates or upgrades the tables, in one transaction under an advisory lock.
    private func migrate() throws {
        let schema = PGConnection.identifier(place.schema)
        try access { db in
            try db.execute("BEGIN")
            do {
                try db.execute("SELECT pg_advisory_xact_lock($1)", [PostgreSQLSchema.migrationLockKey(schema: place.schema)])
                try db.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
                if try !Self.migrationsTable(db, schema: place.schema) {
                    let tables = try db.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename COLLATE \"C\" LIMIT 6", [place.schema])
                    if tables.count > 0 {
                        let names = (0..<min(tables.count, 5)).compactMap { tables.string($0, 0) }.joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
                        throw StoreError.notAStore(
                            path: location,
                            reason: "its schema \(place.schema) holds tables jianfu did not create (\(names)); jianfu leaves them as they are: name another schema with ?schema=")
                    }
                    try db.execute("""
                        CREATE TABLE \(schema).schema_migrations (
                            version integer PRIMARY KEY,
                            name text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now()
                        )
                        """)
                }
                let applied = try appliedVersions(db)
                if let newest = applied.max(), newest > PostgreSQLSchema.version {
                    throw StoreError.newerSchema(path: location, found: newest, known: PostgreSQLSchema.version)
                }
                for migration in PostgreSQLSchema.migrations where !applied.contains(migration.version) {
                    try db.executeScript(migration.sql)
                    try db.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name])
                }
                try db.execute("COMMIT")
            } catch {
                _ = try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    private func appliedVersions(_ db: PGConnection) throws -> Set<Int> {
        let rows = try db.execute("SELECT version FROM schema_migrations")
        return Set((0..<rows.count).compactMap { rows.int($0, 0) })
    }

    /// A read-only store refuses a schema written by a newer jianfu.
    private func checkVersion() throws {
        try read { db in
            if let newest = try appliedVersions(db).max(), newest > PostgreSQLSchema.version {
                throw StoreError.newerSchema(path: location, found: newest, known: PostgreSQLSchema.version)
            }
        }
    }

    /// A stable 64-bit key for an advisory lock: FNV-1a over the parts, each ended by a zero
    /// byte (the same on every machine and jianfu version).
    static func lockKey(_ parts: String...) -> Int64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for part in parts {
            for byte in part.utf8 + [0] {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
        }
        return Int64(bitPattern: hash)
    }

    /// The run lock's key: the schema and the pipeline (another pipeline's runs take another).
    var runLockKey: Int64 { Self.lockKey("jianfu-run", place.schema, pipeline) }

    /// Runs `body` in a transaction of its own, unless one is open (then in that one).
    func transaction<T>(_ db: PGConnection, _ body: () throws -> T) throws -> T {
        guard !db.inTransaction else { return try body() }
        try db.execute("BEGIN")
        do {
            let result = try body()
            try db.execute("COMMIT")
            return result
        } catch {
            _ = try? db.execute("ROLLBACK")
            throw error
        }
    }

    // MARK: The run

    package func lockForRun(_ holder: LockHolder) throws -> LockHolder? {
        try access { db in
            let key = runLockKey
            let current = try db.execute("SELECT host, pid, since FROM run_locks WHERE pipeline = $1", [pipeline])
            let recorded = current.count > 0
                ? (host: current.string(0, 0) ?? "", holder: LockHolder(pid: Int32(current.int(0, 1) ?? 0), since: current.string(0, 2) ?? ""))
                : nil
            guard try db.execute("SELECT pg_try_advisory_lock($1)", [key]).bool(0, 0) == true else {
                let place = "held on host \(recorded?.host ?? "unknown"), PostgreSQL advisory lock of pipeline \(pipeline) in \(location)"
                throw StoreError.locked(holder: recorded?.holder, lockFile: place)
            }
            holdsLock = true
            try db.execute(
                """
                INSERT INTO run_locks (pipeline, host, pid, since, backend_pid) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (pipeline) DO UPDATE SET host = excluded.host, pid = excluded.pid, since = excluded.since,
                    backend_pid = excluded.backend_pid
                """,
                [pipeline, host, holder.pid, holder.since, db.backendPID])
            // A row left behind: its holder's session ended without releasing (the process died).
            return recorded?.holder
        }
    }

    package func unlockRun() {
        guard holdsLock else { return }
        holdsLock = false
        _ = try? access { db -> Void in
            if db.inTransaction { try db.execute("ROLLBACK") }
            try db.execute("DELETE FROM run_locks WHERE pipeline = $1 AND backend_pid = $2", [pipeline, db.backendPID])
            try db.execute("SELECT pg_advisory_unlock($1)", [runLockKey])
        }
    }

    static let runColumns = """
        id, run_id, started_at, pid, pipeline_sha256, jianfu_version, as_of, outcome, exit_code, finished_at, message,
        sources_read, rows_read, rows_rejected, cells_rejected, observations, corrections, latest_month
        """

    static func runRecord(_ r: PGResult, _ i: Int) -> RunRecord {
        let start = RunStart(
            runID: r.string(i, 1) ?? "", startedAt: r.string(i, 2) ?? "", pid: Int32(r.int(i, 3) ?? 0),
            pipelineSHA256: r.string(i, 4) ?? "", jianfuVersion: r.string(i, 5) ?? "", asOf: r.string(i, 6))
        var end: RunEnd?
        if let outcome = RunOutcome(rawValue: r.string(i, 7) ?? ""), outcome != .running {
            var e = RunEnd(outcome: outcome, exitCode: Int32(r.int(i, 8) ?? -1), finishedAt: r.string(i, 9) ?? "", message: r.string(i, 10))
            e.sourcesRead = r.int(i, 11) ?? 0
            e.quality.rowsRead = r.int(i, 12) ?? 0
            e.quality.rowsRejected = r.int(i, 13) ?? 0
            e.quality.cellsRejected = r.int(i, 14) ?? 0
            e.quality.observations = r.int(i, 15) ?? 0
            e.corrections = r.int(i, 16) ?? 0
            e.latestMonth = r.int(i, 17)
            end = e
        }
        return RunRecord(number: r.int64(i, 0) ?? 0, start: start, end: end)
    }

    package func beginRun(_ run: RunStart, reportsRunID: String?) throws -> Int64 {
        try access { db in
            try transaction(db) {
                let unsettled = try db.execute(
                    "SELECT \(Self.runColumns) FROM runs WHERE pipeline = $1 AND outcome IN ('running', 'committed')", [pipeline])
                for i in 0..<unsettled.count {
                    let record = Self.runRecord(unsettled, i)
                    let outcome = record.settled(reportsRunID: reportsRunID)
                    try db.execute(
                        """
                        UPDATE runs SET outcome = $1, exit_code = CASE $1 WHEN 'ok' THEN 0 ELSE NULL END, message = COALESCE(message, $2)
                        WHERE pipeline = $3 AND id = $4
                        """,
                        [outcome.rawValue, SQLiteStore.settledMessage[outcome], pipeline, record.number])
                }
                let inserted = try db.execute(
                    """
                    INSERT INTO runs (pipeline, id, run_id, started_at, host, pid, pipeline_sha256, jianfu_version, as_of, outcome)
                    SELECT $1, COALESCE(MAX(id), 0) + 1, $2, $3, $4, $5, $6, $7, $8, 'running' FROM runs WHERE pipeline = $1
                    RETURNING id
                    """,
                    [pipeline, run.runID, run.startedAt, host, run.pid, run.pipelineSHA256, run.jianfuVersion, run.asOf])
                return inserted.int64(0, 0) ?? 0
            }
        }
    }

    package func finishRun(_ number: Int64, _ end: RunEnd) throws {
        try access { db -> Void in
            try db.execute(
                """
                UPDATE runs SET finished_at = $1, outcome = $2, exit_code = $3, message = $4, sources_read = $5, rows_read = $6,
                    rows_rejected = $7, cells_rejected = $8, observations = $9, corrections = $10, latest_month = $11
                WHERE pipeline = $12 AND id = $13
                """,
                [end.finishedAt, end.outcome.rawValue, end.exitCode, end.message, end.sourcesRead, end.quality.rowsRead, end.quality.rowsRejected,
                 end.quality.cellsRejected, end.quality.observations, end.corrections, end.latestMonth, pipeline, number])
        }
    }

    package func recentRuns(limit: Int) throws -> [RunRecord] {
        guard hasSchema else { return [] }
        return try read { db in
            let rows = try db.execute(
                "SELECT \(Self.runColumns) FROM runs WHERE pipeline = $1 ORDER BY id DESC LIMIT $2", [pipeline, limit])
            return (0..<rows.count).map { Self.runRecord(rows, $0) }
        }
    }

    // MARK: The run's changes

    package func beginChanges() throws {
        try access { db -> Void in try db.execute("BEGIN") }
        unitIDs = nil
    }

    package func commitChanges() throws {
        try access { db -> Void in try db.execute("COMMIT") }
        unitIDs = nil
    }

    package func rollbackChanges() {
        _ = try? access { db -> Void in if db.inTransaction { try db.execute("ROLLBACK") } }
        unitIDs = nil
        metricIDs = [:]
    }

    package func syncMetrics(_ metrics: [Metric], dropping: Set<String>) throws -> [GranularityChange] {
        try access { db in try syncMetrics(metrics, dropping: dropping, db) }
    }

    func syncMetrics(_ metrics: [Metric], dropping: Set<String>, _ db: PGConnection) throws -> [GranularityChange] {
            var stored: [String: (id: Int32, granularity: String)] = [:]
            let rows = try db.execute("SELECT id, name, granularity FROM metrics WHERE pipeline = $1", [pipeline])
            for i in 0..<rows.count {
                stored[rows.string(i, 1) ?? ""] = (Int32(rows.int(i, 0) ?? 0), rows.string(i, 2) ?? "")
            }
            let changes = try GranularityChange.changes(metrics, stored: stored.mapValues(\.granularity), dropping: dropping)
            for metric in metrics {
                if let (id, granularity) = stored[metric.id] {
                    if granularity != metric.granularity.rawValue {
                        try db.execute("DELETE FROM observation_slabs WHERE metric = $1", [id])
                        try db.execute("DELETE FROM observation_history WHERE metric = $1", [id])
                        try db.execute("UPDATE metrics SET granularity = $1 WHERE id = $2", [metric.granularity.rawValue, id])
                    }
                    metricIDs[metric.id] = id
                } else {
                    metricIDs[metric.id] = Int32(try db.execute(
                        "INSERT INTO metrics (pipeline, name, granularity) VALUES ($1, $2, $3) RETURNING id",
                        [pipeline, metric.id, metric.granularity.rawValue]
                    ).int(0, 0) ?? 0)
                }
            }
            return changes
    }

    // MARK: Sources

    package func source(named name: String) throws -> StoredSource? {
        guard hasSchema else { return nil }
        return try read { db in
            let r = try db.execute(
                """
                SELECT s.kind, s.location, s.encoding, s.rows_read, s.rows_rejected, s.cells_rejected, s.blank_lines, s.observations,
                    s.threads, s.periods, s.size, s.mtime_ns, s.sha256, s.etag, s.last_modified, s.read_key, s.latest_month,
                    s.read_run, r.started_at
                FROM sources s JOIN runs r ON r.pipeline = s.pipeline AND r.id = s.read_run
                WHERE s.pipeline = $1 AND s.name = $2
                """,
                [pipeline, name])
            guard r.count == 1 else { return nil }
            var report = SourceReport(name: name, path: r.string(0, 1) ?? "", kind: SourceKind(rawValue: r.string(0, 0) ?? "") ?? .observations)
            report.encoding = SourceEncoding(rawValue: r.string(0, 2) ?? "") ?? .auto
            report.rowsRead = r.int(0, 3) ?? 0
            report.rowsRejected = r.int(0, 4) ?? 0
            report.cellsRejected = r.int(0, 5) ?? 0
            report.blankLines = r.int(0, 6) ?? 0
            report.observations = r.int(0, 7) ?? 0
            report.threads = r.int(0, 8) ?? 1
            for line in (r.string(0, 9) ?? "").split(separator: "\n") {
                let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else { continue }
                report.firstPeriod[parts[0]] = parts[1]
                report.lastPeriod[parts[0]] = parts[2]
            }
            let fingerprint = SourceFingerprint(
                size: r.int64(0, 10) ?? 0, modified: r.int64(0, 11), sha256: r.string(0, 12) ?? "", etag: r.string(0, 13),
                lastModified: r.string(0, 14))
            return StoredSource(
                fingerprint: fingerprint, readKey: r.string(0, 15) ?? "", currentMonth: r.int(0, 16) ?? 0, report: report,
                readRun: r.int64(0, 17) ?? 0, readAt: r.string(0, 18) ?? "")
        }
    }

    package func rejections(source name: String) throws -> [Rejection] {
        guard hasSchema else { return [] }
        return try read { db in
            let r = try db.execute(
                """
                SELECT j.line, j.field, j.reason, j.message, j.raw, j.is_cell, j.reason_id, j.value, j.detail, j.cell
                FROM rejections j JOIN sources s ON s.id = j.source
                WHERE s.pipeline = $1 AND s.name = $2 ORDER BY j.seq
                """,
                [pipeline, name])
            return (0..<r.count).map { i in
                // A problem of a kind this jianfu does not know keeps its code and English sentence.
                let problem = RejectionProblem(id: r.string(i, 6) ?? "", value: r.string(i, 7) ?? "", detail: r.string(i, 8) ?? "")
                    ?? .recorded(RejectionReason(rawValue: r.string(i, 2) ?? "") ?? .malformedRow, message: r.string(i, 3) ?? "")
                return Rejection(
                    source: name, line: r.int(i, 0) ?? 0, field: r.string(i, 1) ?? "", problem: problem, raw: r.string(i, 4) ?? "",
                    isCell: r.bool(i, 5) ?? false, cell: r.string(i, 9))
            }
        }
    }

    package func declaredUnits(source name: String) throws -> [MonitoredUnit] {
        guard hasSchema else { return [] }
        return try read { db in
            let r = try db.execute(
                """
                SELECT d.unit_id, d.name, d.category, d.parent_id, d.responsible FROM declared_units d JOIN sources s ON s.id = d.source
                WHERE s.pipeline = $1 AND s.name = $2 ORDER BY d.position
                """,
                [pipeline, name])
            return (0..<r.count).map { i in
                MonitoredUnit(
                    id: r.string(i, 0) ?? "", name: r.string(i, 1) ?? "", category: r.string(i, 2) ?? "", parentID: r.string(i, 3),
                    responsible: r.string(i, 4) ?? "")
            }
        }
    }

    package func recordUnits(_ units: [MonitoredUnit], read: SourceRead, run: Int64) throws {
        try access { db in
            let source = try saveRead(read, run: run, db)
            try db.execute("DELETE FROM declared_units WHERE source = $1", [source])
            try db.copyIn("COPY declared_units (source, position, unit_id, name, category, parent_id, responsible) FROM STDIN") { w in
                for (position, unit) in units.enumerated() {
                    w.field(source)
                    w.field(Int32(position))
                    w.text(unit.id)
                    w.text(unit.name)
                    w.text(unit.category)
                    w.text(unit.parentID)
                    w.text(unit.responsible)
                    try w.endRow()
                }
            }
        }
    }

    /// Writes a source's fingerprint, totals and rejections; returns its id.
    func saveRead(_ read: SourceRead, run: Int64, _ db: PGConnection) throws -> Int32 {
        let r = read.report
        let f = read.fingerprint
        let periods = r.firstPeriod.keys.sorted().map { "\($0)\t\(r.firstPeriod[$0]!)\t\(r.lastPeriod[$0] ?? "")" }.joined(separator: "\n")
        let row = try db.execute(
            """
            INSERT INTO sources (pipeline, name, kind, location, size, mtime_ns, sha256, etag, last_modified, read_key, latest_month,
                read_run, encoding, rows_read, rows_rejected, cells_rejected, blank_lines, observations, threads, periods)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
            ON CONFLICT (pipeline, name) DO UPDATE SET kind = excluded.kind, location = excluded.location, size = excluded.size,
                mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, etag = excluded.etag,
                last_modified = excluded.last_modified, read_key = excluded.read_key, latest_month = excluded.latest_month,
                read_run = excluded.read_run, encoding = excluded.encoding, rows_read = excluded.rows_read,
                rows_rejected = excluded.rows_rejected, cells_rejected = excluded.cells_rejected,
                blank_lines = excluded.blank_lines, observations = excluded.observations, threads = excluded.threads,
                periods = excluded.periods
            RETURNING id
            """,
            [pipeline, r.name, r.kind.rawValue, r.path, f.size, f.modified, f.sha256, f.etag, f.lastModified, read.readKey,
             read.currentMonth, run, r.encoding.rawValue, r.rowsRead, r.rowsRejected, r.cellsRejected, r.blankLines, r.observations,
             r.threads, periods])
        let id = Int32(row.int(0, 0) ?? 0)
        try db.execute("DELETE FROM rejections WHERE source = $1", [id])
        if !read.rejections.isEmpty {
            try db.copyIn("COPY rejections (source, seq, line, field, reason, message, raw, is_cell, reason_id, value, detail, cell) FROM STDIN") { w in
                for (seq, rejection) in read.rejections.enumerated() {
                    let stored = rejection.problem.stored
                    w.field(id)
                    w.field(Int32(seq))
                    w.field(Int64(rejection.line))
                    w.text(rejection.field)
                    w.text(rejection.reason.rawValue)
                    w.text(RejectionMessages.english(rejection))
                    w.text(rejection.raw)
                    w.field(rejection.isCell)
                    w.text(stored.id)
                    w.text(stored.value)
                    w.text(stored.detail)
                    w.text(rejection.cell)
                    try w.endRow()
                }
            }
        }
        return id
    }

    // MARK: Scores

    /// The stored rows are read and set against `scores` (`ScoreChanges`): only the rows that
    /// differ are deleted and copied in again (all of them at once when every stored row goes),
    /// so a night whose composites did not change leaves `unit_scores` untouched; the run is
    /// kept once in `score_runs`.
    package func saveScores(_ scores: [UnitScore], run: Int64) throws {
        try access { db in
            var changes = ScoreChanges(scores)
            let stored = try db.execute("SELECT unit_id, category, composite FROM unit_scores WHERE pipeline = $1", [pipeline])
            for row in 0..<stored.count {
                changes.compare(
                    unitID: stored.string(row, 0) ?? "", category: stored.string(row, 1) ?? "",
                    composite: stored.isNull(row, 2) ? nil : stored.double(row, 2))
            }
            let removed = changes.gone + changes.replaced.map { scores[$0].unitID }
            if removed.count == changes.stored && changes.stored > 0 {
                try db.execute("DELETE FROM unit_scores WHERE pipeline = $1", [pipeline])
            } else if !removed.isEmpty {
                try db.execute(
                    "DELETE FROM unit_scores s USING unnest($2::text[]) AS g (unit_id) WHERE s.pipeline = $1 AND s.unit_id = g.unit_id",
                    [pipeline, Self.arrayLiteral(removed)])
            }
            let written = changes.written
            if !written.isEmpty {
                try db.copyIn("COPY unit_scores (pipeline, unit_id, category, composite) FROM STDIN") { w in
                    for score in written.lazy.map({ scores[$0] }) {
                        w.text(pipeline)
                        w.text(score.unitID)
                        w.text(score.category)
                        if let composite = score.composite { w.field(composite) } else { w.text(nil) }
                        try w.endRow()
                    }
                }
            }
            try db.execute(
                "INSERT INTO score_runs (pipeline, run) VALUES ($1, $2) ON CONFLICT (pipeline) DO UPDATE SET run = excluded.run", [pipeline, run])
        }
    }

    package func scores() throws -> (run: Int64, scores: [UnitScore])? {
        guard hasSchema else { return nil }
        return try read { db in
            // One statement: the rows and their run from one snapshot.
            let r = try db.execute(
                """
                SELECT s.unit_id, s.category, s.composite, r.run FROM unit_scores s JOIN score_runs r ON r.pipeline = s.pipeline
                WHERE s.pipeline = $1 ORDER BY s.unit_id COLLATE "C"
                """, [pipeline])
            guard r.count > 0 else { return nil }
            return (r.int64(0, 3) ?? 0, (0..<r.count).map { UnitScore(unitID: r.string($0, 0) ?? "", category: r.string($0, 1) ?? "", composite: r.double($0, 2)) })
        }
    }
}

extension PostgreSQLStore: ObservationStore {}

extension PostgreSQLStore: CheckableStore {
    /// Counts of what the pipeline's part of the schema holds, and its keys: every slab, kept
    /// correction and named unit of a source this pipeline has, of a metric it has; every
    /// slab's four arrays of one length, its units ascending without repeats and the
    /// pipeline's (`ObservationSlab.problems`, as in SQLite); each bulletin's packed alerts
    /// (`PackedAlerts.problems`: they decode, in key order without repeats, and are those of
    /// the bulletin's digest).
    package func check() throws -> StoreCheckReport {
        try access { db in
            var report = try checkTables(db)
            let bulletins = try db.execute(
                "SELECT month, alerts, alerts_sha256 FROM bulletins WHERE pipeline = $1 ORDER BY month", [pipeline], binary: true)
            for i in 0..<bulletins.count {
                let place = "the bulletin of \(pipeline) for \(Period(.month, ordinal: Int(bulletins.binaryInt32(i, 0))))"
                report.problems += PackedAlerts.problems(place: place, bulletins.bytes(i, 1), digest: bulletins.string(i, 2))
            }
            return report
        }
    }

    /// The checks of `check` but the bulletins'.
    private func checkTables(_ db: PGConnection) throws -> StoreCheckReport {
        func count(_ sql: String) throws -> Int { try db.execute(sql, [pipeline]).int(0, 0) ?? 0 }
        let mine = "(SELECT id FROM sources WHERE pipeline = $1)"
        var report = StoreCheckReport()
        report.counts = [
            ("runs", try count("SELECT count(*) FROM runs WHERE pipeline = $1")),
            ("sources", try count("SELECT count(*) FROM sources WHERE pipeline = $1")),
            ("metrics", try count("SELECT count(*) FROM metrics WHERE pipeline = $1")),
            ("units", try count("SELECT count(*) FROM units WHERE pipeline = $1")),
            ("slabs", try count("SELECT count(*) FROM observation_slabs WHERE source IN \(mine)")),
            ("values", try count("SELECT coalesce(sum(length(units)) / 4, 0) FROM observation_slabs WHERE source IN \(mine)")),
            ("corrections kept", try count("SELECT count(*) FROM observation_history WHERE source IN \(mine)")),
            ("rejections", try count("SELECT count(*) FROM rejections WHERE source IN \(mine)")),
        ]
        let orphans = try count("""
            SELECT count(*) FROM observation_slabs o WHERE o.source IN \(mine)
            AND NOT EXISTS (SELECT 1 FROM metrics m WHERE m.id = o.metric AND m.pipeline = $1)
            """)
        if orphans > 0 { report.problems.append("\(orphans) slabs of a metric the pipeline does not have") }
        let maxUnit = try count("SELECT coalesce(max(id), 0) FROM units WHERE pipeline = $1")
        let slabs = try db.execute(
            """
            SELECT o.source, o.metric, o.period, o.units, length(o.vals), length(o.lines), length(o.runs) FROM observation_slabs o
            WHERE o.source IN \(mine) ORDER BY o.source, o.metric, o.period
            """,
            [pipeline], binary: true)
        for i in 0..<slabs.count {
            let place = "slab (source \(slabs.binaryInt32(i, 0)), metric \(slabs.binaryInt32(i, 1)), period \(slabs.binaryInt32(i, 2)))"
            report.problems += ObservationSlab.problems(
                place: place, units: slabs.bytes(i, 3), valueBytes: Int(slabs.binaryInt32(i, 4)), lineBytes: Int(slabs.binaryInt32(i, 5)),
                runBytes: Int(slabs.binaryInt32(i, 6)), maxUnit: maxUnit)
        }
        return report
    }
}
