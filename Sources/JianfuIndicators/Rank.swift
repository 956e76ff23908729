/// SPEC §3 `rank`: the rank of each composite within its category, highest first; ties share the
/// better rank (1, 2, 2, 4). Units without a composite get no rank.
package enum Rank {
    /// `items[i]` is (category, composite); returns the rank of each item.
    package static func ranks(_ items: [(category: String, composite: Double?)]) -> [Int?] {
        var result = [Int?](repeating: nil, count: items.count)
        var byCategory: [String: [Int]] = [:]
        for (index, item) in items.enumerated() where item.composite != nil {
            byCategory[item.category, default: []].append(index)
        }
        for (_, members) in byCategory {
            let sorted = members.sorted { items[$0].composite! > items[$1].composite! }
            for (position, index) in sorted.enumerated() {
                if position > 0, items[sorted[position - 1]].composite == items[index].composite {
                    result[index] = result[sorted[position - 1]]
                } else {
                    result[index] = position + 1
                }
            }
        }
        return result
    }
}
