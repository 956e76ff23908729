import JianfuIndicators
import JianfuModel

/// A metric's headline figures as the bulletin shows them. Count (sum) metrics use
/// `Headline`'s totals, the leaf units' levels summed (the same numbers as `summary.json`);
/// for mean metrics (survey scores) a sum means nothing, so the bulletin shows the mean of the
/// leaf units' levels and the rates of those means.
struct BulletinTotals {
    let baseline: Double?
    let current: Double?
    let prior: Double?
    let reductionRate: Double?
    let yoyRate: Double?

    init(_ totals: Headline.MetricTotals) {
        func level(_ sum: Double, _ units: Int) -> Double? {
            guard units > 0 else { return nil }
            return totals.metric.aggregate == .sum ? sum : sum / Double(units)
        }
        baseline = level(totals.baseline, totals.baselineUnits)
        current = level(totals.current, totals.currentUnits)
        prior = level(totals.prior, totals.priorUnits)
        if totals.metric.aggregate == .sum {
            reductionRate = totals.reductionRate
            yoyRate = totals.yoyRate
        } else {
            if totals.metric.direction == .down, let b = baseline, let c = current, b != 0 {
                reductionRate = (b - c) / b
            } else {
                reductionRate = nil
            }
            if let p = prior, let c = current, p != 0 { yoyRate = (c - p) / p } else { yoyRate = nil }
        }
    }
}
