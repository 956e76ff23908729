import JianfuModel

/// Reads `metrics:` (SPEC §2), in file order: the metrics keep the order the pipeline declares
/// them in, and every output lists them so.
///
/// Defaults: `direction: down`, `aggregate: sum`, `granularity: month`, `weight: 1`, `label` = the
/// metric's name, no rule (tracked, not scored). A metric declares a `target` or a `cap`, not
/// both (SPEC §3 `target`). `unit:` is the counting word of the bulletin's totals (`件`, `次`,
/// `人`; SPEC §6 "Bulletin figures"), optional.
enum MetricsSection {
    static let keys = ["label", "direction", "aggregate", "granularity", "target", "cap", "weight", "unit"]

    static func read(_ node: ConfigNode) throws -> [Metric] {
        let mapping = try node.mapping("a mapping of metric names to their settings")
        guard !mapping.isEmpty else { throw node.invalid("at least one metric") }
        let metrics = try mapping.entries.map { try metric($0.key, $0.value) }

        // SPEC §3 composite: a weighted mean, which weights that are all 0 leave undefined.
        let scored = metrics.filter { $0.rule != nil }
        if !scored.isEmpty, scored.allSatisfy({ $0.weight == 0 }) {
            throw node.invalid(
                "at least one weight > 0 among the metrics with a target or cap (weights must not all be 0)",
                found: "weight 0 for " + scored.map(\.id).joined(separator: ", "))
        }
        return metrics
    }

    private static func metric(_ id: String, _ node: ConfigNode) throws -> Metric {
        // The columns mapping of a source names fields and metrics alike (SPEC §1).
        guard !SourcesSection.observationFields.contains(id), !id.isEmpty else {
            throw node.invalid(
                "a metric name other than " + SourcesSection.observationFields.joined(separator: ", "),
                found: "'\(id)'")
        }
        let settings = try node.mapping("the metric's settings, e.g. {direction: down, target: 0.30}")
        try settings.allowOnly(keys)

        let direction = try settings["direction"]?.choice([("down", Direction.down), ("up", .up)]) ?? .down
        let aggregate = try settings["aggregate"]?.choice([("sum", Aggregate.sum), ("mean", .mean)]) ?? .sum
        let granularity = try settings["granularity"]?.choice(Granularity.allCases.map { ($0.rawValue, $0) }) ?? .month
        var rule: Rule?
        if let target = settings["target"] {
            if let cap = settings["cap"] {
                throw cap.invalid("either target or cap, not both", found: "target \(target.found) and cap \(cap.found)")
            }
            rule = .target(try self.target(target, direction: direction))
        } else if let cap = settings["cap"] {
            rule = .cap(try self.cap(cap, direction: direction))
        }
        return Metric(
            id: id, label: try settings["label"]?.text() ?? id, direction: direction, aggregate: aggregate,
            granularity: granularity, rule: rule, weight: try settings["weight"].map(weight) ?? 1,
            countingWord: try settings["unit"].map(countingWord))
    }

    /// A target (SPEC §3): for a down metric the reduction rate to reach, > 0 and at most 1
    /// (a 100% cut); for an up metric the level to reach.
    static func target(_ node: ConfigNode, direction: Direction) throws -> Double {
        switch direction {
        case .down: try node.number("a reduction rate > 0 and ≤ 1, such as 0.30") { $0 > 0 && $0 <= 1 }
        case .up: try node.number("a number, the level to reach")
        }
    }

    /// A cap (SPEC §3): the most allowed of a down metric, ≥ 0. An up metric has no cap: more of
    /// it is better.
    static func cap(_ node: ConfigNode, direction: Direction) throws -> Double {
        guard direction == .down else {
            throw node.invalid("a target for an up metric (a cap applies to down metrics only)", found: "cap \(node.found)")
        }
        return try node.number("a number ≥ 0, the most allowed") { $0 >= 0 }
    }

    /// A counting word (SPEC §6 "Bulletin figures"): short text such as `件`, written after the
    /// totals; not blank, no control characters, at most 8 characters.
    static func countingWord(_ node: ConfigNode) throws -> String {
        let expected = "a counting word such as 件, 次 or 人 (1 to 8 characters)"
        let word = try node.text(expected)
        let control = word.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard !word.allSatisfy(\.isWhitespace), word.count <= 8, !control else {
            throw node.invalid(expected)
        }
        return word
    }

    /// A weight in the composite (SPEC §3), ≥ 0.
    static func weight(_ node: ConfigNode) throws -> Double {
        try node.number("a number ≥ 0") { $0 >= 0 }
    }
}
