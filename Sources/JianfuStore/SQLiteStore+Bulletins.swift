import GRDB
import GRDBSQLite
import JianfuModel

/// The bulletins (`bulletins`, `bulletin_alerts`) and the corrections of a run
/// (`observation_history`), SPEC §6 `alerts.csv` ledger columns and `corrections.csv`.
extension SQLiteStore {
    /// Only the alerts that changed are written: the stored ones are read in key order and
    /// merged with `alerts` sorted the same way (`AlertMerge`), so a night that raises the
    /// same alerts as the night before reads them and writes none.
    package func recordBulletin(pipeline: String, month: Int, alerts: [StoredAlert], run: Int64) throws {
        let merge = AlertMerge(alerts)
        try access { db in
            let stored = try match(merge, pipeline: pipeline, month: month, others: true, db)
            try db.execute(
                sql: "INSERT OR REPLACE INTO bulletins (pipeline, month, run) VALUES (?, ?, ?)", arguments: [pipeline, month, run])
            let delete = try db.makeStatement(
                sql: "DELETE FROM bulletin_alerts WHERE pipeline = ? AND month = ? AND unit_id = ? AND metric = ? AND rule = ?")
            for alert in stored.others {
                try delete.execute(arguments: [pipeline, month, alert.unitID, alert.metric, alert.rule])
            }
            try insertAlerts(merge.missing(from: stored.raised).map { alerts[$0] }, pipeline: pipeline, month: month, run: run, db)
        }
    }

    /// Writes `alerts` of `pipeline`'s bulletin of `month` on `db` (one already stored is left
    /// as it is). Tens of thousands of alerts on a big first night: bound and stepped through
    /// the C API.
    func insertAlerts(_ alerts: [StoredAlert], pipeline: String, month: Int, run: Int64, _ db: Database) throws {
        guard !alerts.isEmpty else { return }
        let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO bulletin_alerts VALUES (?, ?, ?, ?, ?, ?)")
        defer { withExtendedLifetime(insert) {} }
        let s = insert.sqliteStatement
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func bind(_ index: Int32, _ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                if let base = utf8.baseAddress {
                    _ = sqlite3_bind_text(s, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(utf8.count), transient)
                } else {
                    _ = sqlite3_bind_text(s, index, "", 0, transient)  // "" (the metric of a `stale` alert)
                }
            }
        }
        bind(1, pipeline)
        sqlite3_bind_int64(s, 2, Int64(month))
        sqlite3_bind_int64(s, 6, run)
        for alert in alerts {
            bind(3, alert.unitID)
            bind(4, alert.metric)
            bind(5, alert.rule)
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
