import JianfuModel

extension ObservationTable {
    /// Moves into this table every value that `source` gave in `other`, a table filled from a
    /// later stretch of the same file on another thread (`ParallelFileReader`): `unitMap[u]` is
    /// this table's index of `other`'s unit `u`, and `lineOffset` is added to every line. Values
    /// of other sources in `other` are skipped (this table has them already).
    ///
    /// Each value goes through `insert`, so the grid's rules (SPEC §5) decide as in one
    /// sequential pass: returns how many of this table's values of other sources were replaced
    /// (overrides); `nil`, with this table partly filled, when a key of `source` is in both
    /// (the first occurrence must win and the second be rejected with its row's text, which
    /// only a sequential pass has): the caller then discards it.
    package mutating func absorb(_ other: ObservationTable, source: UInt16, unitMap: [Int32], lineOffset: Int) -> Int? {
        precondition(other.metrics.count == metrics.count)
        // Room for all of `other`'s periods at once, so the grid grows (and copies) once.
        for m in metrics.indices {
            if let first = other.earliestOrdinal(metric: m), let last = other.latestOrdinal(metric: m) {
                reserve(metric: m, ordinals: first...last)
            }
        }
        var replaced = 0
        var clash = false
        for m in metrics.indices where !clash {
            other.forEachValue(metric: m, source: source) { u, entry in
                guard !clash else { return }
                let line = Int(entry.line) + lineOffset
                switch insert(metric: m, unit: unitMap[u], ordinal: entry.ordinal, value: entry.value, source: source, line: line) {
                case .added: break
                case .overrode: replaced += 1
                case .duplicate: clash = true
                }
            }
        }
        return clash ? nil : replaced
    }
}
