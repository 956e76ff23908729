import JianfuModel

/// The relative changes every output reports, in one place: a unit's row of `indicators.csv`,
/// the headline figures of `summary.json`, `metrics.prom` and the HTML, and the bulletin
/// figures all call these, so a rate means the same thing wherever it is shown.
package enum Rates {
    /// SPEC §3 `yoy_rate`, SPEC §6 `mom_rate` and `ytd_rate`: `(value - reference) / reference`;
    /// `nil` when either is missing or the reference is 0.
    package static func change(_ value: Double?, from reference: Double?) -> Double? {
        guard let value, let reference, reference != 0 else { return nil }
        return (value - reference) / reference
    }

    /// SPEC §3 `reduction_rate`: down metrics `(baseline - current) / baseline`; `nil` for up
    /// metrics, when the baseline is 0, or when either level is missing.
    package static func reduction(from baseline: Double?, to current: Double?, direction: Direction) -> Double? {
        guard direction == .down, let baseline, let current, baseline != 0 else { return nil }
        return (baseline - current) / baseline
    }
}
