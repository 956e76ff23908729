import Foundation
import JianfuModel
@testable import JianfuStore
import Testing

/// The bulletins kept for the rectification ledger and the corrections of a run, on a real
/// SQLite store (SPEC §6 `alerts.csv` ledger columns, `corrections.csv`).
@Suite struct BulletinStoreTests {
    static let jan = 2024 * 12, feb = jan + 1, mar = jan + 2
    let a = StoredAlert(unitID: "U1", metric: "documents", rule: "cap_exceeded")
    let b = StoredAlert(unitID: "U2", metric: "", rule: "stale")

    @Test func bulletinsAreKeptPerPipelineAndMonthAndARerunReplacesItsMonth() throws {
        let (store, folder) = try StoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try StoreTests.start(store)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: Self.jan, alerts: [a, b], run: run)
        // A bulletin without alerts is still a bulletin.
        try store.recordBulletin(pipeline: "p", month: Self.feb, alerts: [], run: run)
        try store.recordBulletin(pipeline: "other", month: Self.jan, alerts: [b], run: run)
        // January issued again: it replaces the first January.
        try store.recordBulletin(pipeline: "p", month: Self.jan, alerts: [a], run: run)
        try store.commitChanges()

        #expect(try store.bulletins(pipeline: "p", before: Self.mar) == [
            StoredBulletin(month: Self.jan, run: run, alerts: [a]),
            StoredBulletin(month: Self.feb, run: run, alerts: []),
        ])
        #expect(try store.bulletins(pipeline: "p", before: Self.feb) == [StoredBulletin(month: Self.jan, run: run, alerts: [a])])
        #expect(try store.bulletins(pipeline: "other", before: Self.mar) == [StoredBulletin(month: Self.jan, run: run, alerts: [b])])
    }

    @Test func alertsGivenInAnyOrderAreMergedInByteOrderEachOnce() {
        // B's and A's alerts interleaved, A/x given twice: in key order A/a, A/x, A/x, B/a, B/m, C.
        let alerts = [
            StoredAlert(unitID: "B", metric: "m", rule: "rebound"), StoredAlert(unitID: "A", metric: "x", rule: "rebound"),
            StoredAlert(unitID: "B", metric: "a", rule: "rebound"), StoredAlert(unitID: "A", metric: "x", rule: "rebound"),
            StoredAlert(unitID: "C", metric: "", rule: "stale"), StoredAlert(unitID: "A", metric: "a", rule: "rebound"),
        ]
        let merge = AlertMerge(alerts)
        #expect(merge.order == [5, 1, 3, 2, 0, 4])
        // None stored yet: each alert to add once, in key order.
        #expect(merge.missing(from: [Bool](repeating: false, count: 6)) == [5, 1, 2, 0, 4])
        #expect(merge.missing(from: [false, true, false, true, false, false]) == [5, 2, 0, 4])
        #expect(AlertMerge([]).order.isEmpty)
    }

    @Test func aBulletinsDigestIsThatOfItsDistinctAlertsInKeyOrderWithEachFieldsLength() {
        // U1 < U2; each field as its length (4 bytes, little-endian) and bytes:
        // 02000000 "U1" 09000000 "documents" 0c000000 "cap_exceeded" 02000000 "U2" 00000000 05000000 "stale",
        // whose SHA-256 (Python's hashlib) is 26aca3ab…; no alert: the SHA-256 of nothing.
        let digest = "26aca3abc5684046bd9573af76e1dd9ffdadc022b7926c61bde5b4f22223facb"
        #expect(AlertMerge([a, b]).digest == digest)
        #expect(AlertMerge([b, a, b]).digest == digest)
        #expect(AlertMerge([]).digest == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // The lengths keep fields apart: unit "ab" metric "c" is not unit "a" metric "bc".
        let ab = StoredAlert(unitID: "ab", metric: "c", rule: "rebound"), bc = StoredAlert(unitID: "a", metric: "bc", rule: "rebound")
        #expect(AlertMerge([ab]).digest != AlertMerge([bc]).digest)
        #expect(AlertMerge([a]).digest != digest)
    }

    /// Recording a month again with the same alerts is known by the stored digest; with one
    /// alert different, only that alert's row changes (the others keep the run that first
    /// raised them); a bulletin stored before digests (NULL) is compared row by row.
    @Test func aBulletinRecordedAgainRewritesOnlyTheAlertsThatChanged() throws {
        let (store, folder) = try StoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let c = StoredAlert(unitID: "U3", metric: "meetings", rule: "rebound")
        let d = StoredAlert(unitID: "U3", metric: "meetings", rule: "cap_exceeded")
        func rows() throws -> [String] {
            try store.queue.read {
                try String.fetchAll($0, sql: "SELECT unit_id || '|' || metric || '|' || rule || '|' || run FROM bulletin_alerts ORDER BY unit_id, metric, rule")
            }
        }
        func stored() throws -> String? {
            try store.queue.read { try String.fetchOne($0, sql: "SELECT alerts_sha256 FROM bulletins WHERE month = ?", arguments: [Self.jan]) }
        }
        var runs: [Int64] = []
        for alerts in [[a, b, c], [c, b, a], [a, b, d], [a, b, d]] {
            let run = try StoreTests.start(store)
            runs.append(run)
            try store.beginChanges()
            try store.recordBulletin(pipeline: "p", month: Self.jan, alerts: alerts, run: run)
            try store.commitChanges()
            if runs.count == 3 {
                // A bulletin as a store before digests left it: compared row by row next time.
                try store.queue.write { try $0.execute(sql: "UPDATE bulletins SET alerts_sha256 = NULL") }
            }
        }
        #expect(try stored() == AlertMerge([a, b, d]).digest)
        #expect(try store.bulletins(pipeline: "p", before: Self.feb) == [StoredBulletin(month: Self.jan, run: runs[3], alerts: [a, b, d])])
        // a and b from the first run; d from the third (U3's cap_exceeded < rebound, byte order).
        #expect(try rows() == ["U1|documents|cap_exceeded|\(runs[0])", "U2||stale|\(runs[0])", "U3|meetings|cap_exceeded|\(runs[2])"])
        // A row deleted by hand: `store check` finds the bulletin unlike its digest.
        #expect(try store.check().problems == [])
        try store.queue.write { try $0.execute(sql: "DELETE FROM bulletin_alerts WHERE unit_id = 'U2'") }
        let problems = try store.check().problems
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("the bulletin of p for 2024-01: its alerts are not those of its digest") == true)
    }

    @Test func aRolledBackRunRecordsNoBulletin() throws {
        let (store, folder) = try StoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try StoreTests.start(store)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: Self.jan, alerts: [a], run: run)
        store.rollbackChanges()
        #expect(try store.bulletins(pipeline: "p", before: Self.mar).isEmpty)
    }

    @Test func theCorrectionsOfARunNameTheNewValuesLine() throws {
        let (store, folder) = try StoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try StoreTests.start(store)
        try store.beginChanges()
        let (t1, r1) = StoreTests.read("counts", [("U1", "2024-01", 10), ("U1", "2024-02", 8)])
        _ = try store.recordObservations(StoreTests.batch(t1, 0), read: r1, run: first)
        try store.commitChanges()
        #expect(try store.corrections(run: first).isEmpty)

        // 2024-02 re-sent as 7, now on the file's third line (the read's lines start at 2).
        let second = try StoreTests.start(store)
        try store.beginChanges()
        let (t2, r2) = StoreTests.read("counts", [("U1", "2024-03", 6), ("U1", "2024-02", 7)])
        _ = try store.recordObservations(StoreTests.batch(t2, 0), read: r2, run: second)
        try store.commitChanges()
        #expect(try store.corrections(run: second) == [
            Correction(unitID: "U1", metric: "documents", period: Period(year: 2024, month: 2), oldValue: 8, newValue: 7, source: "counts", line: 3, run: second),
        ])
        #expect(try store.corrections(run: first).isEmpty)
    }
}
