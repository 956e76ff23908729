import JianfuModel

/// The early-warning and remedial list (预警 / 返工补课, SPEC §6 `alerts.csv`).
package enum Alerts {
    /// Per unit, in unit order, then metric order: every rebound (value: the relative move
    /// against the good direction, threshold: `rebound.threshold`), every 只减不增 break on a
    /// down metric (value: `yoy_rate` > 0, threshold 0), every missed target (value: the
    /// reduction rate, or the level for up metrics; threshold: the target) or exceeded cap
    /// (value: the current level; threshold: the cap — for a roll-up, judged unit by unit
    /// (SPEC §4), value: how many of its units are over their own cap; threshold: 0, none
    /// allowed; its summed level is no cap's concern); then, for units that report themselves
    /// (not roll-ups), `stale` when the months since the last report reach `stale_after`
    /// (value: those months, empty if it never reported).
    package static func collect(_ units: [UnitEvaluation], settings: EvaluationSettings, windows: Windows) -> [Alert] {
        // Blocks of units on every core, joined in unit order.
        let blocks = Swift.min(8, units.count)
        let lists = [[Alert]].concurrentMap(count: blocks, blocks: blocks) { b in
            var alerts: [Alert] = []
            for u in (units.count * b / blocks)..<(units.count * (b + 1) / blocks) {
                collect(units[u], at: u, settings: settings, windows: windows, into: &alerts)
            }
            return alerts
        }
        return Array(lists.joined())
    }

    /// The alerts of `unit`, the evaluation's unit `u`, appended to `alerts`.
    private static func collect(_ unit: UnitEvaluation, at u: Int, settings: EvaluationSettings, windows: Windows, into alerts: inout [Alert]) {
        for (m, row) in unit.metrics.enumerated() {
            if row.rebound.isRebound {
                alerts.append(Alert(unitIndex: u, metricIndex: m, rule: .rebound, value: row.rebound.change, threshold: settings.rebound.threshold))
            }
            if row.direction == .down, let yoy = row.yoyRate, yoy > 0 {
                alerts.append(Alert(unitIndex: u, metricIndex: m, rule: .yoyIncrease, value: yoy, threshold: 0))
            }
            if row.met == false, let rule = row.rule {
                switch rule {
                case .target(let target):
                    let value = row.direction == .down ? row.reductionRate : row.current
                    alerts.append(Alert(unitIndex: u, metricIndex: m, rule: .targetMissed, value: value, threshold: target))
                case .cap(let cap):
                    if let units = row.unitsWithinCap {
                        alerts.append(Alert(unitIndex: u, metricIndex: m, rule: .capExceeded, value: Double(units.exceeding), threshold: 0))
                    } else {
                        alerts.append(Alert(unitIndex: u, metricIndex: m, rule: .capExceeded, value: row.current, threshold: cap))
                    }
                }
            }
        }
        if let staleAfter = settings.staleAfter, !unit.isRollup {
            let silent = unit.lastReportedMonth.map { windows.current.last - $0 }
            if silent == nil || silent! >= staleAfter {
                alerts.append(Alert(unitIndex: u, metricIndex: nil, rule: .stale, value: silent.map(Double.init), threshold: Double(staleAfter)))
            }
        }
    }
}
