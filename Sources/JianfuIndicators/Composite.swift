import JianfuModel

/// The per-unit summary of SPEC §3: composite score and grade.
package enum Composite {
    /// SPEC §3: the weighted mean of the metrics' non-empty scores, minus `penalty` points per
    /// rebounding metric, floored at 0; empty when no metric has a score (or their weights sum
    /// to 0).
    package static func composite(scores: [(score: Double?, weight: Double)], rebounds: Int, penalty: Double) -> Double? {
        var weighted = 0.0
        var weights = 0.0
        for (score, weight) in scores {
            guard let score else { continue }
            weighted += score * weight
            weights += weight
        }
        guard weights > 0 else { return nil }
        return max(weighted / weights - penalty * Double(rebounds), 0)
    }

    /// SPEC §3: the first grade (in the pipeline's order) whose `min` ≤ composite.
    package static func grade(_ composite: Double?, grades: [Grade]) -> Grade? {
        guard let composite else { return nil }
        return grades.first { $0.min <= composite }
    }
}
