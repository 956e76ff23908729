import Foundation
import JianfuModel

/// The bulletins on the server (`bulletins`, `bulletin_alerts`), SPEC §6 `alerts.csv` ledger
/// columns: as in SQLite, a bulletin's alerts are read in key order and merged with the alerts
/// asked about (`AlertMerge`), never put in a hash table; a bulletin recorded again with the
/// same alerts is known by its digest (`alerts_sha256`) alone.
extension PostgreSQLStore {
    /// Only the alerts that changed are written: those the month no longer raises are deleted,
    /// new ones inserted with this run, the others left as they are (a night that raises the
    /// same 100 000 alerts writes none, and leaves no dead rows behind). A bulletin whose stored
    /// digest (`alerts_sha256`, `AlertMerge.digest`) is that of `alerts` holds them already: it
    /// only takes the run, and none of its rows is read.
    package func recordBulletin(pipeline: String, month: Int, alerts: [StoredAlert], run: Int64) throws {
        let merge = AlertMerge(alerts)
        let digest = merge.digest
        try access { db in
            let same = try db.execute(
                "UPDATE bulletins SET run = $3 WHERE pipeline = $1 AND month = $2 AND alerts_sha256 = $4", [pipeline, month, run, digest])
            if same.changed == 1 { return }
            try db.execute(
                """
                INSERT INTO bulletins (pipeline, month, run, alerts_sha256) VALUES ($1, $2, $3, $4)
                ON CONFLICT (pipeline, month) DO UPDATE SET run = excluded.run, alerts_sha256 = excluded.alerts_sha256
                """,
                [pipeline, month, run, digest])
            let stored = try match(merge, pipeline: pipeline, month: month, others: true, db)
            if !stored.others.isEmpty {
                try db.execute(
                    """
                    DELETE FROM bulletin_alerts b USING unnest($3::text[], $4::text[], $5::text[]) AS g (unit_id, metric, rule)
                    WHERE b.pipeline = $1 AND b.month = $2 AND b.unit_id = g.unit_id AND b.metric = g.metric AND b.rule = g.rule
                    """,
                    [pipeline, month, Self.arrayLiteral(stored.others.map(\.unitID)), Self.arrayLiteral(stored.others.map(\.metric)),
                     Self.arrayLiteral(stored.others.map(\.rule))])
            }
            let added = merge.missing(from: stored.raised)
            guard !added.isEmpty else { return }
            try db.copyIn("COPY bulletin_alerts (pipeline, month, unit_id, metric, rule, run) FROM STDIN") { w in
                for i in added {
                    w.text(pipeline)
                    w.field(month)
                    w.text(alerts[i].unitID)
                    w.text(alerts[i].metric)
                    w.text(alerts[i].rule)
                    w.field(run)
                    try w.endRow()
                }
            }
        }
    }

    package func bulletin(pipeline: String, before month: Int, matching alerts: [StoredAlert], others: Bool) throws -> BulletinMatch? {
        guard hasSchema else { return nil }
        return try read { db in
            let b = try db.execute(
                "SELECT month, run FROM bulletins WHERE pipeline = $1 AND month < $2 ORDER BY month DESC LIMIT 1", [pipeline, month])
            guard b.count > 0, let month = b.int(0, 0) else { return nil }
            let match = try self.match(AlertMerge(alerts), pipeline: pipeline, month: month, others: others, db)
            return BulletinMatch(month: month, run: b.int64(0, 1) ?? 0, raised: match.raised, others: match.others)
        }
    }

    /// `merge`'s alerts set against the stored alerts of `pipeline`'s bulletin of `month`, read
    /// in byte order (`COLLATE "C"`, whatever the database's collation).
    private func match(_ merge: AlertMerge, pipeline: String, month: Int, others: Bool, _ db: PGConnection) throws -> (raised: [Bool], others: [StoredAlert]) {
        let result = try db.execute(
            """
            SELECT unit_id, metric, rule FROM bulletin_alerts WHERE pipeline = $1 AND month = $2
            ORDER BY unit_id COLLATE "C", metric COLLATE "C", rule COLLATE "C"
            """,
            [pipeline, month])
        var rows = Rows(result: result)
        return try merge.match(&rows, others: others)
    }

    /// The rows of a `SELECT unit_id, metric, rule` (text), read in place.
    private struct Rows: StoredAlertRows {
        let result: PGResult
        var row = -1

        mutating func next() throws -> Bool {
            row += 1
            return row < result.count
        }

        func field(_ index: Int) -> UnsafeRawBufferPointer { result.bytes(row, index) }
    }
}
