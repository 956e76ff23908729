import JianfuModel

/// Reads `rebound:` (SPEC §2, §3 `rebound`, 不反弹): the last `months` periods against the
/// `months` before them; a rise above `threshold` is a rebound and costs `penalty` composite
/// points. Each key left out keeps its default `{months: 3, threshold: 0.10, penalty: 0}`.
enum ReboundSection {
    static let keys = ["months", "threshold", "penalty"]

    static func read(_ node: ConfigNode?) throws -> ReboundRule {
        let defaults = ReboundRule()
        guard let node else { return defaults }
        let settings = try node.mapping("{months: N, threshold: SHARE, penalty: POINTS}")
        try settings.allowOnly(keys)
        return ReboundRule(
            months: try settings["months"]?.integer("a whole number ≥ 1") { $0 >= 1 } ?? defaults.months,
            threshold: try settings["threshold"]?.number("a share ≥ 0, such as 0.10") { $0 >= 0 } ?? defaults.threshold,
            penalty: try settings["penalty"]?.number("a number of points ≥ 0") { $0 >= 0 } ?? defaults.penalty)
    }
}
