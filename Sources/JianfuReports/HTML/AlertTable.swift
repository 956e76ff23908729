import JianfuIndicators
import JianfuModel

/// The early-warning and remedial list (预警 / 返工补课, SPEC §6 `alerts.csv`) as a table: who,
/// which metric, which rule, the figures, and the responsible person (减负责任人).
enum AlertTable {
    static func render(_ alerts: [Int], evaluation: Evaluation, links: UnitLinks, showUnit: Bool) -> HTMLNode {
        var titles = ["指标", "预警类型", "情况", "标准"]
        if showUnit { titles = ["单位代码", "单位名称", "减负责任人"] + titles }
        return .el("table", .class("alerts")) {
            ReportPage.head(titles)
            HTMLNode.el("tbody") {
                for a in alerts {
                    let alert = evaluation.alerts[a]
                    let unit = evaluation.units[alert.unitIndex]
                    let metric = alert.metricIndex.map { evaluation.metrics[$0] }
                    let figures = ReportLabels.alertFigures(alert, in: evaluation)
                    HTMLNode.el("tr") {
                        if showUnit {
                            ReportPage.cell(unit.unit.id)
                            HTMLNode.el("td", .class(ReportPage.nameClass("name", unit.unit.name))) {
                                links.unitName(alert.unitIndex, in: evaluation)
                                if unit.isRollup { HTMLNode.el("span", .class("tag")) { "汇总" } }
                            }
                            ReportPage.cell(unit.unit.responsible, class: ReportPage.nameClass("person", unit.unit.responsible))
                        }
                        ReportPage.cell(metric?.label ?? DisplayNumber.missing)
                        HTMLNode.el("td") { HTMLNode.el("span", .class("tag red")) { ReportLabels.rule(alert.rule) } }
                        ReportPage.cell(figures.value)
                        ReportPage.cell(figures.threshold)
                    }
                }
            }
        }
    }
}
