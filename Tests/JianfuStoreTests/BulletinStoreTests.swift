import Foundation
import GRDB
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
        // As a bulletin stores them: each alert once, in key order, each field as its length
        // (4 bytes, little-endian) and bytes ("A" 41, "B" 42, "C" 43, "a" 61, "m" 6d, "x" 78).
        let rebound = "07000000" + "7265626f756e64"
        let packed = "01000000" + "41" + "01000000" + "61" + rebound + "01000000" + "41" + "01000000" + "78" + rebound
            + "01000000" + "42" + "01000000" + "61" + rebound + "01000000" + "42" + "01000000" + "6d" + rebound
            + "01000000" + "43" + "00000000" + "05000000" + "7374616c65"
        #expect(merge.packed.map { String(format: "%02x", $0) }.joined() == packed)
        #expect(AlertMerge([]).packed.isEmpty)
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

    /// Recording a month again with the same alerts is known by the stored digest (only the run
    /// changes); with one alert different, or a digest set to NULL, the bulletin's one value is
    /// written anew. The value is the alerts in key order, each field as its length (4 bytes,
    /// little-endian) and bytes.
    @Test func aBulletinIsStoredAsOneValueOfItsAlertsInKeyOrder() throws {
        let (store, folder) = try StoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let c = StoredAlert(unitID: "U3", metric: "meetings", rule: "rebound")
        let d = StoredAlert(unitID: "U3", metric: "meetings", rule: "cap_exceeded")
        func stored() throws -> (hex: String, digest: String, run: Int64) {
            try store.queue.read {
                let row = try #require(try Row.fetchOne($0, sql: "SELECT lower(hex(alerts)), alerts_sha256, run FROM bulletins WHERE month = ?", arguments: [Self.jan]))
                return (row[0], row[1], row[2])
            }
        }
        var runs: [Int64] = []
        for alerts in [[a, b, c], [c, b, a], [a, b, d], [a, b, d]] {
            let run = try StoreTests.start(store)
            runs.append(run)
            try store.beginChanges()
            try store.recordBulletin(pipeline: "p", month: Self.jan, alerts: alerts, run: run)
            try store.commitChanges()
            if runs.count == 3 {
                try store.queue.write { try $0.execute(sql: "UPDATE bulletins SET alerts_sha256 = NULL") }
            }
        }
        // 02000000 "U1" 09000000 "documents" 0c000000 "cap_exceeded" | 02000000 "U2" 00000000
        // 05000000 "stale" | 02000000 "U3" 08000000 "meetings" 0c000000 "cap_exceeded" (U3's
        // cap_exceeded: d, which replaced c).
        let hex = "02000000" + "5531" + "09000000" + "646f63756d656e7473" + "0c000000" + "6361705f6578636565646564"
            + "02000000" + "5532" + "00000000" + "05000000" + "7374616c65"
            + "02000000" + "5533" + "08000000" + "6d656574696e6773" + "0c000000" + "6361705f6578636565646564"
        #expect(try stored().hex == hex)
        #expect(try stored().digest == AlertMerge([a, b, d]).digest)
        #expect(try stored().run == runs[3])
        #expect(try store.bulletins(pipeline: "p", before: Self.feb) == [StoredBulletin(month: Self.jan, run: runs[3], alerts: [a, b, d])])
        #expect(try store.check().problems == [])
    }

    /// Ids as the stores compare them, byte for byte: the empty metric of a `stale` alert,
    /// multi-byte ids, one unit id in NFC and in NFD (two units), and a unit id whose bytes are
    /// those of a length (02 00 00 00) come back as they were given, in byte order.
    @Test func oddIdsComeBackByteForByteInByteOrder() throws {
        let (store, folder) = try StoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let nfc = StoredAlert(unitID: "caf\u{E9}", metric: "文件", rule: "rebound")
        let nfd = StoredAlert(unitID: "cafe\u{301}", metric: "文件", rule: "rebound")
        let prefix = StoredAlert(unitID: "\u{2}\u{0}\u{0}\u{0}", metric: "\u{0}", rule: "stale")
        let chinese = StoredAlert(unitID: "甲县", metric: "", rule: "stale")
        let run = try StoreTests.start(store)
        try store.beginChanges()
        try store.recordBulletin(pipeline: "p", month: Self.jan, alerts: [chinese, nfd, prefix, nfc], run: run)
        try store.commitChanges()
        // 02 < "c" (63); "cafe" + CC 81 < "caf" + C3 A9; "甲" is E7 94 B2.
        let bulletin = try #require(try store.bulletin(pipeline: "p", before: Self.feb, matching: [nfc], others: true))
        #expect(bulletin.raised == [true])
        let bytes = bulletin.others.map { [Array($0.unitID.utf8), Array($0.metric.utf8), Array($0.rule.utf8)] }
        #expect(bytes == [
            [[2, 0, 0, 0], [0], Array("stale".utf8)],
            [[0x63, 0x61, 0x66, 0x65, 0xCC, 0x81], [0xE6, 0x96, 0x87, 0xE4, 0xBB, 0xB6], Array("rebound".utf8)],
            [[0xE7, 0x94, 0xB2, 0xE5, 0x8E, 0xBF], [], Array("stale".utf8)],
        ])
        #expect(try store.check().problems == [])
    }

    /// `store check` reads each bulletin's value: one cut short, one out of key order, one
    /// changed by hand so that it no longer has its digest.
    @Test func storeCheckFindsADamagedBulletinValue() throws {
        let (store, folder) = try StoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try StoreTests.start(store)
        try store.beginChanges()
        for month in [Self.jan, Self.feb, Self.mar] {
            try store.recordBulletin(pipeline: "p", month: month, alerts: [a, b], run: run)
        }
        try store.commitChanges()
        #expect(try store.check().problems == [])
        // January without its last byte; February as U2 then U1; March with U2 made U3.
        let u1 = "02000000" + "5531" + "09000000" + "646f63756d656e7473" + "0c000000" + "6361705f6578636565646564"
        let u2 = "02000000" + "5532" + "00000000" + "05000000" + "7374616c65"
        try store.queue.write { db in
            try db.execute(sql: "UPDATE bulletins SET alerts = substr(alerts, 1, length(alerts) - 1) WHERE month = ?", arguments: [Self.jan])
            try db.execute(sql: "UPDATE bulletins SET alerts = X'\(u2 + u1)' WHERE month = ?", arguments: [Self.feb])
            try db.execute(sql: "UPDATE bulletins SET alerts = X'\(u1 + u2.replacingOccurrences(of: "5532", with: "5533"))' WHERE month = ?", arguments: [Self.mar])
        }
        #expect(try store.check().problems == [
            "the bulletin of p for 2024-01: its alerts (bulletins.alerts) end in the middle of a field (at byte 45)",
            "the bulletin of p for 2024-02: its alerts (bulletins.alerts) are not in key order without repeats (alert 2)",
            "the bulletin of p for 2024-03: its alerts are not those of its digest (bulletins.alerts_sha256); "
                + "set it to NULL and the next run that records the month writes its alerts anew",
        ])
        // The ledger's read of the damaged January is an error naming it, not a crash.
        #expect(throws: StoreError.self) { try store.bulletin(pipeline: "p", before: Self.feb, matching: [], others: true) }
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
