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
