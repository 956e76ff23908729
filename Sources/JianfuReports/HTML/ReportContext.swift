import JianfuIndicators
import JianfuModel

/// What the pages of one report look up about many units, computed once per run so that
/// writing every unit page stays linear in the number of units.
struct ReportContext: Sendable {
    /// Indices into `evaluation.alerts`, per unit.
    let alertsByUnit: [[Int]]
    /// Units with a composite (so with a rank), per category.
    let rankedPerCategory: [String: Int]
    /// The unit tree; `nil` when the page is written without it.
    let parent: [Int?]
    let children: [[Int]]

    init(_ evaluation: Evaluation, hierarchy: Hierarchy?) {
        var alertsByUnit = [[Int]](repeating: [], count: evaluation.units.count)
        for (i, alert) in evaluation.alerts.enumerated() { alertsByUnit[alert.unitIndex].append(i) }
        self.alertsByUnit = alertsByUnit
        var ranked: [String: Int] = [:]
        for unit in evaluation.units where unit.composite != nil { ranked[unit.unit.category, default: 0] += 1 }
        rankedPerCategory = ranked
        if let hierarchy, hierarchy.parent.count == evaluation.units.count {
            parent = hierarchy.parent
            children = hierarchy.children
        } else {
            // Without the hierarchy, the declared parent_id is all there is.
            var index: [UnitKey: Int] = [:]
            for (i, unit) in evaluation.units.enumerated() { index[UnitKey(unit.unit.id)] = i }
            var parent = [Int?](repeating: nil, count: evaluation.units.count)
            var children = [[Int]](repeating: [], count: evaluation.units.count)
            for (i, unit) in evaluation.units.enumerated() {
                if let p = unit.unit.parentID.flatMap({ index[UnitKey($0)] }), p != i {
                    parent[i] = p
                    children[p].append(i)
                }
            }
            self.parent = parent
            self.children = children
        }
    }
}
