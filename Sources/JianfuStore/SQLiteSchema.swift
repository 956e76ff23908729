import Crypto
import Foundation
import GRDB

/// The tables of `SQLiteStore` (SPEC §8), created and upgraded by GRDB's migrator.
///
/// Ids are small integers (`units.id`, `metrics.id`, `sources.id`) so that an observation row is
/// a few bytes; `observations` is a `WITHOUT ROWID` table keyed (source, metric, period, unit) —
/// the order the indicators read it in, period by period. Periods are ordinals at the metric's
/// granularity (`2024-03` = 2024 × 12 + 2, `2024Q1` = 2024 × 4, `2024` = 2024);
/// `observation_values` shows them spelled out, for people with the `sqlite3` shell.
enum SQLiteSchema {
    /// The version this jianfu writes; a store with a higher one is refused. 2: `samples`;
    /// 3: `bulletins` and `bulletin_alerts`; 4: `observation_slabs` in place of `observations`;
    /// 5: `rejections.reason_id`, `value`, `detail`, `cell`; 6: `store_owner`; 7: a store
    /// shared by several pipelines (`pipeline` in `runs`, `sources`, `metrics`, `unit_scores`);
    /// 8: `score_runs` in place of `unit_scores.run`, `bulletins.alerts_sha256`; 9:
    /// `bulletins.alerts` (`PackedAlerts`) in place of `bulletin_alerts`.
    static let version = 9

    /// `PRAGMA application_id` of every jianfu store: "JFST" in ASCII (0x4A465354,
    /// 1246122836), in the database header, so that a store is known as jianfu's — and another
    /// application's SQLite database as not — before anything is written to it.
    static let applicationID: Int32 = 0x4A46_5354

    /// The tables (and view) of version 1, with GRDB's `grdb_migrations`: a database without
    /// `applicationID` that holds all of them is a store written before stores were marked.
    static let version1Tables: Set<String> = [
        "grdb_migrations", "runs", "metrics", "units", "sources", "declared_units", "source_units", "observations",
        "observation_history", "rejections", "unit_scores", "observation_values",
    ]

    /// Every table and view some version of jianfu writes.
    static let allTables: Set<String> = version1Tables.union([
        "samples", "sample_units", "bulletins", "bulletin_alerts", "observation_slabs", "observation_slab_sizes", "store_owner",
        "score_runs",
    ])

