import JianfuIndicators
import JianfuModel

/// `index.html` (SPEC §6): the monthly bulletin (月通报) of a run — headline figures per metric,
/// a trend chart per metric over the leaf units, the ranking per category, the alert list with
/// responsible persons, the units not reporting, and the data-quality section. Every unit page
/// (`units/…`, see `UnitPageWriter`) is linked from the ranking.
package struct IndexPageWriter: ReportWriter {
    package let fileName = "index.html"
    /// Rejected rows listed on the page (all of them are in `rejected.csv`).
    package static let rejectedRowsShown = 20

    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        let context = ReportContext(evaluation, hierarchy: nil)
        let headline = Headline(evaluation)
        let links = UnitLinks.from(.index)
        let page = ReportPage.document(title: run.pipelineName + " · 减负监测通报") {
            ReportPage.issueHead(
                title: run.pipelineName.hasSuffix("通报") ? run.pipelineName : run.pipelineName + "通报", issue: run.issue(evaluation), run: run,
                facts: ReportPage.windowFacts(evaluation.windows) + ["数据截至 \(evaluation.windows.current.lastMonth)"])
            overview(evaluation, headline)
            trends(evaluation, headline)
            ranking(evaluation, headline, context, links)
            alertList(evaluation, links, run)
            stale(evaluation, links)
            dataQuality(run)
            CorrectionsSection.nodes(run, evaluation: evaluation)
            ReportPage.footer(run: run)
        }
        page.renderDocument(to: out)
    }

    // MARK: 一、总体情况

    private func overview(_ evaluation: Evaluation, _ headline: Headline) -> [HTMLNode] {
        let month = BulletinFigures.monthOfYear(evaluation.windows.current.last)
        let stale = evaluation.alerts.filter { $0.rule == .stale }.count
        let alerts = evaluation.alerts.count - stale
        return [
            .el("h2", .id("overview")) { "一、总体情况" },
            .el("div", .class("figures")) {
                ReportPage.figure(String(evaluation.units.count), "监测单位（基层 \(headline.leafUnits) · 汇总 \(headline.rollupUnits)）")
                ReportPage.figure(String(alerts), "预警（返工补课）条数", alert: alerts > 0)
                ReportPage.figure(String(headline.reboundingUnits), "出现反弹的单位", alert: headline.reboundingUnits > 0)
                ReportPage.figure(String(stale), "未报送单位", alert: stale > 0)
            },
            .el("table", .class("headline")) {
                ReportPage.head(["指标", "基线", "评估期", "减少率", "上年同期", "同比", "目标", "达标单位", "反弹单位",
                                 "\(month)月", "环比", "1—\(month)月累计", "累计同比"],
                                numeric: [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12])
                HTMLNode.el("tbody") {
                    for totals in headline.metrics {
                        let metric = totals.metric
                        let yoyBad = metric.direction == .down ? (totals.yoyRate ?? 0) > 0 : (totals.yoyRate ?? 0) < 0
                        HTMLNode.el("tr", .id("headline-" + UnitPageName.safe(metric.id))) {
                            HTMLNode.el("td") {
                                HTMLNode.el("a", .href(.anchor("trend-" + metric.id))) { metric.label }
                                if metric.aggregate == .mean { HTMLNode.el("span", .class("tag")) { "均值" } }
                            }
                            ReportPage.cell(DisplayNumber.level(totals.baseline), numeric: true)
                            ReportPage.cell(DisplayNumber.level(totals.current), numeric: true)
                            ReportPage.cell(DisplayNumber.percent(totals.reductionRate), numeric: true, class: "rate")
                            ReportPage.cell(DisplayNumber.level(totals.prior), numeric: true)
                            ReportPage.cell(DisplayNumber.percent(totals.yoyRate, signed: true), numeric: true, class: yoyBad ? "yoy bad" : "yoy")
                            ReportPage.cell(ReportLabels.target(metric.rule, direction: metric.direction))
                            ReportPage.cell("\(totals.unitsMet) / \(totals.unitsJudged)", numeric: true, class: "met")
                            ReportPage.cell(String(totals.rebounds), numeric: true, class: totals.rebounds > 0 ? "bad" : nil)
                            bulletinCells(totals)
                        }
                    }
                }
            },
            .el("p", .class("note")) {
                "基线、评估期、上年同期为各基层单位（不含汇总单位）月均水平之和，标“均值”的指标为各基层单位水平的平均值；"
                "减少率 =（基线 − 评估期）÷ 基线；同比 =（评估期 − 上年同期）÷ 上年同期，压减类指标同比为正即违反“只减不增”；"
                "达标单位含汇总单位，按各单位所属类别的目标或上限判定（分类指导），上限按单位考核。"
                "\(month)月、1—\(month)月累计为各基层单位报送数之和（计数类指标），未报送的月份不计为 0；"
                "环比 =（\(month)月 − 上月）÷ 上月；累计同比 =（累计 − 上年同期累计）÷ 上年同期累计，两年各月均有报送时才计算。"
                missingNote(headline, month: month)
            },
        ]
    }

    /// How many leaf units the bulletin totals leave out (a unit that did not report a month is
    /// not counted as zero): one sentence when every count metric misses the same numbers,
    /// else one per metric.
    private func missingNote(_ headline: Headline, month: Int) -> String {
        let counted = headline.metrics.filter { $0.bulletin != nil && ($0.monthUnitsMissing > 0 || $0.ytdUnitsIncomplete > 0) }
        func sentence(_ t: Headline.MetricTotals) -> String {
            "\(month)月 \(t.monthUnitsMissing) 个基层单位未报送，1—\(month)月 \(t.ytdUnitsIncomplete) 个基层单位有月份未报送，均未计入。"
        }
        guard let first = counted.first else { return "" }
        let all = headline.metrics.filter { $0.bulletin != nil }
        if counted.count == all.count,
           counted.allSatisfy({ $0.monthUnitsMissing == first.monthUnitsMissing && $0.ytdUnitsIncomplete == first.ytdUnitsIncomplete }) {
            return "各计数指标：" + sentence(first)
        }
        return counted.map { $0.metric.label + "：" + sentence($0) }.joined()
    }

    /// The bulletin figures of the whole (SPEC §6 "Bulletin figures"): the month's total with
    /// its counting word, 环比, 1—M月累计, 累计同比; `—` for mean and non-monthly metrics.
    private func bulletinCells(_ totals: Headline.MetricTotals) -> [HTMLNode] {
        let metric = totals.metric
        guard let figures = totals.bulletin else {
            return (0..<4).map { _ in ReportPage.cell(DisplayNumber.missing, numeric: true) }
        }
        let word = metric.countingWord ?? ""
        func rateClass(_ rate: Double?) -> String? {
            guard let rate else { return nil }
            return (metric.direction == .down ? rate > 0 : rate < 0) ? "bad" : nil
        }
        return [
            ReportPage.cell(figures.monthValue.map { DisplayNumber.level($0) + word } ?? DisplayNumber.missing, numeric: true),
            ReportPage.cell(DisplayNumber.percent(figures.momRate, signed: true), numeric: true, class: rateClass(figures.momRate)),
            ReportPage.cell(figures.ytd.map { DisplayNumber.level($0) + word } ?? DisplayNumber.missing, numeric: true),
            ReportPage.cell(DisplayNumber.percent(figures.ytdRate, signed: true), numeric: true, class: rateClass(figures.ytdRate)),
        ]
    }

    // MARK: 二、趋势

    private func trends(_ evaluation: Evaluation, _ headline: Headline) -> [HTMLNode] {
        var rebounding = [[Int]](repeating: [], count: evaluation.metrics.count)
        for (u, unit) in evaluation.units.enumerated() {
            for (m, row) in unit.metrics.enumerated() where row.rebound.isRebound { rebounding[m].append(u) }
        }
        return [
            .el("h2", .id("trends")) { "二、趋势" },
            .el("p", .class("note")) { "各基层单位逐期合计（均值指标为报送单位的平均值）；虚线为基线水平，绿线为目标，红色区间为反弹。" },
            .el("div", .class("charts")) {
                for (m, metric) in evaluation.metrics.enumerated() {
                    let totals = headline.metrics[m]
                    HTMLNode.el("figure", .id("trend-" + UnitPageName.safe(metric.id))) {
                        // One figcaption per figure (HTML): the cap note and the rebound list are
                        // blocks inside it.
                        HTMLNode.el("figcaption") {
                            HTMLNode.el("b") { metric.label }
                            " 基线 \(DisplayNumber.level(totals.baseline)) → 评估期 \(DisplayNumber.level(totals.current))"
                            if let rate = totals.reductionRate { "，减少 \(DisplayNumber.percent(rate))" }
                            if case .cap(let cap)? = metric.rule, metric.aggregate == .sum {
                                HTMLNode.el("div") { "上限按单位考核：每个单位评估期月均不超过 \(DisplayNumber.level(cap))。" }
                            }
                            if !rebounding[m].isEmpty {
                                HTMLNode.el("div", .class("bad")) {
                                    "反弹单位 \(rebounding[m].count) 个："
                                    for (i, u) in rebounding[m].enumerated() {
                                        if i > 0 { "、" }
                                        UnitLinks.from(.index).unitName(u, in: evaluation)
                                    }
                                }
                            }
                        }
                        TrendCharts.leafTotal(evaluation, metric: m, totals: totals, reboundingUnits: rebounding[m].count).render()
                    }
                }
            },
        ]
    }

    // MARK: 三、分类排名

    private func ranking(_ evaluation: Evaluation, _ headline: Headline, _ context: ReportContext, _ links: UnitLinks) -> [HTMLNode] {
        var byCategory: [String: [Int]] = [:]
        for (u, unit) in evaluation.units.enumerated() { byCategory[unit.unit.category, default: []].append(u) }
        let grades = evaluation.settings.grades
        return [
            .el("h2", .id("ranking")) { "三、分类排名" },
            .el("p", .class("note")) { "综合得分为各指标得分按权重的加权平均，每项反弹扣 \(DisplayNumber.level(evaluation.settings.rebound.penalty)) 分；排名在同类单位中计算（分类指导）。" },
            .group(headline.categories.map { category in
                let counts = zip(grades, category.grades).filter { $0.1 > 0 }.map { "\($0.0.name) \($0.1)" }.joined(separator: " · ")
                return .group([
                    .el("h3", .id("category-" + UnitPageName.safe(category.category))) {
                        "\(ReportLabels.category(category.category))"
                        if ReportLabels.category(category.category) != category.category && !category.category.isEmpty {
                            HTMLNode.el("span", .class("tag")) { category.category }
                        }
                        HTMLNode.el("span", .class("note")) {
                            "　\(category.units) 个单位 · 平均综合得分 \(DisplayNumber.score(category.meanComposite))" + (counts.isEmpty ? "" : " · " + counts)
                        }
                    },
                    UnitListTable.render(UnitListTable.byRank(byCategory[category.category] ?? [], evaluation),
                                         evaluation: evaluation, context: context, links: links, showCategory: false),
                ])
            }),
        ]
    }

    // MARK: 四、预警

    private func alertList(_ evaluation: Evaluation, _ links: UnitLinks, _ run: RunInfo) -> [HTMLNode] {
        let alerts = evaluation.alerts.indices.filter { evaluation.alerts[$0].rule != .stale }
        return [.el("h2", .id("alerts")) { "四、预警与返工补课" }]
            + RectificationSection.nodes(alerts, evaluation: evaluation, run: run, links: links)
    }

    // MARK: 五、未报送

    private func stale(_ evaluation: Evaluation, _ links: UnitLinks) -> [HTMLNode] {
        let stale = evaluation.alerts.filter { $0.rule == .stale }
        let title = HTMLNode.el("h2", .id("stale")) { "五、未报送单位" }
        guard let staleAfter = evaluation.settings.staleAfter else {
            return [title, .el("p", .class("note")) { "流水线未设置 stale_after，不检查未报送。" }]
        }
        guard !stale.isEmpty else {
            return [title, .el("p", .class("note")) { "所有基层单位均在 \(staleAfter) 个月内报送。" }]
        }
        return [
            title,
            .el("table", .class("stale")) {
                ReportPage.head(["单位代码", "单位名称", "类别", "减负责任人", "最后报送", "未报送月数"], numeric: [5])
                HTMLNode.el("tbody") {
                    for alert in stale {
                        let unit = evaluation.units[alert.unitIndex]
                        HTMLNode.el("tr") {
                            ReportPage.cell(unit.unit.id)
                            HTMLNode.el("td", .class(ReportPage.nameClass("name", unit.unit.name))) { links.unitName(alert.unitIndex, in: evaluation) }
                            ReportPage.cell(ReportLabels.category(unit.unit.category))
                            ReportPage.cell(unit.unit.responsible, class: ReportPage.nameClass("person", unit.unit.responsible))
                            ReportPage.cell(unit.lastReportedMonth.map { Period(.month, ordinal: $0).description } ?? "从未报送")
                            ReportPage.cell(alert.value.map(DisplayNumber.level) ?? DisplayNumber.missing, numeric: true, class: "bad")
                        }
                    }
                }
            },
            .el("p", .class("note")) { "连续 \(staleAfter) 个月及以上没有任何报送的基层单位；其评估期水平只按已报送的月份计算。" },
        ]
    }

    // MARK: 六、数据质量

    private func dataQuality(_ run: RunInfo) -> [HTMLNode] {
        let quality = run.quality
        let shown = run.rejections.prefix(Self.rejectedRowsShown)
        return [
            .el("h2", .id("data-quality")) { "六、数据质量" },
            .el("p", .class("note")) {
                "读入 \(quality.rowsRead) 行，整行剔除 \(quality.rowsRejected) 行，剔除单元格 \(quality.cellsRejected) 个，"
                "空行 \(quality.blankLines) 行，保留观测值 \(quality.observations) 个，被后一来源覆盖 \(quality.overrides) 个；"
                "剔除占比 \(DisplayNumber.percent(quality.rejectedShare))"
                if let limit = run.maxRejected { "（上限 \(DisplayNumber.percent(limit))）" }
                "。"
            },
            .el("table", .class("sources")) {
                ReportPage.head(["来源", "类型", "文件", "编码", "读入行数", "接收行数", "剔除行数", "剔除单元格", "空行", "观测值"],
                                numeric: [4, 5, 6, 7, 8, 9])
                HTMLNode.el("tbody") {
                    for s in run.sources {
                        HTMLNode.el("tr") {
                            ReportPage.cell(s.name)
                            ReportPage.cell(s.kind == .units ? "单位名录" : "观测数据")
                            ReportPage.cell(s.path.split(separator: "/").last.map(String.init) ?? s.path)
                            ReportPage.cell(s.encoding.rawValue)
                            ReportPage.cell(String(s.rowsRead), numeric: true)
                            ReportPage.cell(String(s.rowsRead - s.rowsRejected), numeric: true)
                            ReportPage.cell(String(s.rowsRejected), numeric: true, class: s.rowsRejected > 0 ? "bad" : nil)
                            ReportPage.cell(String(s.cellsRejected), numeric: true, class: s.cellsRejected > 0 ? "bad" : nil)
                            ReportPage.cell(String(s.blankLines), numeric: true)
                            ReportPage.cell(s.kind == .units ? DisplayNumber.missing : String(s.observations), numeric: true)
                        }
                    }
                }
            },
            .el("h3") {
                run.rejections.isEmpty ? "没有被剔除的行" :
                    run.rejections.count > shown.count ? "被剔除的行（前 \(shown.count) 条，共 \(run.rejections.count) 条，全部见 rejected.csv）"
                    : "被剔除的行（共 \(run.rejections.count) 条，亦见 rejected.csv）"
            },
            shown.isEmpty ? .group([]) : .el("table", .class("rejected")) {
                ReportPage.head(["来源", "行号", "列", "原因", "说明", "原始内容"], numeric: [1])
                HTMLNode.el("tbody") {
                    for r in shown {
                        HTMLNode.el("tr") {
                            ReportPage.cell(r.source)
                            ReportPage.cell(String(r.line), numeric: true)
                            ReportPage.cell(r.field.isEmpty ? "整行" : r.field)
                            ReportPage.cell(r.reason.rawValue)
                            ReportPage.cell(RejectionMessages.chinese(r))
                            ReportPage.cell(r.raw, class: "raw")
                        }
                    }
                }
            },
        ]
    }
}
