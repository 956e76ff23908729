import GRDB
import GRDBSQLite
import JianfuModel

/// The bulletins (`bulletins`, `bulletin_alerts`) and the corrections of a run
/// (`observation_history`), SPEC §6 `alerts.csv` ledger columns and `corrections.csv`.
extension SQLiteStore {
    /// Only the alerts that changed are written. A bulletin whose stored digest
    /// (`alerts_sha256`, `AlertMerge.digest`) is that of `alerts` holds them already: it only
    /// takes the run, and none of its rows is read. Otherwise (other alerts, a new month, or a
    /// bulletin stored before digests) the stored ones are read in key order and merged with
    /// `alerts` sorted the same way (`AlertMerge`), the ones no longer raised deleted and the
    /// new ones inserted.
    package func recordBulletin(pipeline: String, month: Int, alerts: [StoredAlert], run: Int64) throws {
        let merge = AlertMerge(alerts)
        let digest = merge.digest
        try access { db in
            try db.execute(
                sql: "UPDATE bulletins SET run = ? WHERE pipeline = ? AND month = ? AND alerts_sha256 = ?",
                arguments: [run, pipeline, month, digest])
            if db.changesCount == 1 { return }
            let match = try self.match(merge, pipeline: pipeline, month: month, others: true, db)
            try db.execute(
                sql: "INSERT OR REPLACE INTO bulletins (pipeline, month, run, alerts_sha256) VALUES (?, ?, ?, ?)",
                arguments: [pipeline, month, run, digest])
            let delete = try db.makeStatement(
                sql: "DELETE FROM bulletin_alerts WHERE pipeline = ? AND month = ? AND unit_id = ? AND metric = ? AND rule = ?")
            for alert in match.others {
                try delete.execute(arguments: [pipeline, month, alert.unitID, alert.metric, alert.rule])
            }
            try insertAlerts(merge, merge.missing(from: match.raised), pipeline: pipeline, month: month, run: run, db)
        }
    }

    /// Writes the alerts of `merge` at `positions` (`AlertMerge.missing`: key order, each once)
    /// as `pipeline`'s bulletin of `month` on `db` (one already stored is left as it is). A
    /// hundred thousand alerts on a night of a new month: bound in place from the merge's bytes
    /// and stepped through the C API, in the order of the table's key.
    func insertAlerts(_ merge: AlertMerge, _ positions: [Int], pipeline: String, month: Int, run: Int64, _ db: Database) throws {
        guard !positions.isEmpty else { return }
        let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO bulletin_alerts VALUES (?, ?, ?, ?, ?, ?)")
        defer { withExtendedLifetime(insert) {} }
        let s = insert.sqliteStatement
        Self.bind(s, 1, pipeline)
        sqlite3_bind_int64(s, 2, Int64(month))
        sqlite3_bind_int64(s, 6, run)
        // Bound without a copy (SQLITE_STATIC): the bytes stay put until the row is stepped, and
        // the statement keeps no pointer into them past this call.
        defer { sqlite3_clear_bindings(s) }
        func bind(_ index: Int32, _ field: UnsafeRawBufferPointer) {
            if let base = field.baseAddress {
                _ = sqlite3_bind_text(s, index, base.assumingMemoryBound(to: CChar.self), Int32(field.count), nil)
            } else {
                _ = sqlite3_bind_text(s, index, "", 0, Self.transient)  // "" (the metric of a `stale` alert)
            }
        }
        try merge.forEach(positions) { unitID, metric, rule in
            bind(3, unitID)
            bind(4, metric)
            bind(5, rule)
            try finish(s, db)
        }
    }

    package func bulletin(pipeline: String, before month: Int, matching alerts: [StoredAlert], others: Bool) throws -> BulletinMatch? {
        try access { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT month, run FROM bulletins WHERE pipeline = ? AND month < ? ORDER BY month DESC LIMIT 1",
                arguments: [pipeline, month])
            else { return nil }
            let month: Int = row["month"]
            let match = try self.match(AlertMerge(alerts), pipeline: pipeline, month: month, others: others, db)
            return BulletinMatch(month: month, run: row["run"], raised: match.raised, others: match.others)
        }
    }

    /// `merge`'s alerts set against the stored alerts of `pipeline`'s bulletin of `month`, read
    /// in the order of `bulletin_alerts`' primary key (`BINARY`: byte order), so the `ORDER BY`
    /// costs no sort.
    private func match(_ merge: AlertMerge, pipeline: String, month: Int, others: Bool, _ db: Database) throws -> (raised: [Bool], others: [StoredAlert]) {
        let select = try db.makeStatement(
            sql: "SELECT unit_id, metric, rule FROM bulletin_alerts WHERE pipeline = ? AND month = ? ORDER BY unit_id, metric, rule")
        try select.setArguments([pipeline, month])
        defer { withExtendedLifetime(select) {} }
        var rows = Rows(statement: select.sqliteStatement, db: db, location: location)
        return try merge.match(&rows, others: others)
    }

    /// The rows of a `SELECT unit_id, metric, rule`, read in place.
    private struct Rows: StoredAlertRows {
        let statement: OpaquePointer
        let db: Database
        let location: String

        mutating func next() throws -> Bool { try SQLiteStore.step(statement, db, location: location) }

        func field(_ index: Int) -> UnsafeRawBufferPointer {
            let column = Int32(index)
            guard let text = sqlite3_column_text(statement, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column)))
        }
    }

    package func corrections(run: Int64) throws -> [Correction] {
        try access { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT u.code, m.name AS metric, m.granularity, h.period, h.value, h.new_value, s.name AS source,
                           h.new_line AS line
                    FROM observation_history h
                    JOIN units u ON u.id = h.unit
                    JOIN metrics m ON m.id = h.metric
                    JOIN sources s ON s.id = h.source
                    WHERE h.replaced_by_run = ?
                    ORDER BY h.source, m.name, h.period, u.code
                    """,
                arguments: [run]
            ).map { row in
                Correction(
                    unitID: row["code"], metric: row["metric"],
                    period: Period(Granularity(rawValue: row["granularity"]) ?? .month, ordinal: row["period"]),
                    oldValue: row["value"], newValue: row["new_value"], source: row["source"], line: row["line"], run: run)
            }
        }
    }
}
