import JianfuIndicators
import JianfuModel

/// The 预警 list of `index.html` with the rectification ledger (整改台账, SPEC §6): the alerts
/// with 首次预警 / 持续月数 / 状态, the longest-open first, then the previous bulletin's alerts
/// no longer raised under 已整改.
enum RectificationSection {
    static func nodes(_ alerts: [Int], evaluation: Evaluation, run: RunInfo, links: UnitLinks) -> [HTMLNode] {
        let ledger = LedgerView(run.ledger, evaluation: evaluation)
        var nodes: [HTMLNode] = [
            alerts.isEmpty
                ? .el("p", .class("note")) { "本期无预警。" }
                : AlertTable.render(alerts, evaluation: evaluation, links: links, showUnit: true, ledger: ledger),
        ]
        guard let result = ledger.result else { return nodes }
        if !alerts.isEmpty {
            nodes.append(.el("p", .class("note")) {
                result.previousMonth == nil
                    ? "没有更早的通报可比（首次通报，或未保存历史），各项预警均按新增计。"
                    : "首次预警为该预警连续出现的第一期通报的月份，持续月数为连续预警的通报期数（含本期）；连续预警时间长的排在前面。"
            })
        }
        let resolved = ledger.resolved
        nodes.append(.el("h3", .id("resolved")) { "已整改" })
        if let previous = result.previousMonth {
            nodes.append(resolved.isEmpty
                ? .el("p", .class("note")) { "上期（\(LedgerView.month(previous))）预警的各项本期无一整改到位，或上期无预警。" }
                : .group([
                    .el("p", .class("note")) { "上期（\(LedgerView.month(previous))）预警、本期不再预警的 \(resolved.count) 项：" },
                    AlertTable.resolved(resolved, evaluation: evaluation, ledger: ledger, links: links),
                ]))
        } else {
            nodes.append(.el("p", .class("note")) { "没有上期通报可比。" })
        }
        return nodes
    }
}

/// The 数据更正 part of `index.html`'s data-quality section (SPEC §6 `corrections.csv`): the
/// stored values this run replaced, old and new.
enum CorrectionsSection {
    /// Corrections listed on the page (all of them are in `corrections.csv`).
    static let shown = 20

    static func nodes(_ run: RunInfo, evaluation: Evaluation) -> [HTMLNode] {
        let labels = Dictionary(evaluation.metrics.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        let corrections = run.replacedValues
        let listed = corrections.prefix(shown)
        return [
            .el("h3", .id("corrections")) {
                corrections.isEmpty ? "数据更正"
                    : corrections.count > listed.count ? "数据更正（前 \(listed.count) 条，共 \(corrections.count) 条，全部见 corrections.csv）"
                    : "数据更正（共 \(corrections.count) 条，亦见 corrections.csv）"
            },
            corrections.isEmpty
                ? .el("p", .class("note")) { "本次运行无数据更正。" }
                : .el("table", .class("corrections")) {
                    ReportPage.head(["单位代码", "指标", "期间", "原值", "新值", "来源", "行号"], numeric: [3, 4, 6])
                    HTMLNode.el("tbody") {
                        for c in listed {
                            HTMLNode.el("tr") {
                                ReportPage.cell(c.unitID)
                                ReportPage.cell(labels[c.metric] ?? c.metric)
                                ReportPage.cell(c.period.description)
                                ReportPage.cell(DisplayNumber.level(c.oldValue), numeric: true)
                                ReportPage.cell(DisplayNumber.level(c.newValue), numeric: true, class: "bad")
                                ReportPage.cell(c.source)
                                ReportPage.cell(c.line.map(String.init) ?? DisplayNumber.missing, numeric: true)
                            }
                        }
                    }
                },
        ]
    }
}
