import Foundation
import GRDB
@testable import JianfuStore
import Testing

/// The lists `jianfu sample` keeps in the store (SPEC §7 `--exclude-recent`).
@Suite struct SampleLogTests {
    static func list(_ pipeline: String, month: Int, seed: UInt64 = 1, _ units: [String]) -> RecordedSample {
        RecordedSample(
            pipeline: pipeline, month: month, seed: seed, requested: units.count, drawnAt: "2025-01-01T00:00:00Z", run: nil,
            excludeRecent: 0, includeRollups: false, jianfuVersion: "t",
            units: units.map { RecordedSample.Unit(unitID: $0, weight: 1.5, reason: "weighted") })
    }

    /// Lists for months 100, 101 (twice: the second replaces the first), 102, and one of another
    /// pipeline for 101. Months 100…101 of pipeline P: the list of 100, then the second of 101.
    @Test func theLastListOfEachMonthCountsPerPipeline() throws {
        let (store, folder) = try StoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try store.recordSample(Self.list("P", month: 100, ["A", "B"])) == 1)
        #expect(try store.recordSample(Self.list("P", month: 101, ["C"])) == 2)
        #expect(try store.recordSample(Self.list("P", month: 101, ["D", "E"])) == 3)
        _ = try store.recordSample(Self.list("P", month: 102, ["F"]))
        _ = try store.recordSample(Self.list("Q", month: 101, ["G"]))
        #expect(try store.sampledUnits(pipeline: "P", months: 100...101) == [
            SampledUnit(unitID: "A", month: 100, sample: 1, reason: "weighted"), SampledUnit(unitID: "B", month: 100, sample: 1, reason: "weighted"),
            SampledUnit(unitID: "D", month: 101, sample: 3, reason: "weighted"), SampledUnit(unitID: "E", month: 101, sample: 3, reason: "weighted"),
        ])
        #expect(try store.sampledUnits(pipeline: "P", months: 97...99) == [])
    }

    /// A seed above Int64.max is kept whole (as text: SQLite integers are signed).
    @Test func theWholeSeedIsKept() throws {
        let (store, folder) = try StoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try store.recordSample(Self.list("P", month: 1, seed: UInt64.max, ["A"]))
        let seed = try store.queue.read { try String.fetchOne($0, sql: "SELECT seed FROM samples")! }
        #expect(seed == "18446744073709551615")
    }
}
