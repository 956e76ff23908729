import Foundation
import GRDB
import JianfuModel
@testable import JianfuStore
import Testing

/// A source's rejections in `SQLiteStore` (schema 5, migration `v5-rejection-detail`): typed
/// rejections come back as they were saved, and a row a schema-3 store kept comes back with its
/// code and English sentence.
@Suite struct RejectionStoreTests {
    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-rejections-\(UUID().uuidString)").path
    }

    static func read(_ rejections: [Rejection]) -> SourceRead {
        SourceRead(
            fingerprint: SourceFingerprint(size: 1, sha256: "s"), readKey: "k", currentMonth: 2026 * 12 + 10,
            report: SourceReport(name: "units", path: "/data/units.csv", kind: .units), rejections: rejections)
    }

    static let start = RunStart(runID: "r", startedAt: "2026-11-25T00:00:00Z", pid: 1, pipelineSHA256: "p", jianfuVersion: "t", asOf: nil)

    @Test func typedRejectionsComeBackAsTheyWereSaved() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try SQLiteStore(path: folder + "/t.sqlite")
        let rejections = [
            Rejection(source: "units", line: 3, field: "unit_id", problem: .unitListedTwice(unit: "U1", firstLine: 2), raw: "U1,甲村"),
            Rejection(source: "units", line: 4, field: "", problem: .fieldCount(found: 1, header: 2, otherDelimiter: "；"), raw: "U2；乙村"),
            Rejection(source: "units", line: 5, field: "period", problem: .futurePeriod(
                "2099年1月", period: Period(year: 2099, month: 1), currentMonth: Period(year: 2026, month: 11)), raw: "U3,2099年1月"),
            Rejection(source: "units", line: 6, field: "发文数", problem: .notANumber("十二"), raw: "U4,十二", isCell: true, cell: "乡镇!C6"),
            Rejection(source: "units", line: 7, field: "", problem: .recorded(.unknownUnit, message: "unit 'X' is not in the units source"), raw: "X"),
        ]
        let run = try store.beginRun(Self.start)
        try store.recordUnits([], read: Self.read(rejections), run: run)
        #expect(try store.rejections(source: "units") == rejections)
        // The English sentence is kept too, for the sqlite3 shell.
        let messages = try DatabaseQueue(path: folder + "/t.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT message FROM rejections ORDER BY seq")
        }
        #expect(messages[0] == "unit U1 is listed twice; the first (line 2) is kept")
        #expect(messages[3] == "乡镇!C6: '十二' in 发文数 is not a plain decimal number")
    }

    /// A store written by jianfu 0.2.0 (schema 3: the migrations before `v4-observation-slabs`),
    /// upgraded when opened: its rejection reads back as recorded, worded as it was stored.
    @Test func aSchema3RejectionReadsBackWithItsSentence() throws {
        let (folder, path, old) = try oldStore(upTo: "v2-bulletin-alerts")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try old.write { db in
            try db.execute(sql: "PRAGMA application_id = \(SQLiteSchema.applicationID)")
            try db.execute(sql: """
                INSERT INTO runs (id, run_id, started_at, pid, pipeline_sha256, jianfu_version, outcome)
                    VALUES (1, 'r', '2026-11-24T00:00:00Z', 1, 'p', '0.2.0', 'ok');
                INSERT INTO sources (id, name, kind, location, size, sha256, read_key, latest_month, read_run, encoding,
                    rows_read, rows_rejected, cells_rejected, blank_lines, observations, threads, periods)
                    VALUES (1, 'counts', 'observations', '/data/counts.csv', 1, 's', 'k', 0, 1, 'utf-8', 1, 1, 0, 0, 0, 1, '');
                INSERT INTO rejections VALUES (1, 0, 5, 'period', 'bad_period',
                    'counts.xlsx is old: ''2019-13'' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)', 'U2,2019-13,documents,4', 0);
                """)
        }
        try old.close()

        let store = try SQLiteStore(path: path)
        let rejections = try store.rejections(source: "counts")
        let message = "counts.xlsx is old: '2019-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)"
        #expect(rejections == [
            Rejection(source: "counts", line: 5, field: "period", problem: .recorded(.badPeriod, message: message), raw: "U2,2019-13,documents,4"),
        ])
        let r = try #require(rejections.first)
        #expect(RejectionMessages.english(r) == message && RejectionMessages.chinese(r) == message)
        let columns = try DatabaseQueue(path: path).read { db in try db.columns(in: "rejections").map(\.name) }
        #expect(columns == ["source", "seq", "line", "field", "reason", "message", "raw", "is_cell", "reason_id", "value", "detail", "cell"])
    }
}
