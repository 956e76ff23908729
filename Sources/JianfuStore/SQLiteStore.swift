import Foundation
import GRDB
import GRDBSQLite
import JianfuModel

/// The embedded store (SPEC §8): one SQLite file, by default `.jianfu/PIPELINE.sqlite` beside the
/// pipeline file, with its run lock `.jianfu/PIPELINE.lock` beside it.
///
/// - WAL journal: `jianfu unit` and `jianfu history` read the last committed state while a run
///   writes; a run killed at any moment leaves uncommitted frames that SQLite ignores on the
///   next open. `synchronous=NORMAL`: a power loss may lose the last committed run (the store
///   stays consistent, and the next run reads its sources again), never corrupt the file.
/// - A run's data changes are one transaction, held open from `beginChanges` to
///   `commitChanges` across calls (GRDB's `allowsUnsafeTransactions`); the run log is written in
///   small transactions of its own, so a failed or killed run is still in it.
/// - The bulk paths (storing and loading millions of values) bind and step SQLite statements
///   directly through GRDB's `sqliteStatement`, without building a row object per value.
///
/// Related SQLite documentation: <https://www.sqlite.org/wal.html>,
/// <https://www.sqlite.org/withoutrowid.html>.
package final class SQLiteStore: ObservationStore {
    package let location: String
    /// The `name:` of the pipeline the store serves: its runs, sources, metrics and scores are
    /// the rows of that pipeline (a store may be shared by several, SPEC §8).
    package let pipeline: String
    /// Opened to read only (`jianfu unit`, `history`): nothing is migrated or written.
    private let readOnly: Bool
    let queue: DatabaseQueue
    private let lock: RunLock
    /// Unit code → store id, loaded once per transaction; codes compared byte for byte, as
    /// `units.code` is (`UnitKey`).
    var unitIDs: [UnitKey: Int32]?
    /// Metric name → store id.
    private var metricIDs: [String: Int64] = [:]

    /// Opens the store at `path`, creating it (and its folder) unless `readOnly`.
    ///
    /// Nothing is created or written before the file at `path` is known to be a jianfu store
    /// (`checkOwnership`) and its lock file a jianfu lock file (`RunLock.check`); a store is
    /// marked with `SQLiteSchema.applicationID` when it is created, and a store written before
    /// stores were marked is recognised by its tables and marked.
    package init(path: String, pipeline: String = "", lockPath: String? = nil, readOnly: Bool = false) throws {
        location = path
        self.pipeline = pipeline
        self.readOnly = readOnly
        let lockPath = lockPath ?? Self.lockPath(for: path)
        guard lockPath != path else {
            throw StoreError.unusable(path: path, reason: "its name ends in .lock, the name of its own lock file; name it NAME.sqlite")
        }
        lock = RunLock(path: lockPath, store: path)
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.journalMode = .wal
        configuration.allowsUnsafeTransactions = true
        // Another pipeline sharing the store may be inside its run's transaction: a write waits
        // for it to commit, up to an hour (a night's run of one county), as the run's own does.
        configuration.busyMode = .timeout(readOnly ? 10 : Self.transactionWait)
        configuration.label = "jianfu-state"
        configuration.prepareDatabase { db in
            // `page_size` first: it takes effect on a new file only (before WAL mode is set);
            // a store made with another page size keeps it.
            try db.execute(sql: "PRAGMA page_size = \(Self.pageSize); PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; " + Self.readPragmas)
        }
        do {
            try Self.checkOwnership(path)
            if !readOnly {
                try lock.check()
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            }
            queue = try Self.open(path, configuration: configuration)
            // Looked at again when another pipeline is creating the store's tables this moment
            // (GRDB's look at `grdb_migrations` can find it missing, then present).
            let superseded = try Self.racing { try queue.read { try SQLiteSchema.migrator.hasBeenSuperseded($0) } }
            if superseded {
                throw StoreError.newerSchema(path: path, found: SQLiteSchema.version + 1, known: SQLiteSchema.version)
            }
            if !readOnly {
                // Marked first, then migrated: a pipeline opening a new shared store while another
                // creates its tables must find the mark, not a database with some of a store's
                // tables (which it would refuse as not jianfu's).
                try queue.writeWithoutTransaction { db in
                    if try Int32.fetchOne(db, sql: "PRAGMA application_id") != SQLiteSchema.applicationID {
                        try db.execute(sql: "PRAGMA application_id = \(SQLiteSchema.applicationID)")
                    }
                }
                try Self.migrate(queue)
                try adoptUnclaimedRows()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unusable(path: path, reason: Self.reason(error, path: path))
        }
    }

    /// Creates or upgrades the store's tables. Pipelines sharing a store may open a new one at
    /// the same moment: GRDB applies each migration in a transaction of its own after looking
    /// which are applied, so the slower of two finds a table the other just made, the
    /// migration already recorded, or the database busy past its timeout. It then looks again, after a pause, and applies what is
    /// still missing; the tables are made once either way.
    static func migrate(_ queue: DatabaseQueue) throws {
        try racing { try SQLiteSchema.migrator.migrate(queue) }
    }

    /// `body`, done again after a pause (up to 20 times) while it fails as a look at or a
    /// migration of a store another process is creating or upgrading can fail
    /// (`racingMigrationCodes`).
    static func racing<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as DatabaseError where attempt < 20 && Self.racingMigrationCodes.contains(error.resultCode) {
                attempt += 1
                usleep(useconds_t(50_000 * attempt))
            }
        }
    }

    /// What a migration that raced another process's fails with: the database busy or locked,
    /// a table or column the other made (`SQLITE_ERROR`), or the migration it recorded first.
    static let racingMigrationCodes: [ResultCode] = [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_ERROR, .SQLITE_CONSTRAINT]

    /// The connection to the store at `path`. A read-only one (`history`, `unit`) that cannot be
    /// opened as usual — it must create the `-shm` file beside the store, which a full disk
    /// refuses — opens the file in SQLite's `immutable` mode when no `-wal` file holds changes:
    /// the file is then exactly the last committed state, and reading it writes nothing.
    static func open(_ path: String, configuration: Configuration) throws -> DatabaseQueue {
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            if configuration.readonly { _ = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") } }
            return queue
        } catch {
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
            guard configuration.readonly, wal == 0 else { throw error }
            var uri = URLComponents()
            uri.scheme = "file"
            uri.path = path
            uri.queryItems = [URLQueryItem(name: "immutable", value: "1")]
            guard let text = uri.string else { throw error }
            return try DatabaseQueue(path: text, configuration: configuration)
        }
    }

    /// Throws `StoreError.notAStore` unless the file at `path` is missing, empty, an SQLite
    /// database marked with jianfu's `application_id`, or an unmarked one that is empty or holds
    /// the tables of a store (written before stores were marked). Looks through a read-only
    /// connection that changes nothing (not even the journal mode).
    static func checkOwnership(_ path: String) throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0 else { return }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "jianfu-state-check"
        let found: (id: Int32, tables: Set<String>)
        do {
            // Through `open`, so a full disk (no room for the `-shm` file) still lets it look.
            let queue = try Self.open(path, configuration: configuration)
            found = try queue.read { db in
                (try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                 Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")))
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError.notAStore(path: path, reason: "it is not an SQLite database")
        } catch {
            throw StoreError.unusable(path: path, reason: reason(error, path: path))
        }
        if found.id == SQLiteSchema.applicationID { return }
        if found.id != 0 {
            throw StoreError.notAStore(
                path: path, reason: "it is another application's SQLite database (application_id \(found.id); a jianfu store's is \(SQLiteSchema.applicationID))")
        }
        if found.tables.isEmpty || SQLiteSchema.isUnmarkedStore(tables: found.tables) { return }
        let foreign = found.tables.subtracting(SQLiteSchema.allTables).sorted()
        let listed = foreign.isEmpty ? "only some of a store's tables" : "tables jianfu does not write: " + foreign.prefix(5).joined(separator: ", ") + (foreign.count > 5 ? ", …" : "")
        throw StoreError.notAStore(path: path, reason: "it is an SQLite database that holds \(listed)")
    }

    /// The page size of a new store: 64 KiB, SQLite's largest. A slab (one period of one
    /// metric, 16 bytes a unit: 480 KB for 30 000 units) spans 8 overflow pages instead of 120,
    /// each a read of its own: a night's read of the 10 M benchmark took 0.14 s with 4 KiB pages,
    /// 0.11 s with these. A store made before keeps its page size (a `VACUUM` after
    /// `PRAGMA journal_mode = DELETE; PRAGMA page_size = 65536` changes it, offline).
    static let pageSize = 65536

    /// How long a write waits while another pipeline's run writes (seconds).
    static let transactionWait: TimeInterval = 3600

    /// The cache and memory-map sizes of every connection: a 2 MiB page cache and no memory
    /// map. A night reads each slab once, in order, so a larger cache buys nothing; a store
    /// memory-mapped (or cached) whole would add its size to the run's memory (10 M values: a
    /// 220 MB file, most of a 570 MB peak).
    static let readPragmas = "PRAGMA cache_size = -2048; PRAGMA mmap_size = 0"

    /// The run lock of the pipeline whose file is `pipelineFile.yml` (its base name) on the store
    /// at `path`: `NAME.lock` beside `NAME.sqlite` (or `PATH.lock` beside a store without
    /// extension) when the store is named after the pipeline file, as the default
    /// `.jianfu/NAME.sqlite` is, or no pipeline file is given; else `NAME.PIPELINEFILE.lock`, so
    /// that the pipelines sharing one store each have a lock of their own (SPEC §8: runs of
    /// different pipelines proceed at once; their writes take turns in SQLite's transaction).
    package static func lockPath(for path: String, pipelineFile: String? = nil) -> String {
        let url = URL(fileURLWithPath: path)
        let stem = url.pathExtension.isEmpty ? path : url.deletingPathExtension().path
        guard let pipelineFile, pipelineFile != (stem as NSString).lastPathComponent else { return stem + ".lock" }
        return stem + "." + pipelineFile + ".lock"
    }

    /// SQLite's error in words. A full disk says so — "no space left on device" — whether SQLite
    /// saw it as `SQLITE_FULL` or as an I/O error whose system error is `ENOSPC` (`systemErrno`,
    /// or when unknown, no free block left on the file system of `path`).
    static func reason(_ error: Error, path: String, systemErrno: Int32 = 0) -> String {
        guard let error = error as? DatabaseError else { return "\(error)" }
        let message = error.message ?? error.description
        let full = error.resultCode == .SQLITE_FULL || systemErrno == ENOSPC
            || (error.resultCode == .SQLITE_IOERR && systemErrno == 0 && noFreeSpace(at: path))
        return full ? "no space left on device (SQLite: \(message)); free space on its disk and run again" : message
    }

    /// Whether the file system holding `path` (or its folder) has no block left.
    static func noFreeSpace(at path: String) -> Bool {
        var info = statvfs()
        guard statvfs(path, &info) == 0 || statvfs((path as NSString).deletingLastPathComponent, &info) == 0 else { return false }
        return info.f_bavail == 0
    }

    /// Runs `body` on the connection, turning SQLite errors into `StoreError.unusable`.
    func access<T>(_ body: (Database) throws -> T) throws -> T {
        var systemErrno: Int32 = 0
        do {
            return try queue.writeWithoutTransaction { db in
                do {
                    return try body(db)
                } catch {
                    systemErrno = db.sqliteConnection.map { sqlite3_system_errno($0) } ?? 0
                    throw error
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unusable(path: location, reason: Self.reason(error, path: location, systemErrno: systemErrno))
        }
    }

    // MARK: The pipeline it serves

    /// Makes the rows of a store written before stores were shared (schema 6 and earlier, never
    /// claimed by a pipeline: `pipeline` is '') this pipeline's, as their writer's were.
    private func adoptUnclaimedRows() throws {
        guard !pipeline.isEmpty else { return }
        try access { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE pipeline = '')") == true
                || Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sources WHERE pipeline = '')") == true
            else { return }
            try db.inTransaction {
                for table in ["runs", "sources", "metrics", "unit_scores", "score_runs"] {
                    try db.execute(sql: "UPDATE \(table) SET pipeline = ? WHERE pipeline = ''", arguments: [pipeline])
                }
                return .commit
            }
        }
    }

    // MARK: The run

    package func lockForRun(_ holder: LockHolder) throws -> LockHolder? {
        try lock.acquire(holder)
    }

    package func unlockRun() { lock.release() }

    package func beginRun(_ run: RunStart, reportsRunID: String?) throws -> Int64 {
        try access { db in
            try db.inTransaction {
                let unsettled = try Row.fetchAll(
                    db, sql: "SELECT * FROM runs WHERE pipeline = ? AND outcome IN ('running', 'committed')", arguments: [pipeline]
                ).map(Self.runRecord)
                for record in unsettled {
                    let outcome = record.settled(reportsRunID: reportsRunID)
                    try db.execute(
                        sql: "UPDATE runs SET outcome = ?, exit_code = CASE ? WHEN 'ok' THEN 0 ELSE NULL END, message = COALESCE(message, ?) WHERE id = ?",
                        arguments: [outcome.rawValue, outcome.rawValue, Self.settledMessage[outcome], record.number])
                }
                try db.execute(
                    sql: """
                        INSERT INTO runs (pipeline, run_id, started_at, pid, pipeline_sha256, jianfu_version, as_of, outcome)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 'running')
                        """,
                    arguments: [pipeline, run.runID, run.startedAt, run.pid, run.pipelineSHA256, run.jianfuVersion, run.asOf])
                return .commit
            }
            return db.lastInsertedRowID
        }
    }

    /// What the run log says of a run settled after it ended without logging its end.
    static let settledMessage: [RunOutcome: String] = [
        .interrupted: "the process ended before the run's data was committed; nothing of it was kept",
        .ok: "the run's data and reports are in place; the process ended before it logged its end",
        .committedReportsFailed: "the run's data was committed, but the process ended before its reports were put in place",
    ]

    package func finishRun(_ number: Int64, _ end: RunEnd) throws {
        try access { db in
            try db.execute(
                sql: """
                    UPDATE runs SET finished_at = ?, outcome = ?, exit_code = ?, message = ?, sources_read = ?,
                        rows_read = ?, rows_rejected = ?, cells_rejected = ?, observations = ?, corrections = ?,
                        latest_month = ?
                    WHERE id = ?
                    """,
                arguments: [
                    end.finishedAt, end.outcome.rawValue, end.exitCode, end.message, end.sourcesRead, end.quality.rowsRead,
                    end.quality.rowsRejected, end.quality.cellsRejected, end.quality.observations, end.corrections, end.latestMonth, number,
                ])
        }
    }

    package func recentRuns(limit: Int) throws -> [RunRecord] {
        try access { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs WHERE pipeline = ? ORDER BY id DESC LIMIT ?", arguments: [pipeline, limit]).map(Self.runRecord)
        }
    }

    static func runRecord(_ row: Row) -> RunRecord {
        let start = RunStart(
            runID: row["run_id"], startedAt: row["started_at"], pid: row["pid"], pipelineSHA256: row["pipeline_sha256"],
            jianfuVersion: row["jianfu_version"], asOf: row["as_of"])
        var end: RunEnd?
        if let outcome = RunOutcome(rawValue: row["outcome"]), outcome != .running {
            var e = RunEnd(outcome: outcome, exitCode: row["exit_code"] ?? -1, finishedAt: row["finished_at"] ?? "", message: row["message"])
            e.sourcesRead = row["sources_read"] ?? 0
            e.quality.rowsRead = row["rows_read"] ?? 0
            e.quality.rowsRejected = row["rows_rejected"] ?? 0
            e.quality.cellsRejected = row["cells_rejected"] ?? 0
            e.quality.observations = row["observations"] ?? 0
            e.corrections = row["corrections"] ?? 0
            e.latestMonth = row["latest_month"]
            end = e
        }
        return RunRecord(number: row["id"], start: start, end: end)
    }

    // MARK: The run's changes

    /// Begins the run's transaction. Another pipeline sharing the store may be inside its own:
    /// this one then waits for it to commit (the busy timeout, `transactionWait`).
    package func beginChanges() throws {
        try access { db in try db.beginTransaction(.immediate) }
        unitIDs = nil
    }

    package func commitChanges() throws {
        try access { try $0.commit() }
        unitIDs = nil
    }

    package func rollbackChanges() {
        _ = try? access { db in if db.isInsideTransaction { try db.rollback() } }
        unitIDs = nil
        metricIDs = [:]
    }

    package func syncMetrics(_ metrics: [Metric], dropping: Set<String>) throws -> [GranularityChange] {
        try access { try syncMetrics(metrics, dropping: dropping, $0) }
    }

    func syncMetrics(_ metrics: [Metric], dropping: Set<String>, _ db: Database) throws -> [GranularityChange] {
        var stored: [String: (id: Int64, granularity: String)] = [:]
        for metric in metrics {
            if let row = try Row.fetchOne(db, sql: "SELECT id, granularity FROM metrics WHERE pipeline = ? AND name = ?", arguments: [pipeline, metric.id]) {
                stored[metric.id] = (row["id"], row["granularity"])
            }
        }
        let changes = try GranularityChange.changes(metrics, stored: stored.mapValues(\.granularity), dropping: dropping)
        for metric in metrics {
            if let (id, granularity) = stored[metric.id] {
                if granularity != metric.granularity.rawValue {
                    try db.execute(sql: "DELETE FROM observation_slabs WHERE metric = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM observation_history WHERE metric = ?", arguments: [id])
                    try db.execute(sql: "UPDATE metrics SET granularity = ? WHERE id = ?", arguments: [metric.granularity.rawValue, id])
                }
                metricIDs[metric.id] = id
            } else {
                try db.execute(
                    sql: "INSERT INTO metrics (pipeline, name, granularity) VALUES (?, ?, ?)",
                    arguments: [pipeline, metric.id, metric.granularity.rawValue])
                metricIDs[metric.id] = db.lastInsertedRowID
            }
        }
        return changes
    }

    // MARK: Sources

    package func source(named name: String) throws -> StoredSource? {
        try access { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT s.*, r.started_at AS read_at FROM sources s JOIN runs r ON r.id = s.read_run WHERE s.pipeline = ? AND s.name = ?",
                arguments: [pipeline, name])
            else { return nil }
            var report = SourceReport(name: name, path: row["location"], kind: SourceKind(rawValue: row["kind"]) ?? .observations)
            report.encoding = SourceEncoding(rawValue: row["encoding"]) ?? .auto
            report.rowsRead = row["rows_read"]
            report.rowsRejected = row["rows_rejected"]
            report.cellsRejected = row["cells_rejected"]
            report.blankLines = row["blank_lines"]
            report.observations = row["observations"]
            report.threads = row["threads"]
            for line in (row["periods"] as String).split(separator: "\n") {
                let parts = line.split(separator: "\t").map(String.init)
                guard parts.count == 3 else { continue }
                report.firstPeriod[parts[0]] = parts[1]
                report.lastPeriod[parts[0]] = parts[2]
            }
            let fingerprint = SourceFingerprint(
                size: row["size"], modified: row["mtime_ns"], sha256: row["sha256"], etag: row["etag"], lastModified: row["last_modified"])
            return StoredSource(
                fingerprint: fingerprint, readKey: row["read_key"], currentMonth: row["latest_month"], report: report,
                readRun: row["read_run"], readAt: row["read_at"])
        }
    }

    package func rejections(source name: String) throws -> [Rejection] {
        try access { db in
            try Row.fetchAll(
                db, sql: "SELECT r.* FROM rejections r JOIN sources s ON s.id = r.source WHERE s.pipeline = ? AND s.name = ? ORDER BY r.seq",
                arguments: [pipeline, name]
            ).map { row in
                // A row stored before v4 (reason_id '') or of a kind this jianfu does not know
                // keeps its code and English sentence.
                let problem = RejectionProblem(id: row["reason_id"], value: row["value"], detail: row["detail"])
                    ?? .recorded(RejectionReason(rawValue: row["reason"]) ?? .malformedRow, message: row["message"])
                return Rejection(
                    source: name, line: row["line"], field: row["field"], problem: problem, raw: row["raw"], isCell: row["is_cell"],
                    cell: row["cell"])
            }
        }
    }

    package func declaredUnits(source name: String) throws -> [MonitoredUnit] {
        try access { db in
            try Row.fetchAll(
                db, sql: "SELECT d.* FROM declared_units d JOIN sources s ON s.id = d.source WHERE s.pipeline = ? AND s.name = ? ORDER BY d.position",
                arguments: [pipeline, name]
            ).map { row in
                MonitoredUnit(id: row["unit_id"], name: row["name"], category: row["category"], parentID: row["parent_id"], responsible: row["responsible"])
            }
        }
    }

    package func recordUnits(_ units: [MonitoredUnit], read: SourceRead, run: Int64) throws {
        try access { db in
            let source = try saveRead(read, run: run, db)
            try db.execute(sql: "DELETE FROM declared_units WHERE source = ?", arguments: [source])
            let insert = try db.makeStatement(sql: "INSERT INTO declared_units VALUES (?, ?, ?, ?, ?, ?, ?)")
            for (position, unit) in units.enumerated() {
                try insert.execute(arguments: [source, position, unit.id, unit.name, unit.category, unit.parentID, unit.responsible])
            }
        }
    }

    /// Writes a source's fingerprint, totals and rejections; returns its id.
    func saveRead(_ read: SourceRead, run: Int64, _ db: Database) throws -> Int64 {
        let r = read.report
        let f = read.fingerprint
        let periods = r.firstPeriod.keys.sorted().map { "\($0)\t\(r.firstPeriod[$0]!)\t\(r.lastPeriod[$0] ?? "")" }.joined(separator: "\n")
        let values: StatementArguments = [
            pipeline, r.name, r.kind.rawValue, r.path, f.size, f.modified, f.sha256, f.etag, f.lastModified, read.readKey, read.currentMonth, run,
            r.encoding.rawValue, r.rowsRead, r.rowsRejected, r.cellsRejected, r.blankLines, r.observations, r.threads, periods,
        ]
        try db.execute(
            sql: """
                INSERT INTO sources (pipeline, name, kind, location, size, mtime_ns, sha256, etag, last_modified, read_key, latest_month,
                    read_run, encoding, rows_read, rows_rejected, cells_rejected, blank_lines, observations, threads, periods)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (pipeline, name) DO UPDATE SET kind = excluded.kind, location = excluded.location, size = excluded.size,
                    mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, etag = excluded.etag,
                    last_modified = excluded.last_modified, read_key = excluded.read_key, latest_month = excluded.latest_month,
                    read_run = excluded.read_run, encoding = excluded.encoding, rows_read = excluded.rows_read,
                    rows_rejected = excluded.rows_rejected, cells_rejected = excluded.cells_rejected,
                    blank_lines = excluded.blank_lines, observations = excluded.observations, threads = excluded.threads,
                    periods = excluded.periods
                """,
            arguments: values)
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE pipeline = ? AND name = ?", arguments: [pipeline, r.name])!
        try db.execute(sql: "DELETE FROM rejections WHERE source = ?", arguments: [id])
        let insert = try db.makeStatement(sql: """
            INSERT INTO rejections (source, seq, line, field, reason, message, raw, is_cell, reason_id, value, detail, cell)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (seq, rejection) in read.rejections.enumerated() {
            // `message` keeps the English sentence, for the sqlite3 shell; `reason_id`, `value`
            // and `detail` are what the sentences are made from again.
            let stored = rejection.problem.stored
            try insert.execute(arguments: [
                id, seq, rejection.line, rejection.field, rejection.reason.rawValue, RejectionMessages.english(rejection), rejection.raw,
                rejection.isCell, stored.id, stored.value, stored.detail, rejection.cell,
            ])
        }
        return id
    }

    /// The store ids of unit codes, adding the codes it does not know yet, in order.
    func storeIDs(for codes: [String], _ db: Database) throws -> [Int32] {
        if unitIDs == nil {
            var known: [UnitKey: Int32] = [:]
            try eachRow("SELECT id, code FROM units", [], db) { s in known[UnitKey(Self.text(s, 1))] = Int32(sqlite3_column_int64(s, 0)) }
            unitIDs = known
        }
        var ids: [Int32] = []
        ids.reserveCapacity(codes.count)
        let insert = try db.makeStatement(sql: "INSERT INTO units (code) VALUES (?)")
        try withExtendedLifetime(insert) {
            let s = insert.sqliteStatement
            for code in codes {
                if let id = unitIDs![UnitKey(code)] {
                    ids.append(id)
                } else {
                    Self.bind(s, 1, code)
                    try finish(s, db)
                    let id = Int32(db.lastInsertedRowID)
                    unitIDs![UnitKey(code)] = id
                    ids.append(id)
                }
            }
        }
        return ids
    }

    /// The store id of a metric, adding it when new.
    func metricID(_ metric: Metric, _ db: Database) throws -> Int64 {
        if let id = metricIDs[metric.id] { return id }
        _ = try syncMetrics([metric], dropping: [], db)
        return metricIDs[metric.id]!
    }

    // MARK: Scores

    package func saveScores(_ scores: [UnitScore], run: Int64) throws {
        try access { db in try writeScores(scores, run: run, db) }
    }

    /// Makes the pipeline's stored composites `scores`, computed by `run`, on `db`, in the
    /// transaction open there: the stored rows are read and set against them (`ScoreChanges`),
    /// only the rows that differ are written, bound through the C API, and the run is kept once
    /// in `score_runs`.
    func writeScores(_ scores: [UnitScore], run: Int64, _ db: Database) throws {
        var changes = ScoreChanges(scores)
        try eachRow("SELECT unit_id, category, composite FROM unit_scores WHERE pipeline = ?", [pipeline], db) { s in
            let composite = sqlite3_column_type(s, 2) == SQLITE_NULL ? nil : sqlite3_column_double(s, 2)
            changes.compare(unitID: Self.text(s, 0), category: Self.text(s, 1), composite: composite)
        }
        let delete = try db.makeStatement(sql: "DELETE FROM unit_scores WHERE pipeline = ? AND unit_id = ?")
        let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO unit_scores (pipeline, unit_id, category, composite) VALUES (?, ?, ?, ?)")
        try withExtendedLifetime((delete, insert)) {
            let (d, i) = (delete.sqliteStatement, insert.sqliteStatement)
            Self.bind(d, 1, pipeline)
            for unitID in changes.gone {
                Self.bind(d, 2, unitID)
                try finish(d, db)
            }
            Self.bind(i, 1, pipeline)
            for position in changes.written {
                let score = scores[position]
                Self.bind(i, 2, score.unitID)
                Self.bind(i, 3, score.category)
                if let composite = score.composite { sqlite3_bind_double(i, 4, composite) } else { sqlite3_bind_null(i, 4) }
                try finish(i, db)
            }
        }
        try db.execute(sql: "INSERT OR REPLACE INTO score_runs (pipeline, run) VALUES (?, ?)", arguments: [pipeline, run])
    }

    /// Column `column` of the row `statement` stands on, as text ("" for NULL), read through the
    /// C API: the hot loops of a night (30 000 units) read by column number, not by name
    /// through a GRDB `Row`.
    static func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        guard let text = sqlite3_column_text(statement, column) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }

    /// Binds `text` to parameter `index` of `statement` (copied: SQLite's `SQLITE_TRANSIENT`).
    static func bind(_ statement: OpaquePointer, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            if let base = utf8.baseAddress {
                _ = sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(utf8.count), transient)
            } else {
                _ = sqlite3_bind_text(statement, index, "", 0, transient)  // "" (the metric of a `stale` alert)
            }
        }
    }

    /// `SQLITE_TRANSIENT`: SQLite copies a bound value before the call returns.
    static var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }

    /// The stored composites with the run that computed them (`score_runs`); `nil` when the
    /// pipeline has none.
    package func scores() throws -> (run: Int64, scores: [UnitScore])? {
        try access { db in
            // One statement: the rows and their run from one snapshot.
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.unit_id, s.category, s.composite, r.run FROM unit_scores s JOIN score_runs r ON r.pipeline = s.pipeline
                WHERE s.pipeline = ? ORDER BY s.unit_id
                """, arguments: [pipeline])
            guard let first = rows.first else { return nil }
            return (first["run"], rows.map { UnitScore(unitID: $0["unit_id"], category: $0["category"], composite: $0["composite"]) })
        }
    }
}
