import JianfuModel

/// A roll-up's cap judged unit by unit (SPEC §4): a cap is a limit per unit, so a roll-up whose
/// rule is a cap is not compared with its summed value. Each unit in it — itself, by the values
/// it reported itself, and every descendant — that has a current level and a cap of its own
/// (its category's) is judged against that cap; the roll-up's `met` and `score` come from how
/// many are within (`UnitsWithinCap`). Its `current` stays the sum and its `target` its own cap.
/// A roll-up whose own rule is a target keeps the SPEC §3 rule.
enum RollUpCaps {
    /// Sets `unitsWithinCap` on the rows of every roll-up whose rule for a metric is a cap.
    /// `rows[unit][metric]` are the units' indicators; `ownSeries(unit, metric)` the values a
    /// unit reported itself (for a roll-up, not its rolled-up series).
    static func judge(
        _ rows: inout [[MetricIndicators]], units: [MonitoredUnit], hierarchy: Hierarchy, settings: EvaluationSettings,
        windows: Windows, ownSeries: (Int, Int) -> [ObservationTable.Entry]
    ) {
        for (m, metric) in settings.metrics.enumerated() {
            let rollups = units.indices.filter { u in
                guard hierarchy.hasDescendants(u), case .cap? = rows[u][m].rule else { return false }
                return true
            }
            guard !rollups.isEmpty else { continue }
            let window = windows.current.ordinals(at: metric.granularity)
            // Subtree counts in post-order: each unit after all of its descendants.
            var counts = [UnitsWithinCap](repeating: UnitsWithinCap(), count: units.count)
            for u in hierarchy.postOrder {
                if case .cap(let cap)? = rows[u][m].rule {
                    let level = hierarchy.hasDescendants(u) ? Level(ownSeries(u, m), over: window).mean : rows[u][m].current
                    if let level {
                        counts[u].judged += 1
                        if level <= cap { counts[u].within += 1 }
                    }
                }
                for child in hierarchy.children[u] {
                    counts[u].judged += counts[child].judged
                    counts[u].within += counts[child].within
                }
            }
            for u in rollups { rows[u][m].unitsWithinCap = counts[u] }
        }
    }
}
