/// How strongly `jianfu sample` leans toward a unit (SPEC §7: "weighted toward low composites
/// and alerts"):
///
///     weight = 1 + 2 × (100 − composite) / 100 + 0.5 × alerts
///
/// rounded to 3 decimals (half away from zero). `alerts` is the number of the unit's rows in
/// `alerts.csv` (every rule, `stale` included). A unit without a composite (no metric has a
/// score: it did not report enough to be judged) counts as composite 0 — what cannot be shown
/// to have fallen is checked first. So a unit at 100 with no alert weighs 1, one at 50 weighs
/// 2, one at 0 (or without a composite) 3, and each alert adds 0.5: a weak unit with alerts is
/// several times as likely to be drawn as a good one, and no unit is ever left out.
///
/// The rounded weight is the one printed and the one drawn with, so a reader can redo the
/// draw by hand from the printed list (docs/sample.md).
package enum SpotCheckWeight {
    /// The weight of a composite of 0 over one of 100, less 1.
    package static let compositeFactor = 2.0
    /// What each alert adds.
    package static let alertFactor = 0.5
    /// The formula as printed above every list.
    package static let formula = "weight = 1 + 2 × (100 − composite)/100 + 0.5 × alerts (no composite counts as 0), rounded to 3 decimals"

    /// The weight of a unit with `composite` (0–100, `nil` when it has none) and `alerts`.
    package static func weight(composite: Double?, alerts: Int) -> Double {
        let shortfall = (100 - min(max(composite ?? 0, 0), 100)) / 100
        let raw = 1 + compositeFactor * shortfall + alertFactor * Double(alerts)
        return (raw * 1000).rounded(.toNearestOrAwayFromZero) / 1000
    }
}
