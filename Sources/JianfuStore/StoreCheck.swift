import Foundation
import GRDB
import GRDBSQLite
import JianfuModel

/// `jianfu store check` (issue 14.7): what a store holds, and whether it is whole — counts of
/// what it keeps, and every problem found in its keys and (SQLite) its file.
package struct StoreCheckReport: Sendable, Equatable {
    /// What the store holds, in a fixed order: (what, how many).
    package var counts: [(String, Int)]
    /// Each problem found, in words; empty when the store is whole.
    package var problems: [String]

    package init(counts: [(String, Int)] = [], problems: [String] = []) {
        self.counts = counts
        self.problems = problems
    }

    package static func == (a: Self, b: Self) -> Bool {
        a.problems == b.problems && a.counts.map(\.0) == b.counts.map(\.0) && a.counts.map(\.1) == b.counts.map(\.1)
    }
}

/// A store that can check itself (both implementations).
package protocol CheckableStore: AnyObject {
    func check() throws -> StoreCheckReport
}

extension SQLiteStore: CheckableStore {
    /// SQLite's `integrity_check` and `foreign_key_check`, then the slabs: their four arrays of
    /// one length, units ascending without repeats and known, sources and metrics known; then
    /// each bulletin's packed alerts (`PackedAlerts.problems`: they decode, in key order without
    /// repeats, and are those of the bulletin's digest).
    package func check() throws -> StoreCheckReport {
        try access { db in
            var report = try checkTables(db)
            let bulletins = try Row.fetchCursor(db, sql: "SELECT pipeline, month, alerts, alerts_sha256 FROM bulletins ORDER BY pipeline, month")
            while let row = try bulletins.next() {
                let place = "the bulletin of \(row[0] as String) for \(Period(.month, ordinal: row[1]))"
                let digest: String? = row[3]
                report.problems += try row.withUnsafeData(atIndex: 2) { alerts in
                    (alerts ?? Data()).withUnsafeBytes { PackedAlerts.problems(place: place, $0, digest: digest) }
                }
            }
            return report
        }
    }

    /// The checks of `check` but the bulletins'.
    private func checkTables(_ db: Database) throws -> StoreCheckReport {
        var report = StoreCheckReport()
        for row in try String.fetchAll(db, sql: "PRAGMA integrity_check") where row != "ok" {
            report.problems.append("integrity_check: \(row)")
        }
        for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
            report.problems.append("foreign_key_check: a row of \(row[0] as String? ?? "?") refers to a missing row of \(row[2] as String? ?? "?")")
        }
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
        let units = try count("SELECT count(*) FROM units")
        let maxUnit = try count("SELECT coalesce(max(id), 0) FROM units")
        report.counts = [
            ("runs", try count("SELECT count(*) FROM runs")),
            ("sources", try count("SELECT count(*) FROM sources")),
            ("metrics", try count("SELECT count(*) FROM metrics")),
            ("units", units),
            ("slabs", try count("SELECT count(*) FROM observation_slabs")),
            ("values", try count("SELECT coalesce(sum(length(units)) / 4, 0) FROM observation_slabs")),
            ("corrections kept", try count("SELECT count(*) FROM observation_history")),
            ("rejections", try count("SELECT count(*) FROM rejections")),
        ]
        let orphans = try count("""
            SELECT count(*) FROM observation_slabs o
            WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = o.source) OR NOT EXISTS (SELECT 1 FROM metrics m WHERE m.id = o.metric)
            """)
        if orphans > 0 { report.problems.append("\(orphans) slabs of a source or metric the store does not know") }
        let rows = try Row.fetchCursor(db, sql: "SELECT id, source, metric, period, units, vals, lines, runs FROM observation_slabs ORDER BY id")
        while let row = try rows.next() {
            let place = "slab \(row[0] as Int64) (source \(row[1] as Int64), metric \(row[2] as Int64), period \(row[3] as Int64))"
            let (u, v, l, r): (Data, Data, Data, Data) = (row[4], row[5], row[6], row[7])
            report.problems += u.withUnsafeBytes {
                ObservationSlab.problems(place: place, units: $0, valueBytes: v.count, lineBytes: l.count, runBytes: r.count, maxUnit: maxUnit)
            }
        }
        return report
    }
}
