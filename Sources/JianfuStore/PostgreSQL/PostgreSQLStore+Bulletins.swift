import Crypto
import Foundation
import JianfuModel

/// The bulletins on the server (`bulletins`, each with its alerts packed in one `bytea`:
/// `PackedAlerts`), SPEC §6 `alerts.csv` ledger columns: as in SQLite, a bulletin's alerts are
/// read as one value, decoded in key order and merged with the alerts asked about
/// (`AlertMerge`), never put in a hash table; a bulletin recorded again with the same alerts is
/// known by its digest (`alerts_sha256`) alone.
extension PostgreSQLStore {
    /// A bulletin whose stored digest (`alerts_sha256`, `AlertMerge.digest`) is that of
    /// `alerts` holds them already: it only takes the run, and its alerts are neither read nor
    /// written. Otherwise (other alerts, a new month, a digest set to NULL) the bulletin is
    /// written anew, its alerts as one value (`AlertMerge.packed`) with their digest.
    package func recordBulletin(pipeline: String, month: Int, alerts: [StoredAlert], run: Int64) throws {
        let packed = AlertMerge(alerts).packed
        let digest = SHA256.hex(of: packed)
        try access { db in
            let same = try db.execute(
                "UPDATE bulletins SET run = $3 WHERE pipeline = $1 AND month = $2 AND alerts_sha256 = $4", [pipeline, month, run, digest])
            if same.changed == 1 { return }
            try db.execute("DELETE FROM bulletins WHERE pipeline = $1 AND month = $2", [pipeline, month])
            // Binary COPY: the value's bytes as they are, not spelled out in hex.
            _ = try db.copyInBinary("COPY bulletins (pipeline, month, run, alerts_sha256, alerts) FROM STDIN (FORMAT binary)") { w in
                w.row(fields: 5)
                w.text(pipeline)
                w.int32(Int32(truncatingIfNeeded: month))
                w.int64(run)
                w.text(digest)
                w.bytea(packed[...])
                try w.endRow()
            }
        }
    }

    package func bulletin(pipeline: String, before month: Int, matching alerts: [StoredAlert], others: Bool) throws -> BulletinMatch? {
        guard hasSchema else { return nil }
        return try read { db in
            let b = try db.execute(
                "SELECT month, run, alerts FROM bulletins WHERE pipeline = $1 AND month < $2 ORDER BY month DESC LIMIT 1", [pipeline, month],
                binary: true)
            guard b.count > 0 else { return nil }
            return try withExtendedLifetime(b) {
                try BulletinMatch(
                    pipeline: pipeline, month: Int(b.binaryInt32(0, 0)), run: b.binaryInt64(0, 1), packed: b.bytes(0, 2),
                    matching: alerts, others: others, location: location)
            }
        }
    }
}
