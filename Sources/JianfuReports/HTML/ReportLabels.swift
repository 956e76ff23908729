import JianfuIndicators
import JianfuModel

/// The Chinese words of the HTML pages and the terminal view: alert rules, categories, targets.
/// Metric labels come from the pipeline; these are the words around them.
package enum ReportLabels {
    /// The name of an alert rule as the 预警 list shows it.
    package static func rule(_ rule: Alert.Rule) -> String {
        switch rule {
        case .rebound: "反弹"
        case .yoyIncrease: "同比增长（只减不增）"
        case .targetMissed: "未达目标"
        case .capExceeded: "超出上限"
        case .stale: "未报送"
        }
    }

    /// Well-known category codes in Chinese; any other category (free text, SPEC §1) as given.
    package static func category(_ category: String) -> String {
        switch category {
        case "": "未分类"
        case "county": "县（区）"
        case "county_dept": "县直部门"
        case "township": "乡镇（街道）"
        case "village": "村"
        case "community": "社区"
        case "soe": "国有企业"
        case "school": "学校"
        default: category
        }
    }

    /// What a metric is held to, for one unit: `减少 ≥ 30.0%`, `≤ 2`, `≥ 80`; `—` for none.
    package static func target(_ rule: Rule?, direction: Direction) -> String {
        switch (direction, rule) {
        case (_, nil): DisplayNumber.missing
        case (.down, .target(let rate)?): "减少 ≥ " + DisplayNumber.percent(rate)
        case (.down, .cap(let cap)?): "≤ " + DisplayNumber.level(cap)
        case (.up, let rule?): "≥ " + DisplayNumber.level(rule.threshold)
        }
    }

    /// What one unit's row is held to: `target(_:direction:)`, except that a roll-up's cap,
    /// judged unit by unit (SPEC §4), reads `每单位 ≤ 1`.
    package static func target(of row: MetricIndicators) -> String {
        (row.unitsWithinCap == nil ? "" : "每单位 ") + target(row.rule, direction: row.direction)
    }

    /// A roll-up's cap judged unit by unit (SPEC §4): `5/6 单位在上限内`.
    package static func withinCap(_ units: UnitsWithinCap) -> String {
        "\(units.within)/\(units.judged) 单位在上限内"
    }

    /// The level a chart draws as the target line (SPEC §3 `target`): a reduction target read as
    /// `baseline * (1 - target)`, a cap as itself, an up metric's target level as itself.
    package static func targetLevel(_ rule: Rule?, direction: Direction, baseline: Double?) -> Double? {
        switch (direction, rule) {
        case (_, nil): nil
        case (.down, .target(let rate)?): baseline.map { $0 * (1 - rate) }
        case (.down, .cap(let cap)?): cap
        case (.up, let rule?): rule.threshold
        }
    }

    /// An alert's value and threshold as a reader understands them.
    package static func alertFigures(_ alert: Alert, in evaluation: Evaluation) -> (value: String, threshold: String) {
        let metric = alert.metricIndex.map { evaluation.metrics[$0] }
        switch alert.rule {
        case .rebound:
            let word = metric?.direction == .up ? "下降" : "上升"
            return (alert.value.map { "近期\(word) " + DisplayNumber.percent($0) } ?? "由 0 上升", "阈值 " + DisplayNumber.percent(alert.threshold))
        case .yoyIncrease:
            return ("同比 " + DisplayNumber.percent(alert.value, signed: true), "不高于上年同期")
        case .targetMissed:
            if metric?.direction == .up {
                return ("水平 " + DisplayNumber.level(alert.value), "目标 ≥ " + DisplayNumber.level(alert.threshold))
            }
            return ("减少率 " + DisplayNumber.percent(alert.value), "目标 ≥ " + DisplayNumber.percent(alert.threshold))
        case .capExceeded:
            if let m = alert.metricIndex, let units = evaluation.units[alert.unitIndex].metrics[m].unitsWithinCap {
                // A roll-up (SPEC §4): the value is how many of its units are over their own cap.
                return ("\(units.exceeding) 个单位超出上限", "每单位 ≤ 其类别上限")
            }
            return ("水平 " + DisplayNumber.level(alert.value), "上限 " + DisplayNumber.level(alert.threshold))
        case .stale:
            return (alert.value.map { DisplayNumber.level($0) + " 个月未报送" } ?? "从未报送", DisplayNumber.level(alert.threshold) + " 个月")
        }
    }
}
