import Crypto
import GRDB
import GRDBSQLite
import JianfuModel

/// The bulletins (`bulletins`, each with its alerts packed in one value: `PackedAlerts`) and
/// the corrections of a run (`observation_history`), SPEC §6 `alerts.csv` ledger columns and
/// `corrections.csv`.
extension SQLiteStore {
    /// A bulletin whose stored digest (`alerts_sha256`, `AlertMerge.digest`) is that of
    /// `alerts` holds them already: it only takes the run, and its alerts are neither read nor
    /// written. Otherwise (other alerts, a new month, a digest set to NULL) the bulletin's
    /// alerts are written anew as one value (`AlertMerge.packed`), with their digest.
    package func recordBulletin(pipeline: String, month: Int, alerts: [StoredAlert], run: Int64) throws {
        let merge = AlertMerge(alerts)
        let packed = merge.packed
        let digest = SHA256.hex(of: packed)
        try access { db in
            try db.execute(
                sql: "UPDATE bulletins SET run = ? WHERE pipeline = ? AND month = ? AND alerts_sha256 = ?",
                arguments: [run, pipeline, month, digest])
            if db.changesCount == 1 { return }
            try writeBulletin(pipeline: pipeline, month: month, run: run, packed: packed, digest: digest, db)
        }
    }

    /// Stores `pipeline`'s bulletin of `month` issued by `run` with the alerts `packed`
    /// (`AlertMerge.packed`) and their `digest`, in place of any stored before; the value is
    /// bound without a copy.
    func writeBulletin(pipeline: String, month: Int, run: Int64, packed: [UInt8], digest: String, _ db: Database) throws {
        let insert = try db.makeStatement(
            sql: "INSERT OR REPLACE INTO bulletins (pipeline, month, run, alerts_sha256, alerts) VALUES (?, ?, ?, ?, ?)")
        defer { withExtendedLifetime(insert) {} }
        let s = insert.sqliteStatement
        Self.bind(s, 1, pipeline)
        sqlite3_bind_int64(s, 2, Int64(month))
        sqlite3_bind_int64(s, 3, run)
        Self.bind(s, 4, digest)
        defer { sqlite3_clear_bindings(s) }
        try packed.withUnsafeBytes { bytes in
            // SQLITE_STATIC: the bytes stay put until the row is stepped. A zero-length blob,
            // not NULL, for a bulletin that raised nothing.
            if let base = bytes.baseAddress {
                _ = sqlite3_bind_blob(s, 5, base, Int32(bytes.count), nil)
            } else {
                _ = sqlite3_bind_zeroblob(s, 5, 0)
            }
            try finish(s, db)
        }
    }

    package func bulletin(pipeline: String, before month: Int, matching alerts: [StoredAlert], others: Bool) throws -> BulletinMatch? {
        try access { db in
            let select = try db.makeStatement(
                sql: "SELECT month, run, alerts FROM bulletins WHERE pipeline = ? AND month < ? ORDER BY month DESC LIMIT 1")
            try select.setArguments([pipeline, month])
            defer { withExtendedLifetime(select) {} }
            let s = select.sqliteStatement
            defer { sqlite3_reset(s) }
            guard try Self.step(s, db, location: location) else { return nil }
            let month = Int(sqlite3_column_int64(s, 0))
            let run = sqlite3_column_int64(s, 1)
            let count = Int(sqlite3_column_bytes(s, 2))
            let bytes = UnsafeRawBufferPointer(start: count == 0 ? nil : sqlite3_column_blob(s, 2), count: count)
            return try BulletinMatch(
                pipeline: pipeline, month: month, run: run, packed: bytes, matching: alerts, others: others, location: location)
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
