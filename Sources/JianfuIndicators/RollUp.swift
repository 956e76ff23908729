import JianfuModel

/// Roll-up series (SPEC §4): for a unit with descendants, each period's value is the sum over
/// itself and every descendant that reported that period (sum metrics), or one flat mean over
/// those reporting units (mean metrics) — not a mean of the children's roll-ups.
package enum RollUp {
    /// The rolled-up series of `metric` for every unit with descendants, by unit index
    /// (`nil` for leaves, whose own series stands).
    package static func series(
        of metric: Metric, leaves: (Int) -> [ObservationTable.Entry], unitCount: Int, hierarchy: Hierarchy
    ) -> [[ObservationTable.Entry]?] {
        var result = [[ObservationTable.Entry]?](repeating: nil, count: unitCount)
        guard (0..<unitCount).contains(where: hierarchy.hasDescendants) else { return result }
        var lo = Int32.max, hi = Int32.min
        for unit in 0..<unitCount {
            let entries = leaves(unit)
            if let first = entries.first, let last = entries.last {
                lo = min(lo, first.ordinal)
                hi = max(hi, last.ordinal)
            }
        }
        guard lo <= hi else {
            for unit in 0..<unitCount where hierarchy.hasDescendants(unit) { result[unit] = [] }
            return result
        }
        let span = Int(hi - lo) + 1
        // Subtree accumulators, kept only until the parent has absorbed them.
        var sums: [Int: [Double]] = [:]
        var counts: [Int: [Int32]] = [:]
        for unit in hierarchy.postOrder where hierarchy.hasDescendants(unit) {
            var sum = [Double](repeating: 0, count: span)
            var count = [Int32](repeating: 0, count: span)
            func absorb(_ entries: [ObservationTable.Entry]) {
                for entry in entries {
                    let k = Int(entry.ordinal - lo)
                    sum[k] += entry.value
                    count[k] += 1
                }
            }
            absorb(leaves(unit))
            for child in hierarchy.children[unit] {
                if let childSum = sums.removeValue(forKey: child), let childCount = counts.removeValue(forKey: child) {
                    for k in 0..<span {
                        sum[k] += childSum[k]
                        count[k] += childCount[k]
                    }
                } else {
                    absorb(leaves(child))
                }
            }
            var entries: [ObservationTable.Entry] = []
            for k in 0..<span where count[k] > 0 {
                let value = metric.aggregate == .sum ? sum[k] : sum[k] / Double(count[k])
                entries.append(ObservationTable.Entry(ordinal: lo + Int32(k), line: 0, source: 0, value: value))
            }
            result[unit] = entries
            sums[unit] = sum
            counts[unit] = count
        }
        return result
    }
}
