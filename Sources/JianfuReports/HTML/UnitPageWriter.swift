import JianfuIndicators
import JianfuModel

/// A unit page, `units/UNIT_ID.html` (SPEC §6): the unit's indicators, a chart per metric with
/// its baseline and target, its roll-up children, its alerts, and links to the index, its
/// parent and its children. The file name comes from `UnitPageName`, like every link to it.
///
/// A report writes one page per unit (`pages(for:hierarchy:)`); `jianfu unit --html` writes one
/// page alone (`standalone(_:unit:hierarchy:)`), without links to pages that are not there.
package struct UnitPageWriter: ReportWriter {
    package let fileName: String
    package let unitIndex: Int
    private let context: ReportContext
    private let links: UnitLinks

    private init(unitIndex: Int, id: String, context: ReportContext, links: UnitLinks) {
        self.fileName = "units/" + UnitPageName.fileName(for: id, index: unitIndex)
        self.unitIndex = unitIndex
        self.context = context
        self.links = links
    }

    /// One writer per unit of `evaluation`, sharing the lookups they need. `hierarchy` is the
    /// unit tree the evaluation was computed over (for children derived from codes); without it
    /// the units' `parent_id` is used.
    package static func pages(for evaluation: Evaluation, hierarchy: Hierarchy?) -> [UnitPageWriter] {
        let context = ReportContext(evaluation, hierarchy: hierarchy)
        return evaluation.units.indices.map {
            UnitPageWriter(unitIndex: $0, id: evaluation.units[$0].unit.id, context: context, links: .from(.unitPage))
        }
    }

    /// The page of unit `unit` alone: self-contained, naming other units without linking them.
    package static func standalone(_ evaluation: Evaluation, unit: Int, hierarchy: Hierarchy?) -> UnitPageWriter {
        UnitPageWriter(unitIndex: unit, id: evaluation.units[unit].unit.id,
                       context: ReportContext(evaluation, hierarchy: hierarchy), links: .none)
    }

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        let u = unitIndex
        let unit = evaluation.units[u]
        let name = unit.unit.name.isEmpty ? unit.unit.id : unit.unit.name
        let page = ReportPage.document(title: name + " · " + run.pipelineName) {
            if case .from = links {
                HTMLNode.el("nav", .class("nav")) { HTMLNode.el("a", .href(.index(from: .unitPage))) { "← 返回通报总览" } }
            }
            ReportPage.masthead(kicker: ([run.pipelineName] + (run.issue(evaluation).map { [$0.description] } ?? []) + ["单位评估"]).joined(separator: " · "),
                                title: name, facts: identity(evaluation, u))
            summary(evaluation, u)
            indicators(evaluation, u)
            charts(evaluation, u)
            childUnits(evaluation, u)
            alerts(evaluation, u)
            ReportPage.footer(run: run)
        }
        page.renderDocument(to: out)
    }

    private func identity(_ evaluation: Evaluation, _ u: Int) -> [String] {
        let unit = evaluation.units[u]
        var facts = ["单位代码 " + unit.unit.id, ReportLabels.category(unit.unit.category)]
        if unit.isRollup { facts.append("汇总单位（含 \(context.children[u].count) 个直属下级）") }
        if let p = context.parent[u] {
            let parent = evaluation.units[p].unit
            facts.append("上级 " + (parent.name.isEmpty ? parent.id : parent.name))
        }
        facts.append("减负责任人 " + (unit.unit.responsible.isEmpty ? "未填报" : unit.unit.responsible))
        return facts + ReportPage.windowFacts(evaluation.windows)
    }

    private func summary(_ evaluation: Evaluation, _ u: Int) -> HTMLNode {
        let unit = evaluation.units[u]
        let ranked = context.rankedPerCategory[unit.unit.category] ?? 0
        let alerts = context.alertsByUnit[u].count
        return .el("div", .class("figures")) {
            ReportPage.figure(DisplayNumber.score(unit.composite), "综合得分")
            ReportPage.figure(unit.grade?.name ?? DisplayNumber.missing, "等级")
            ReportPage.figure(unit.rank.map { "\($0) / \(ranked)" } ?? DisplayNumber.missing,
                              "排名（\(ReportLabels.category(unit.unit.category))）")
            ReportPage.figure(String(unit.rebounds), "反弹指标", alert: unit.rebounds > 0)
            ReportPage.figure(String(alerts), "预警条数", alert: alerts > 0)
        }
    }

    private func indicators(_ evaluation: Evaluation, _ u: Int) -> [HTMLNode] {
        let unit = evaluation.units[u]
        return [
            .el("h2", .id("indicators")) { "一、指标" },
            .el("table", .class("indicators")) {
                ReportPage.head(["指标", "基线", "评估期", "变化", "减少率", "上年同期", "同比", "目标", "达标", "得分", "反弹", "基线月数", "评估期月数"],
                                numeric: [1, 2, 3, 4, 5, 6, 9, 11, 12])
                HTMLNode.el("tbody") {
                    for (m, row) in unit.metrics.enumerated() {
                        let metric = evaluation.metrics[m]
                        let yoyBad = metric.direction == .down ? (row.yoyRate ?? 0) > 0 : (row.yoyRate ?? 0) < 0
                        HTMLNode.el("tr", .id("metric-" + UnitPageName.safe(metric.id))) {
                            ReportPage.cell(metric.label)
                            ReportPage.cell(DisplayNumber.level(row.baseline), numeric: true)
                            ReportPage.cell(DisplayNumber.level(row.current), numeric: true)
                            ReportPage.cell(row.change.map { ($0 > 0 ? "+" : "") + DisplayNumber.level($0) } ?? DisplayNumber.missing, numeric: true)
                            ReportPage.cell(DisplayNumber.percent(row.reductionRate), numeric: true, class: "rate")
                            ReportPage.cell(DisplayNumber.level(row.prior), numeric: true)
                            ReportPage.cell(DisplayNumber.percent(row.yoyRate, signed: true), numeric: true, class: yoyBad ? "yoy bad" : "yoy")
                            ReportPage.cell(ReportLabels.target(of: row))
                            ReportPage.met(row.met, detail: row.unitsWithinCap.map(ReportLabels.withinCap))
                            ReportPage.cell(DisplayNumber.score(row.score), numeric: true)
                            row.rebound.isRebound
                                ? ReportPage.cell("反弹" + (row.rebound.change.map { " " + DisplayNumber.percent($0, signed: true) } ?? ""), class: "bad")
                                : ReportPage.cell(row.rebound.last == nil || row.rebound.previous == nil ? DisplayNumber.missing : "否")
                            ReportPage.cell(String(row.baselinePeriods), numeric: true)
                            ReportPage.cell(String(row.currentPeriods), numeric: true)
                        }
                    }
                }
            },
            .el("p", .class("note")) {
                "基线、评估期、上年同期为窗口内有报送各期的平均值（缺报不计为 0）"
                + (unit.isRollup ? "；汇总单位的值为本单位及全部下级单位逐期合计（均值指标为报送单位的平均值）" : "")
                + "；反弹：最近 \(evaluation.settings.rebound.months) 期较此前 \(evaluation.settings.rebound.months) 期变差超过 \(DisplayNumber.percent(evaluation.settings.rebound.threshold))。"
            },
        ]
    }

    private func charts(_ evaluation: Evaluation, _ u: Int) -> [HTMLNode] {
        [
            .el("h2", .id("trends")) { "二、趋势" },
            .el("div", .class("charts")) {
                for (m, metric) in evaluation.metrics.enumerated() {
                    let row = evaluation.units[u].metrics[m]
                    HTMLNode.el("figure", .id("trend-" + UnitPageName.safe(metric.id))) {
                        HTMLNode.el("figcaption") {
                            HTMLNode.el("b") { metric.label }
                            " 基线 \(DisplayNumber.level(row.baseline)) → 评估期 \(DisplayNumber.level(row.current))"
                            if let rate = row.reductionRate { "，减少 \(DisplayNumber.percent(rate))" }
                            if let units = row.unitsWithinCap {
                                "，上限按单位考核（\(ReportLabels.target(of: row))）：\(ReportLabels.withinCap(units))"
                            } else {
                                "，目标 \(ReportLabels.target(row.rule, direction: metric.direction))"
                            }
                        }
                        TrendCharts.unit(evaluation, unit: u, metric: m).render()
                    }
                }
            },
        ]
    }

    private func childUnits(_ evaluation: Evaluation, _ u: Int) -> [HTMLNode] {
        let children = context.children[u]
        guard !children.isEmpty else { return [] }
        return [
            .el("h2", .id("children")) { "三、下级单位" },
            UnitListTable.render(children, evaluation: evaluation, context: context, links: links, showCategory: true),
            .el("p", .class("note")) { "排名为各下级单位在其所属类别中的排名。" },
        ]
    }

    private func alerts(_ evaluation: Evaluation, _ u: Int) -> [HTMLNode] {
        let alerts = context.alertsByUnit[u]
        let number = context.children[u].isEmpty ? "三" : "四"
        return [
            .el("h2", .id("alerts")) { "\(number)、预警与返工补课" },
            alerts.isEmpty
                ? .el("p", .class("note")) { "本单位本期无预警。" }
                : AlertTable.render(alerts, evaluation: evaluation, links: links, showUnit: false),
        ]
    }
}
