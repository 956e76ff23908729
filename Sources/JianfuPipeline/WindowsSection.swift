import JianfuIndicators
import JianfuModel

/// Reads `baseline:` and `evaluation:` (SPEC §2, §3 "Windows"). Bounds are periods in any SPEC §1
/// spelling and are kept in months: a bound coarser than a month is read as the whole period
/// (`from: 2018` is 2018-01, `to: 2018` is 2018-12).
enum WindowsSection {
    static let windowKeys = ["from", "to"]

    /// `baseline: {from, to}` or `baseline: previous_year` (同比). It has no default: it is the
    /// point of the exercise.
    static func baseline(_ node: ConfigNode) throws -> BaselineRule {
        let expected = "{from: PERIOD, to: PERIOD} or previous_year"
        if case .scalar = node.node, !node.isNull {
            guard try node.text(expected) == "previous_year" else { throw node.invalid(expected) }
            return .previousYear
        }
        let mapping = try node.mapping(expected)
        try mapping.allowOnly(windowKeys)
        return .window(try window(mapping))
    }

    /// `evaluation: {months: N}` (the N calendar months ending at the latest month with data) or
    /// `{from, to}`; `{months: 12}` when left out.
    static func evaluation(_ node: ConfigNode?) throws -> EvaluationRule {
        guard let node else { return .lastMonths(12) }
        let expected = "{months: N} or {from: PERIOD, to: PERIOD}"
        let mapping = try node.mapping(expected)
        try mapping.allowOnly(["months"] + windowKeys)
        if let months = mapping["months"] {
            if let bound = mapping["from"] ?? mapping["to"] {
                throw bound.invalid("either months or from and to, not both")
            }
            return .lastMonths(try months.integer("a whole number ≥ 1") { $0 >= 1 })
        }
        guard !mapping.isEmpty else { throw node.invalid(expected, found: node.isNull ? "nothing" : "{}") }
        return .window(try window(mapping))
    }

    /// A baseline that begins after a fixed evaluation window ends measures nothing the
    /// evaluation could be compared with.
    static func checkOrder(baseline: BaselineRule, evaluation: EvaluationRule, baselineNode: ConfigNode) throws {
        guard case .window(let base) = baseline, case .window(let evaluated) = evaluation,
              base.first > evaluated.last else { return }
        throw baselineNode.invalid(
            "a baseline that starts before the evaluation window ends (\(evaluated))", found: "\(base)")
    }

    /// `{from, to}`, both required, `from` not after `to`.
    private static func window(_ mapping: ConfigMapping) throws -> MonthWindow {
        let from = try mapping.required("from"), to = try mapping.required("to")
        let window = MonthWindow(from: try from.period(), to: try to.period())
        guard window.first <= window.last else {
            throw mapping.node.invalid("from no later than to", found: "from \(from.found) to \(to.found)")
        }
        return window
    }
}
