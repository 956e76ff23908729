import JianfuIngest
import JianfuModel
import Testing

/// `ObservationTable.absorb`, the merge of a parallel read's stretches: a later stretch's values
/// go in as one sequential pass would have put them (SPEC §5), or the merge is refused.
@Suite("ObservationTable.absorb") struct AbsorbTests {
    static let metrics = [Metric(id: "documents"), Metric(id: "survey", direction: .up, aggregate: .mean)]
    typealias Entry = ObservationTable.Entry

    @Test func absorbCountsTheValuesOfOtherSourcesItReplaces() {
        var table = ObservationTable(metrics: Self.metrics)
        let a = table.unitIndex("a")
        _ = table.insert(metric: 0, unit: a, ordinal: 10, value: 1, source: 0, line: 2)   // replaced
        _ = table.insert(metric: 0, unit: a, ordinal: 11, value: 2, source: 0, line: 3)   // kept
        var later = ObservationTable(metrics: Self.metrics)
        let la = later.unitIndex("a")
        _ = later.insert(metric: 0, unit: la, ordinal: 10, value: 5, source: 1, line: 7)
        _ = later.insert(metric: 1, unit: la, ordinal: 10, value: 6, source: 1, line: 8)  // new key
        let replaced = table.absorb(later, source: 1, unitMap: [a], lineOffset: 0)
        #expect(replaced == 1)
        #expect(table.series[0][Int(a)] == [Entry(ordinal: 10, line: 7, source: 1, value: 5), Entry(ordinal: 11, line: 3, source: 0, value: 2)])
        #expect(table.series[1][Int(a)] == [Entry(ordinal: 10, line: 8, source: 1, value: 6)])
    }

    @Test func absorbMapsUnitsShiftsLinesAndRefusesAClash() {
        var first = ObservationTable(metrics: Self.metrics)
        var second = first
        _ = first.insert(metric: 0, unit: first.unitIndex("a"), ordinal: 10, value: 1, source: 3, line: 2)
        // The second stretch met b before a: its unit 0 is b.
        _ = second.insert(metric: 0, unit: second.unitIndex("b"), ordinal: 40, value: 2, source: 3, line: 2)
        _ = second.insert(metric: 1, unit: second.unitIndex("a"), ordinal: 41, value: 3, source: 3, line: 3)
        var merged = first
        let map = [merged.unitIndex("b"), merged.unitIndex("a")]
        let absorbed = merged.absorb(second, source: 3, unitMap: map, lineOffset: 100)
        #expect(absorbed == 0)
        let (a, b) = (Int(merged.unitIndex("a")), Int(merged.unitIndex("b")))
        #expect(merged.series[0][a] == [Entry(ordinal: 10, line: 2, source: 3, value: 1)])
        #expect(merged.series[1][a] == [Entry(ordinal: 41, line: 103, source: 3, value: 3)])
        #expect(merged.series[0][b] == [Entry(ordinal: 40, line: 102, source: 3, value: 2)])
        #expect(merged.series[1][b].isEmpty)
        #expect(first.unitCount == 1 && first.series[0][0] == [Entry(ordinal: 10, line: 2, source: 3, value: 1)])   // a copy
        // The same key of the same source in both: refused.
        var clash = ObservationTable(metrics: Self.metrics)
        _ = clash.insert(metric: 0, unit: clash.unitIndex("a"), ordinal: 10, value: 7, source: 3, line: 2)
        let refused = merged.absorb(clash, source: 3, unitMap: [Int32(a)], lineOffset: 0)
        #expect(refused == nil)
    }
}
