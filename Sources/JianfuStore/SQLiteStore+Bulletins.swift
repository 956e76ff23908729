import GRDB
import JianfuModel

/// The bulletins (`bulletins`, `bulletin_alerts`) and the corrections of a run
/// (`observation_history`), SPEC §6 `alerts.csv` ledger columns and `corrections.csv`.
extension SQLiteStore {
    public func recordBulletin(pipeline: String, month: Int, alerts: [StoredAlert], run: Int64) throws {
        try access { db in
            try db.execute(sql: "DELETE FROM bulletin_alerts WHERE pipeline = ? AND month = ?", arguments: [pipeline, month])
            try db.execute(
                sql: "INSERT OR REPLACE INTO bulletins (pipeline, month, run) VALUES (?, ?, ?)", arguments: [pipeline, month, run])
            let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO bulletin_alerts VALUES (?, ?, ?, ?, ?, ?)")
            for alert in alerts {
                try insert.execute(arguments: [pipeline, month, alert.unitID, alert.metric, alert.rule, run])
            }
        }
    }

    public func bulletins(pipeline: String, before month: Int) throws -> [StoredBulletin] {
        try access { db in
            var bulletins = try Row.fetchAll(
                db, sql: "SELECT month, run FROM bulletins WHERE pipeline = ? AND month < ? ORDER BY month",
                arguments: [pipeline, month]
            ).map { StoredBulletin(month: $0["month"], run: $0["run"], alerts: []) }
            let position = Dictionary(uniqueKeysWithValues: bulletins.enumerated().map { ($1.month, $0) })
            let rows = try Row.fetchCursor(
                db, sql: "SELECT month, unit_id, metric, rule FROM bulletin_alerts WHERE pipeline = ? AND month < ?",
                arguments: [pipeline, month])
            while let row = try rows.next() {
                guard let i = position[row["month"]] else { continue }
                bulletins[i].alerts.insert(StoredAlert(unitID: row["unit_id"], metric: row["metric"], rule: row["rule"]))
            }
            return bulletins
        }
    }

    public func corrections(run: Int64) throws -> [Correction] {
        try access { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT u.code, m.name AS metric, m.granularity, h.period, h.value, h.new_value, s.name AS source, o.line
                    FROM observation_history h
                    JOIN units u ON u.id = h.unit
                    JOIN metrics m ON m.id = h.metric
                    JOIN sources s ON s.id = h.source
                    LEFT JOIN observations o
                        ON o.source = h.source AND o.metric = h.metric AND o.period = h.period AND o.unit = h.unit
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