    /// Whether an unmarked database holds a store's tables: those of version 1, or only tables
    /// jianfu writes with the run log and the migrations among them (a store since upgraded
    /// and its mark lost).
    static func isUnmarkedStore(tables: Set<String>) -> Bool {
        tables.isSuperset(of: version1Tables)
            || (tables.isSubset(of: allTables) && tables.isSuperset(of: ["grdb_migrations", "runs", "metrics", "units", "sources"]))
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    pid INTEGER NOT NULL,
                    pipeline_sha256 TEXT NOT NULL,
                    jianfu_version TEXT NOT NULL,
                    as_of TEXT,
                    outcome TEXT NOT NULL,
                    exit_code INTEGER,
                    message TEXT,
                    sources_read INTEGER,
                    rows_read INTEGER,
                    rows_rejected INTEGER,
                    cells_rejected INTEGER,
                    observations INTEGER,
                    corrections INTEGER,
                    latest_month INTEGER
                );
                CREATE TABLE metrics (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    granularity TEXT NOT NULL
                );
                CREATE TABLE units (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE
                );
                CREATE TABLE sources (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    location TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mtime_ns INTEGER,
                    sha256 TEXT NOT NULL,
                    etag TEXT,
                    last_modified TEXT,
                    read_key TEXT NOT NULL,
                    latest_month INTEGER NOT NULL,
                    read_run INTEGER NOT NULL REFERENCES runs(id),
                    encoding TEXT NOT NULL,
                    rows_read INTEGER NOT NULL,
                    rows_rejected INTEGER NOT NULL,
                    cells_rejected INTEGER NOT NULL,
                    blank_lines INTEGER NOT NULL,
                    observations INTEGER NOT NULL,
                    threads INTEGER NOT NULL,
                    periods TEXT NOT NULL
                );
                CREATE TABLE declared_units (
                    source INTEGER NOT NULL REFERENCES sources(id),
                    position INTEGER NOT NULL,
                    unit_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    category TEXT NOT NULL,
                    parent_id TEXT,
                    responsible TEXT NOT NULL,
                    PRIMARY KEY (source, position)
                ) WITHOUT ROWID;
                CREATE TABLE source_units (
                    source INTEGER NOT NULL REFERENCES sources(id),
                    unit INTEGER NOT NULL REFERENCES units(id),
                    name TEXT NOT NULL,
                    PRIMARY KEY (source, unit)
                ) WITHOUT ROWID;
                CREATE TABLE observations (
                    source INTEGER NOT NULL,
                    metric INTEGER NOT NULL,
                    period INTEGER NOT NULL,
                    unit INTEGER NOT NULL,
                    value REAL NOT NULL,
                    line INTEGER NOT NULL,
                    run INTEGER NOT NULL,
                    PRIMARY KEY (source, metric, period, unit)
                ) WITHOUT ROWID;
                CREATE TABLE observation_history (
                    source INTEGER NOT NULL,
                    metric INTEGER NOT NULL,
                    period INTEGER NOT NULL,
                    unit INTEGER NOT NULL,
                    value REAL NOT NULL,
                    line INTEGER NOT NULL,
                    run INTEGER NOT NULL,
                    replaced_by_run INTEGER NOT NULL,
                    new_value REAL NOT NULL
                );
                CREATE INDEX observation_history_key ON observation_history (source, metric, period, unit);
                CREATE TABLE rejections (
                    source INTEGER NOT NULL REFERENCES sources(id),
                    seq INTEGER NOT NULL,
                    line INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    message TEXT NOT NULL,
                    raw TEXT NOT NULL,
                    is_cell INTEGER NOT NULL,
                    PRIMARY KEY (source, seq)
                ) WITHOUT ROWID;
                CREATE TABLE unit_scores (
                    unit_id TEXT PRIMARY KEY,
                    category TEXT NOT NULL,
                    composite REAL,
                    run INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE VIEW observation_values AS
                    SELECT s.name AS source, u.code AS unit_id, m.name AS metric,
                           CASE m.granularity
                               WHEN 'month' THEN printf('%04d-%02d', o.period / 12, o.period % 12 + 1)
                               WHEN 'quarter' THEN printf('%04dQ%d', o.period / 4, o.period % 4 + 1)
                               ELSE printf('%04d', o.period) END AS period,
                           o.value, o.line, o.run
                    FROM observations o
                    JOIN sources s ON s.id = o.source
                    JOIN units u ON u.id = o.unit
                    JOIN metrics m ON m.id = o.metric;
                """)
        }
        registerSamples(in: &migrator)
        // v2: the alerts of each bulletin, for the rectification ledger (整改台账, SPEC §6
        // `alerts.csv` `first_seen,months_open,status`). `bulletins` has a row per bulletin
        // issued, so a bulletin that raised no alert still counts (it breaks every chain);
        // `metric` is empty for `stale`. Keyed by pipeline name, as the run log is (SPEC §8).
        migrator.registerMigration("v2-bulletin-alerts") { db in
            try db.execute(sql: """
                CREATE TABLE bulletins (
                    pipeline TEXT NOT NULL,
                    month INTEGER NOT NULL,
                    run INTEGER NOT NULL,
                    PRIMARY KEY (pipeline, month)
                ) WITHOUT ROWID;
                CREATE TABLE bulletin_alerts (
                    pipeline TEXT NOT NULL,
                    month INTEGER NOT NULL,
                    unit_id TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    rule TEXT NOT NULL,
                    run INTEGER NOT NULL,
                    PRIMARY KEY (pipeline, month, unit_id, metric, rule)
                ) WITHOUT ROWID;
                """)
        }
        // v4: values kept in slabs, a row per (source, metric, period) with its units, values,
        // lines and runs packed (SQLiteStore+Observations.swift), in place of a row per value:
        // a night's cost follows the number of slabs, not of values. The rows of
        // `observations` are moved into slabs in key order; the history gains the line of
        // the value that replaced each one (it was read from `observations`).
        migrator.registerMigration("v4-observation-slabs") { db in
            try db.execute(sql: """
                CREATE TABLE observation_slabs (
                    id INTEGER PRIMARY KEY,
                    source INTEGER NOT NULL,
                    metric INTEGER NOT NULL,
                    period INTEGER NOT NULL,
                    units BLOB NOT NULL,
                    vals BLOB NOT NULL,
                    lines BLOB NOT NULL,
                    runs BLOB NOT NULL,
                    UNIQUE (source, metric, period)
                );
                ALTER TABLE observation_history ADD COLUMN new_line INTEGER;
                UPDATE observation_history SET new_line = (
                    SELECT o.line FROM observations o
                    WHERE o.source = observation_history.source AND o.metric = observation_history.metric
                      AND o.period = observation_history.period AND o.unit = observation_history.unit);
                CREATE INDEX observation_history_run ON observation_history (replaced_by_run);
                """)
            try moveIntoSlabs(db)
            try db.execute(sql: """
                DROP VIEW observation_values;
                DROP TABLE observations;
                CREATE VIEW observation_slab_sizes AS
                    SELECT s.name AS source, m.name AS metric,
                           CASE m.granularity
                               WHEN 'month' THEN printf('%04d-%02d', o.period / 12, o.period % 12 + 1)
                               WHEN 'quarter' THEN printf('%04dQ%d', o.period / 4, o.period % 4 + 1)
                               ELSE printf('%04d', o.period) END AS period,
                           length(o.units) / 4 AS "values"
                    FROM observation_slabs o
                    JOIN sources s ON s.id = o.source
                    JOIN metrics m ON m.id = o.metric;
                """)
        }
        // v5: a rejection as a typed diagnostic (`RejectionProblem`), so that a source that is
        // not read again still has its reasons worded in Chinese for the reports: `reason_id`
        // is `RejectionProblem.id`, `value` the offending text, `detail` the rest as JSON, `cell`
        // the sheet and cell of an .xlsx source (NULL otherwise). Rows written before have
        // `reason_id` '' and are shown with the English `message` they kept.
        migrator.registerMigration("v5-rejection-detail") { db in
            try db.execute(sql: """
                ALTER TABLE rejections ADD COLUMN reason_id TEXT NOT NULL DEFAULT '';
                ALTER TABLE rejections ADD COLUMN value TEXT NOT NULL DEFAULT '';
                ALTER TABLE rejections ADD COLUMN detail TEXT NOT NULL DEFAULT '';
                ALTER TABLE rejections ADD COLUMN cell TEXT;
                """)
        }
        // v6: the pipeline (its `name:`) the store belongs to, claimed by its first run (a store
        // written before has its owner claimed by the next run): a second pipeline pointed at
        // the same file is refused instead of mixing its sources, values and run log into it.
        migrator.registerMigration("v6-store-owner") { db in
            try db.execute(sql: "CREATE TABLE store_owner (pipeline TEXT NOT NULL)")
        }
        // v7: a store shared by several pipelines (SPEC §8): the run log, the sources (with
        // their fingerprints, rejections and declared units), the metrics and the scores are
        // each a pipeline's, keyed by its `name`; units are the store's. What was there is the
        // owner's of v6 (or '' when never claimed: the next pipeline to write adopts it).
        migrator.registerMigration("v7-shared-store") { db in
            let owner = try String.fetchOne(db, sql: "SELECT pipeline FROM store_owner LIMIT 1") ?? ""
            // The view names the tables rebuilt below: dropped first, made again at the end.
            try db.execute(sql: "DROP VIEW IF EXISTS observation_slab_sizes")
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN pipeline TEXT NOT NULL DEFAULT '';
                UPDATE runs SET pipeline = ?;
                CREATE INDEX runs_by_pipeline ON runs (pipeline, id);
                CREATE TABLE sources_v7 (
                    id INTEGER PRIMARY KEY,
                    pipeline TEXT NOT NULL,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    location TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mtime_ns INTEGER,
                    sha256 TEXT NOT NULL,
                    etag TEXT,
                    last_modified TEXT,
                    read_key TEXT NOT NULL,
                    latest_month INTEGER NOT NULL,
                    read_run INTEGER NOT NULL REFERENCES runs(id),
                    encoding TEXT NOT NULL,
                    rows_read INTEGER NOT NULL,
                    rows_rejected INTEGER NOT NULL,
                    cells_rejected INTEGER NOT NULL,
                    blank_lines INTEGER NOT NULL,
                    observations INTEGER NOT NULL,
                    threads INTEGER NOT NULL,
                    periods TEXT NOT NULL,
                    UNIQUE (pipeline, name)
                );
                INSERT INTO sources_v7 SELECT id, ?, name, kind, location, size, mtime_ns, sha256, etag, last_modified, read_key,
                    latest_month, read_run, encoding, rows_read, rows_rejected, cells_rejected, blank_lines, observations, threads, periods
                    FROM sources;
                DROP TABLE sources;
                ALTER TABLE sources_v7 RENAME TO sources;
                CREATE TABLE metrics_v7 (
                    id INTEGER PRIMARY KEY,
                    pipeline TEXT NOT NULL,
                    name TEXT NOT NULL,
                    granularity TEXT NOT NULL,
                    UNIQUE (pipeline, name)
                );
                INSERT INTO metrics_v7 SELECT id, ?, name, granularity FROM metrics;
                DROP TABLE metrics;
                ALTER TABLE metrics_v7 RENAME TO metrics;
                CREATE TABLE unit_scores_v7 (
                    pipeline TEXT NOT NULL,
                    unit_id TEXT NOT NULL,
                    category TEXT NOT NULL,
                    composite REAL,
                    run INTEGER NOT NULL,
                    PRIMARY KEY (pipeline, unit_id)
                ) WITHOUT ROWID;
                INSERT INTO unit_scores_v7 SELECT ?, unit_id, category, composite, run FROM unit_scores;
                DROP TABLE unit_scores;
                ALTER TABLE unit_scores_v7 RENAME TO unit_scores;
                DROP TABLE store_owner;
                """, arguments: [owner, owner, owner, owner])
            try db.execute(sql: """
                CREATE VIEW observation_slab_sizes AS
                    SELECT s.pipeline, s.name AS source, m.name AS metric,
                           CASE m.granularity
                               WHEN 'month' THEN printf('%04d-%02d', o.period / 12, o.period % 12 + 1)
                               WHEN 'quarter' THEN printf('%04dQ%d', o.period / 4, o.period % 4 + 1)
                               ELSE printf('%04d', o.period) END AS period,
                           length(o.units) / 4 AS "values"
                    FROM observation_slabs o
                    JOIN sources s ON s.id = o.source
                    JOIN metrics m ON m.id = o.metric
                """)
        }
        // v8: what a night that changed nothing writes is nothing but its run (issue 14). The run
        // whose composites `unit_scores` holds is kept once per pipeline in `score_runs`, not in
        // every row, so a night rewrites only the composites that changed; `bulletins` gains the
        // digest of its alerts (`AlertMerge.digest`), so a bulletin recorded again with the same
        // alerts is known by that one value instead of by reading its rows back. A bulletin
        // written before has none (NULL): the next run that records it compares its rows.
        migrator.registerMigration("v8-score-runs-bulletin-digests") { db in
            try db.execute(sql: """
                ALTER TABLE bulletins ADD COLUMN alerts_sha256 TEXT;
                CREATE TABLE score_runs (
                    pipeline TEXT PRIMARY KEY,
                    run INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO score_runs SELECT pipeline, max(run) FROM unit_scores GROUP BY pipeline;
                CREATE TABLE unit_scores_v8 (
                    pipeline TEXT NOT NULL,
                    unit_id TEXT NOT NULL,
                    category TEXT NOT NULL,
                    composite REAL,
                    PRIMARY KEY (pipeline, unit_id)
                ) WITHOUT ROWID;
                INSERT INTO unit_scores_v8 SELECT pipeline, unit_id, category, composite FROM unit_scores;
                DROP TABLE unit_scores;
                ALTER TABLE unit_scores_v8 RENAME TO unit_scores;
                """)
        }
        // v9: a bulletin's alerts packed in one value, `bulletins.alerts` (`PackedAlerts`: each
        // distinct alert in key order, each field length-prefixed), in place of a row per alert
        // in `bulletin_alerts` (issue 14): a night of a new month writes one value instead of
        // 145 000 rows, and the ledger reads one value back. The rows are packed in key order;
        // every bulletin's digest is set to that of its packed value (the same bytes the digest
        // was defined on, so a digest already stored is unchanged); `bulletin_alerts` is dropped.
        migrator.registerMigration("v9-packed-bulletin-alerts") { db in
            try db.execute(sql: "ALTER TABLE bulletins ADD COLUMN alerts BLOB NOT NULL DEFAULT X''")
            try packBulletins(db)
            try db.execute(sql: "DROP TABLE bulletin_alerts")
        }
        return migrator
    }

    /// Packs the rows of version 8's `bulletin_alerts` into `bulletins.alerts`, read in the
    /// order of their primary key (byte order), and gives every bulletin the digest of its value.
    private static func packBulletins(_ db: Database) throws {
        try db.execute(sql: "UPDATE bulletins SET alerts_sha256 = ?", arguments: [SHA256.hex(of: [UInt8]())])
        let rows = try Row.fetchCursor(db, sql: """
            SELECT pipeline, month, unit_id, metric, rule FROM bulletin_alerts ORDER BY pipeline, month, unit_id, metric, rule
            """)
        var key: (String, Int64)?
        var packed: [UInt8] = []
        func flush() throws {
            guard let (pipeline, month) = key else { return }
            try db.execute(
                sql: "UPDATE bulletins SET alerts = ?, alerts_sha256 = ? WHERE pipeline = ? AND month = ?",
                arguments: [Data(packed), SHA256.hex(of: packed), pipeline, month])
            packed = []
        }
        while let row = try rows.next() {
            let next: (String, Int64) = (row[0], row[1])
            if key.map({ $0 != next }) ?? true {
                try flush()
                key = next
            }
            for index in 2...4 {
                // The stored bytes as they are (a text's UTF-8 bytes).
                try row.withUnsafeData(atIndex: index) { field in
                    let field = field ?? Data()
                    withUnsafeBytes(of: UInt32(field.count).littleEndian) { packed.append(contentsOf: $0) }
                    packed.append(contentsOf: field)
                }
            }
        }
        try flush()
    }

    /// Moves every row of version 3's `observations` into `observation_slabs`.
    private static func moveIntoSlabs(_ db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT source, metric, period, unit, value, line, run FROM observations ORDER BY source, metric, period, unit
            """)
        var key: (Int64, Int64, Int64)?
        var units: [Int32] = [], values: [Double] = [], lines: [UInt32] = [], runs: [Int32] = []
        func flush() throws {
            guard let (source, metric, period) = key, !units.isEmpty else { return }
            func blob<T>(_ array: [T]) -> Data { array.withUnsafeBytes { Data($0) } }
            try db.execute(
                sql: "INSERT INTO observation_slabs (source, metric, period, units, vals, lines, runs) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [source, metric, period, blob(units), blob(values), blob(lines), blob(runs)])
            units = []; values = []; lines = []; runs = []
        }
        while let row = try rows.next() {
            let next: (Int64, Int64, Int64) = (row[0], row[1], row[2])
            if key.map({ $0 != next }) ?? true {
                try flush()
                key = next
            }
            units.append(row[3])
            values.append(row[4])
            lines.append(UInt32(truncatingIfNeeded: row[5] as Int64))
            runs.append(Int32(truncatingIfNeeded: row[6] as Int64))
        }
        try flush()
    }
}
