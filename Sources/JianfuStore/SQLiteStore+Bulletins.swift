import GRDB
import GRDBSQLite
import JianfuModel

/// The bulletins (`bulletins`, `bulletin_alerts`) and the corrections of a run
/// (`observation_history`), SPEC §6 `alerts.csv` ledger columns and `corrections.csv`.
extension SQLiteStore {
    /// Only the alerts that changed are written (`StoredAlert.change`): a night that raises the
    /// same alerts as the night before reads them and writes none.
    package func recordBulletin(pipeline: String, month: Int, alerts: [StoredAlert], run: Int64) throws {
        let old = try storedAlerts(pipeline: pipeline, month: month)
        let change = StoredAlert.change(from: old, to: alerts)
        try access { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO bulletins (pipeline, month, run) VALUES (?, ?, ?)", arguments: [pipeline, month, run])
            let delete = try db.makeStatement(
                sql: "DELETE FROM bulletin_alerts WHERE pipeline = ? AND month = ? AND unit_id = ? AND metric = ? AND rule = ?")
            for alert in change.gone {
                try delete.execute(arguments: [pipeline, month, alert.unitID, alert.metric, alert.rule])
            }
            try insertAlerts(change.added, pipeline: pipeline, month: month, run: run, db)
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

    package func bulletins(pipeline: String, before month: Int) throws -> [StoredBulletin] {
        try access { db in
            var bulletins = try Row.fetchAll(
                db, sql: "SELECT month, run FROM bulletins WHERE pipeline = ? AND month < ? ORDER BY month",
                arguments: [pipeline, month]
            ).map { StoredBulletin(month: $0["month"], run: $0["run"], alerts: []) }
            let position = Dictionary(uniqueKeysWithValues: bulletins.enumerated().map { ($1.month, $0) })
            let select = try db.makeStatement(
                sql: "SELECT month, unit_id, metric, rule FROM bulletin_alerts WHERE pipeline = ? AND month < ?")
            try select.setArguments([pipeline, month])
            defer { withExtendedLifetime(select) {} }
            let s = select.sqliteStatement
            while try step(s, db) {
                guard let i = position[Int(sqlite3_column_int64(s, 0))] else { continue }
                bulletins[i].alerts.insert(Self.alert(s, from: 1))
            }
            return bulletins
        }
    }

    /// The alerts stored for `pipeline`'s bulletin of `month`.
    private func storedAlerts(pipeline: String, month: Int) throws -> Set<StoredAlert> {
        try access { db in
            let select = try db.makeStatement(sql: "SELECT unit_id, metric, rule FROM bulletin_alerts WHERE pipeline = ? AND month = ?")
            try select.setArguments([pipeline, month])
            defer { withExtendedLifetime(select) {} }
            var alerts = Set<StoredAlert>()
            while try step(select.sqliteStatement, db) { alerts.insert(Self.alert(select.sqliteStatement, from: 0)) }
            return alerts
        }
    }

    /// The alert in columns `first` (unit id), `first + 1` (metric) and `first + 2` (rule) of
    /// the current row of `s`.
    private static func alert(_ s: OpaquePointer, from first: Int32) -> StoredAlert {
        func text(_ column: Int32) -> String {
            guard let bytes = sqlite3_column_text(s, column) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(s, column))), as: UTF8.self)
        }
        return StoredAlert(unitID: text(first), metric: text(first + 1), rule: text(first + 2))
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
