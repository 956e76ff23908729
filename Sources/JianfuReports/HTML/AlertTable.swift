import JianfuIndicators
import JianfuModel

/// The early-warning and remedial list (预警 / 返工补课, SPEC §6 `alerts.csv`) as a table: who,
/// which metric, which rule, the figures, and the responsible person (减负责任人); with a
/// rectification ledger (整改台账), when each was first raised (首次预警), for how many bulletins
/// (持续月数) and its status, the longest-open first.
enum AlertTable {
    static func render(_ alerts: [Int], evaluation: Evaluation, links: UnitLinks, showUnit: Bool, ledger: LedgerView? = nil) -> HTMLNode {
        var titles = ["指标", "预警类型", "情况", "标准"]
        if showUnit { titles = ["单位代码", "单位名称", "减负责任人"] + titles }
        let ledger = ledger?.isPresent == true ? ledger : nil
        if ledger != nil { titles += ["首次预警", "持续月数", "状态"] }
        return .el("table", .class(showUnit ? "alerts with-unit" : "alerts")) {
            ReportPage.head(titles, numeric: ledger == nil ? [] : [titles.count - 2])
            HTMLNode.el("tbody") {
                for a in ledger?.longOpenFirst(alerts) ?? alerts {
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
                        if let entry = ledger?.entry(ofAlert: a) { ledgerCells(entry) }
                    }
                }
            }
        }
    }

    /// 首次预警, 持续月数, 状态.
    static func ledgerCells(_ entry: RectificationLedger.Entry) -> HTMLNode {
        .group([
            ReportPage.cell(LedgerView.month(entry.firstSeen)),
            ReportPage.cell(String(entry.monthsOpen), numeric: true, class: entry.monthsOpen > 1 ? "bad" : nil),
            ReportPage.cell(LedgerView.statusLabel(entry.status), class: entry.status == .resolved ? "good" : nil),
        ])
    }

    /// The alerts of the previous bulletin this one no longer raises (已整改): who, which
    /// metric and rule, since when and for how many bulletins they were open.
    static func resolved(_ entries: [RectificationLedger.Entry], evaluation: Evaluation, ledger: LedgerView, links: UnitLinks) -> HTMLNode {
        let metrics = Dictionary(evaluation.metrics.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        return .el("table", .class("alerts resolved with-unit")) {
            ReportPage.head(["单位代码", "单位名称", "减负责任人", "指标", "预警类型", "首次预警", "持续月数", "状态"], numeric: [6])
            HTMLNode.el("tbody") {
                for entry in entries {
                    let index = ledger.unitIndex(entry.key.unitID)
                    let unit = index.map { evaluation.units[$0].unit }
                    HTMLNode.el("tr") {
                        ReportPage.cell(entry.key.unitID)
                        HTMLNode.el("td") { index.map { links.unitName($0, in: evaluation) } ?? .text(entry.key.unitID) }
                        ReportPage.cell(unit?.responsible ?? "")
                        ReportPage.cell(entry.key.metric.isEmpty ? DisplayNumber.missing : metrics[entry.key.metric] ?? entry.key.metric)
                        ReportPage.cell(ReportLabels.rule(entry.key.rule))
                        ledgerCells(entry)
                    }
                }
            }
        }
    }
}
