import JianfuModel
import Testing

/// The table's storage is shared between copies and grows in place (`CellStorage`): a copy
/// must never see another copy's writes, and growing in either direction or past the room
/// reserved must keep every value.
@Suite("ObservationTable") struct ObservationTableTests {
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

    @Test func aCopyDoesNotSeeWritesToTheOriginal() {
        var original = ObservationTable(metrics: Self.metrics)
        let u = original.unitIndex("a")
        let outcomes = [
            original.insert(metric: 0, unit: u, ordinal: 100, value: 1, source: 0, line: 2),
        ]
        var copy = original
        let more = [
            copy.insert(metric: 0, unit: u, ordinal: 101, value: 2, source: 0, line: 3),
            copy.insert(metric: 0, unit: u, ordinal: 100, value: 9, source: 1, line: 4),
            original.insert(metric: 1, unit: u, ordinal: 100, value: 70.5, source: 0, line: 5),
        ]
        #expect(outcomes + more == [.added, .added, .overrode, .added])
        #expect(contents(original) == ["a 0 100 1.0 2", "a 1 100 70.5 5"])
        #expect(contents(copy) == ["a 0 100 9.0 4", "a 0 101 2.0 3"])
    }

    @Test func growsForwardBackwardAndInUnits() {
        var table = ObservationTable(metrics: Self.metrics)
        var expected: [String: [String]] = [:]
        // 300 units (several capacity doublings), periods forward far past the first room,
        // then back before the first period, with a copy taken half way.
        var snapshot: ObservationTable?
        var expectedAtSnapshot: [String] = []
        var line = 2
        for (step, ordinal) in ([24_000, 24_001, 24_050, 24_200, 23_900, 23_000] as [Int32]).enumerated() {
            for k in 0..<300 {
                let id = "u\(k)"
                let u = table.unitIndex(id)
                let value = Double(k * 1000) + Double(ordinal - 23_000)
                let outcome = table.insert(metric: k % 2, unit: u, ordinal: ordinal, value: value, source: 0, line: line)
                #expect(outcome == .added)
                expected[id, default: []].append("\(id) \(k % 2) \(ordinal) \(value) \(line)")
                line += 1
            }
            if step == 2 {
                snapshot = table
                expectedAtSnapshot = contents(table)
            }
        }
        let sortedExpected = (0..<300).flatMap { k in
            expected["u\(k)"]!.sorted { Int($0.split(separator: " ")[2])! < Int($1.split(separator: " ")[2])! }
        }
        #expect(contents(table) == sortedExpected)
        #expect(contents(snapshot!) == expectedAtSnapshot)
        #expect(expectedAtSnapshot.count == 900)
        // A duplicate from the same source keeps the first line.
        let u1 = table.unitIndex("u1")
        let again = table.insert(metric: 1, unit: u1, ordinal: 23_000, value: 5, source: 0, line: 99)
        #expect(again == .duplicate(firstLine: line - 299))
    }

    /// A period's values of one source at once (a table built from a store): units given as
    /// -1 are skipped, a value of an earlier source is taken over (and counted), and one of the
    /// same source is kept, as one insert at a time does.
    @Test func aPeriodOfValuesIsInsertedAtOnce() {
        var table = ObservationTable(metrics: Self.metrics)
        let a = table.unitIndex("a"), b = table.unitIndex("b"), c = table.unitIndex("c")
        _ = table.insert(metric: 0, unit: b, ordinal: 100, value: 7, source: 0, line: 2)
        _ = table.insert(metric: 0, unit: c, ordinal: 100, value: 8, source: 1, line: 3)
        let units: [Int32] = [a, -1, b, c]
        let values: [Double] = [1, 99, 2, 3]
        let lines: [UInt32] = [10, 11, 12, 13]
        let taken = units.withUnsafeBufferPointer { u in
            values.withUnsafeBufferPointer { v in
                lines.withUnsafeBufferPointer { l in table.insert(metric: 0, ordinal: 100, units: u, values: v, lines: l, source: 1) }
            }
        }
        // b had source 0's 7: source 1 takes it over (1 override); c had source 1's 8: kept.
        #expect(taken == 1)
        #expect(contents(table) == ["a 0 100 1.0 10", "b 0 100 2.0 12", "c 0 100 8.0 3"])
    }

    /// Units known before any value (a units file, a store) used to size a grid to exactly
    /// their number; with 100 units of 2 metrics a period row was 3.125 bitmap words, the
    /// check for a row's values drifted a little more each row, and a period whose only value
    /// was the last unit's fell out of the transpose, its value silently left out.
    @Test func aPeriodWithOnlyTheLastUnitsValueIsKept() {
        var table = ObservationTable(metrics: Self.metrics)
        for u in 0..<100 { _ = table.unitIndex("u\(u)") }
        for u in 0..<100 { _ = table.insert(metric: 0, unit: Int32(u), ordinal: 0, value: 1, source: 0, line: 1) }
        _ = table.insert(metric: 0, unit: 99, ordinal: 20, value: 42, source: 0, line: 2)
        let series = table.denseSeries(metric: 0)
        #expect(series.ordinals == [0, 20])
        #expect(series.values.count == 200)
        #expect(series.values.last == 42)
    }

