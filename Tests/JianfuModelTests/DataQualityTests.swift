import JianfuModel
import Testing

/// The data-quality counters (SPEC §5): one source's, counted row by row into
/// `SourceReport.counts`, and a run's totals over its observation sources.
@Suite struct DataQualityTests {
    @Test func aRunsTotalsAreItsObservationSourcesSummed() {
        var first = SourceReport(name: "a", path: "a.csv", kind: .observations)
        first.rowsRead = 10
        first.rowsRejected = 1
        first.cellsRejected = 1
        first.observations = 17
        var second = SourceReport(name: "b", path: "b.csv", kind: .observations)
        second.rowsRead = 30
        second.rowsRejected = 2
        second.blankLines = 3
        second.overrides = 4
        var units = SourceReport(name: "units", path: "units.csv", kind: .units)
        units.rowsRead = 5
        units.rowsRejected = 5
        let quality = DataQuality(sources: [first, units, second])
        // The units source does not count: 10 + 30 rows read, 1 + 2 rows and 1 cell rejected.
        #expect(quality == DataQuality(rowsRead: 40, rowsRejected: 3, cellsRejected: 1, blankLines: 3, observations: 17, overrides: 4))
        // (3 + 1) / 40 = 0.1.
        #expect(quality.rejectedShare == 0.1)
        #expect(DataQuality().rejectedShare == 0, "nothing read: nothing rejected")
    }

    @Test func aSourcesCountersAreItsCounts() {
        var report = SourceReport(name: "a", path: "a.csv", kind: .observations)
        report.rowsRead += 2
        report.cellsRejected += 1
        #expect(report.counts == DataQuality(rowsRead: 2, cellsRejected: 1))
        var stretch = SourceReport(name: "a", path: "a.csv", kind: .observations)
        stretch.rowsRead = 3
        stretch.threads = 4
        report.add(countsOf: stretch)
        #expect(report.counts == DataQuality(rowsRead: 5, cellsRejected: 1))
        #expect(report.threads == 1, "only the counters are added")
    }
}
