import GRDB

extension SQLiteSchema {
    /// The tables of `SampleLog` (migration `samples`, after `v1`): one row per drawn list in
    /// `samples`, its units in `sample_units`. The seed is kept as decimal text, since SQLite's
    /// integers are signed and a seed may be any 64-bit value; `month` is a month ordinal
    /// (year × 12 + month − 1), as the observations' periods.
    static func registerSamples(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("samples") { db in
            try db.execute(sql: """
                CREATE TABLE samples (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    pipeline TEXT NOT NULL,
                    month INTEGER NOT NULL,
                    seed TEXT NOT NULL,
                    requested INTEGER NOT NULL,
                    drawn_at TEXT NOT NULL,
                    run INTEGER,
                    exclude_recent INTEGER NOT NULL,
                    include_rollups INTEGER NOT NULL,
                    jianfu_version TEXT NOT NULL
                );
                CREATE INDEX samples_by_month ON samples (pipeline, month);
                CREATE TABLE sample_units (
                    sample INTEGER NOT NULL REFERENCES samples(id),
                    position INTEGER NOT NULL,
                    unit_id TEXT NOT NULL,
                    weight REAL NOT NULL,
                    reason TEXT NOT NULL,
                    PRIMARY KEY (sample, position)
                ) WITHOUT ROWID;
                """)
        }
    }
}

/// `SampleLog` in the SQLite store: each list is one small transaction of its own, outside any
/// run's (a run may be writing meanwhile: the insert waits for it, up to the busy timeout).
extension SQLiteStore: SampleLog {
    package func recordSample(_ sample: RecordedSample) throws -> Int64 {
        try access { db in
            var number: Int64 = 0
            try db.inTransaction {
                number = try insertSample(sample, db)
                return .commit
            }
            return number
        }
    }

    /// Writes a drawn list and its units on `db`, in the transaction open there; returns its number.
    func insertSample(_ sample: RecordedSample, _ db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO samples (pipeline, month, seed, requested, drawn_at, run, exclude_recent, include_rollups, jianfu_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                sample.pipeline, sample.month, String(sample.seed), sample.requested, sample.drawnAt, sample.run,
                sample.excludeRecent, sample.includeRollups, sample.jianfuVersion,
            ])
        let number = db.lastInsertedRowID
        let insert = try db.makeStatement(sql: "INSERT INTO sample_units VALUES (?, ?, ?, ?, ?)")
        for (position, unit) in sample.units.enumerated() {
            try insert.execute(arguments: [number, position, unit.unitID, unit.weight, unit.reason])
        }
        return number
    }

    package func sampledUnits(pipeline: String, months: ClosedRange<Int>) throws -> [SampledUnit] {
        try access { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT u.unit_id, s.month, s.id, u.reason FROM sample_units u JOIN samples s ON s.id = u.sample
                    WHERE s.id IN (SELECT MAX(id) FROM samples WHERE pipeline = ? AND month BETWEEN ? AND ? GROUP BY month)
                    ORDER BY s.month, u.position
                    """,
                arguments: [pipeline, months.lowerBound, months.upperBound]
            ).map { SampledUnit(unitID: $0[0], month: $0[1], sample: $0[2], reason: $0[3]) }
        }
    }
}
