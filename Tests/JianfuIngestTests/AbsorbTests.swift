import JianfuIngest
import JianfuModel
import Testing

/// `ObservationTable.absorb`, the merge of a parallel read's stretches: a later stretch's values
/// go in as one sequential pass would have put them (SPEC §5), or the merge is refused.
@Suite("ObservationTable.absorb") struct AbsorbTests {
    static let metrics = [Metric(id: "documents"), Metric(id: "survey", direction: .up, aggregate: .mean)]

    /// Every (unit, metric, ordinal, value, line) of a table, in a comparable form.
    func contents(_ table: ObservationTable) -> [String] {
        var lines: [String] = []
        for u in 0..<table.unitCount {
            for m in table.metrics.indices {
                for e in table.series[m][u] { lines.append("\(table.unitID(Int32(u))) \(m) \(e.ordinal) \(e.value) \(e.line)") }
            }
        }
        return lines
    }

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
        #expect(contents(table) == ["a 0 10 5.0 7", "a 0 11 2.0 3", "a 1 10 6.0 8"])
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
        #expect(contents(merged) == ["a 0 10 1.0 2", "a 1 41 3.0 103", "b 0 40 2.0 102"])
        #expect(contents(first) == ["a 0 10 1.0 2"])   // the table absorbed into was a copy
        // The same key of the same source in both: refused.
        var clash = ObservationTable(metrics: Self.metrics)
        _ = clash.insert(metric: 0, unit: clash.unitIndex("a"), ordinal: 10, value: 7, source: 3, line: 2)
        let a = merged.unitIndex("a")
        let refused = merged.absorb(clash, source: 3, unitMap: [a], lineOffset: 0)
        #expect(refused == nil)
    }
}