    /// Ten years of months for 5 000 units: the grid outgrows its first room several times
    /// (the mapping grows in place), and the transpose that gives the table up runs over two
    /// blocks of units, releasing the cells of the first before the second is read.
    /// Value of unit u, metric m, month k: u * 1000 + k * 10 + m; unit 7 misses month 3.
    func tenYears() -> ObservationTable {
        var table = ObservationTable(metrics: Self.metrics)
        for u in 0..<5_000 { _ = table.unitIndex("u\(u)") }
        for k in 0..<120 {
            for m in 0..<2 {
                for u in 0..<5_000 where !(u == 7 && k == 3) {
                    _ = table.insert(metric: m, unit: Int32(u), ordinal: Int32(24_000 + k), value: Double(u * 1000 + k * 10 + m), source: 0, line: 1)
                }
            }
        }
        return table
    }

    /// Whether `series` (metric `m`) holds exactly `tenYears`' values.
    func holdsTenYears(_ series: DenseSeries.Metric, metric m: Int) -> Bool {
        guard series.ordinals == Array(24_000..<24_120), series.values.count == 5_000 * 120 else { return false }
        for u in 0..<5_000 {
            for k in 0..<120 {
                let value = series.values[u * 120 + k]
                if u == 7 && k == 3 { if !value.isNaN { return false } } else if value != Double(u * 1000 + k * 10 + m) { return false }
            }
        }
        return true
    }

    @Test func aTableGivenUpTransposesAsATableKept() {
        // (Each check is a Bool first: a failed expectation would print 600 000 values.)
        let alone = tenYears()
        let released = alone.releasingDenseSeries { count, body in (0..<count).forEach(body) }
        let releasedHoldsAll = holdsTenYears(released[0], metric: 0) && holdsTenYears(released[1], metric: 1)
        #expect(releasedHoldsAll)

        // A copy shares the cells: nothing is released, and the copy keeps every value.
        let table = tenYears()
        let copy = table
        let series = table.releasingDenseSeries { count, body in (0..<count).forEach(body) }
        let sharedHoldsAll = holdsTenYears(series[1], metric: 1)
        let copyHoldsAll = holdsTenYears(copy.denseSeries(metric: 0), metric: 0) && holdsTenYears(copy.denseSeries(metric: 1), metric: 1)
        #expect(sharedHoldsAll)
        #expect(copyHoldsAll)
    }

    @Test func aStrayFarPeriodAddsOneColumnToTheSnapshotNotTheYearsBetween() {
        // 1900-01 (Excel's day zero) next to 2024: the grid spans 124 years of rows, the
        // snapshot holds only the three periods with values, each value where it belongs.
        var table = ObservationTable(metrics: Self.metrics)
        let a = table.unitIndex("a"), b = table.unitIndex("b")
        let jan2024: Int32 = 2024 * 12, jan1900: Int32 = 1900 * 12
        _ = table.insert(metric: 0, unit: a, ordinal: jan2024, value: 1, source: 0, line: 2)
        _ = table.insert(metric: 1, unit: b, ordinal: jan2024 + 1, value: 70.5, source: 0, line: 3)
        _ = table.insert(metric: 0, unit: b, ordinal: jan1900, value: 5, source: 0, line: 4)
        let dense = DenseSeries(metrics: table.metrics.indices.map { table.denseSeries(metric: $0) }, unitCount: table.unitCount)
        #expect(dense.metrics[0].ordinals == [jan1900, jan2024, jan2024 + 1])
        #expect(dense.metrics[0].values.count == 2 * 3)
        #expect(dense.entries(metric: 0, unit: Int(a)).map { "\($0.ordinal)=\($0.value)" } == ["\(jan2024)=1.0"])
        #expect(dense.entries(metric: 0, unit: Int(b)).map { "\($0.ordinal)=\($0.value)" } == ["\(jan1900)=5.0"])
        #expect(dense.entries(metric: 1, unit: Int(b)).map { "\($0.ordinal)=\($0.value)" } == ["\(jan2024 + 1)=70.5"])
        #expect(dense.entries(metric: 1, unit: Int(a)).isEmpty)
        #expect(contents(table) == ["a 0 \(jan2024) 1.0 2", "b 0 \(jan1900) 5.0 4", "b 1 \(jan2024 + 1) 70.5 3"])
    }

    @Test func removingPeriodsAfterAMonthLeavesCopiesAlone() {
        // `--as-of`: months (and a quarter) after the cut go; the quarter holding the cut stays.
        let metrics = [Metric(id: "documents"), Metric(id: "quarterly", granularity: .quarter)]
        var table = ObservationTable(metrics: metrics)
        let a = table.unitIndex("a")
        let jan: Int32 = 2024 * 12
        for k in 0..<3 { _ = table.insert(metric: 0, unit: a, ordinal: jan + Int32(k), value: Double(k), source: 0, line: k + 2) }
        _ = table.insert(metric: 1, unit: a, ordinal: 2024 * 4, value: 7, source: 0, line: 9)      // 2024Q1
        _ = table.insert(metric: 1, unit: a, ordinal: 2024 * 4 + 1, value: 8, source: 0, line: 10) // 2024Q2
        let before = table
        table.removePeriods(afterMonth: Int(jan) + 1)   // through 2024-02
        #expect(table.entries(metric: 0, unit: 0).map(\.ordinal) == [jan, jan + 1])
        #expect(table.entries(metric: 1, unit: 0).map(\.ordinal) == [2024 * 4])
        #expect(before.entries(metric: 0, unit: 0).count == 3)
        #expect(before.entries(metric: 1, unit: 0).count == 2)
        #expect(table.latestOrdinal(metric: 0) == jan + 1)
    }
}
