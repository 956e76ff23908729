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
