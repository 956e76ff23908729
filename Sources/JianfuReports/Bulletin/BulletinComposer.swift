import JianfuIndicators
import JianfuModel

/// Composes the written bulletin (通报稿, SPEC §6) from an evaluation: title and issue line, then
/// 一、总体情况 (each metric as a sentence with its figures and whether its target is met),
/// 二、分类排名 (each category's first and last three by composite), 三、预警和返工补课 (each
/// alert as a sentence naming the unit, its 责任人 and the rule; with the rectification ledger,
/// the long-open ones first and 已整改 after them), 四、未报送单位, and
/// 五、下月随机调研名单 (the spot-check list, when one was drawn).
///
/// Every number is one of the outputs' numbers, spelled as the HTML spells it
/// (`DisplayNumber`), so a reader can find each figure in `indicators.csv` or `summary.json`.
package struct BulletinComposer {
    /// What stands above the text: the title, the issue number (期号), the issuer and the date
    /// of issue as a person reads it (in the bulletin's time zone, SPEC §6 `bulletin:`).
    package struct Heading: Sendable {
        package var title: String
        /// 第N期, when the pipeline names its first issue.
        package var issue: IssueNumber?
        package var issuer: String?
        /// The date of issue, e.g. `2026年11月25日`.
        package var issuedOn: String

        package init(title: String, issue: IssueNumber?, issuer: String?, issuedOn: String) {
            self.title = title
            self.issue = issue
            self.issuer = issuer
            self.issuedOn = issuedOn
        }

        /// The heading of `evaluation`'s bulletin: `关于2024年12月基层减负工作情况的通报`, the 期号
        /// counted from `bulletin.first_issue`, the issuer, and the run's date in the bulletin's
        /// time zone.
        package init(_ evaluation: Evaluation, run: RunInfo) {
            self.init(
                title: "关于\(BulletinComposer.month(evaluation.windows.current.last))基层减负工作情况的通报",
                issue: run.issue(evaluation), issuer: run.bulletin.issuer, issuedOn: run.issuedAt.chineseDate)
        }
    }

    /// One unit of the spot-check list (随机调研), in draw order.
    package typealias SampledUnit = SpotCheckEntry

    let evaluation: Evaluation
    let heading: Heading
    let sample: [SampledUnit]?
    /// The rectification ledger (整改台账) of this bulletin's alerts, when known: section 三
    /// then lists the long-open ones first (已连续N期预警), marks the new ones (新增) and
    /// lists the resolved ones under 已整改.
    let ledger: RectificationLedger.Result?

    package init(evaluation: Evaluation, heading: Heading, sample: [SampledUnit]?, ledger: RectificationLedger.Result? = nil) {
        self.evaluation = evaluation
        self.heading = heading
        self.sample = sample
        self.ledger = ledger
    }

    package func compose() -> BulletinText {
        var text = BulletinText()
        text.blocks.append(.title(heading.title))
        text.blocks.append(.issueLine(issueLine))
        text.blocks.append(.issueLine(([heading.issuer].compactMap { $0 } + [heading.issuedOn]).joined(separator: "　　")))
        overall(&text)
        ranking(&text)
        alerts(&text)
        stale(&text)
        spotCheck(&text)
        text.blocks.append(.signature(([heading.issuer].compactMap { $0 } + [heading.issuedOn]).joined(separator: "　")))
        return text
    }

    /// `（2024年12月　第12期）`.
    var issueLine: String {
        let month = Self.month(evaluation.windows.current.last)
        return "（" + month + (heading.issue.map { "　\($0)" } ?? "") + "）"
    }

    /// `2024年12月` for a month ordinal.
    static func month(_ ordinal: Int) -> String {
        "\(ordinal / 12)年\(ordinal % 12 + 1)月"
    }

    /// The name a reader knows a unit by: its name, else its id.
    static func name(_ unit: MonitoredUnit) -> String { unit.name.isEmpty ? unit.id : unit.name }

    // MARK: 一、总体情况

    func overall(_ text: inout BulletinText) {
        text.blocks.append(.heading("一、总体情况"))
        let headline = Headline(evaluation)
        let w = evaluation.windows
        let span = { (window: MonthWindow) in
            window.first == window.last ? Self.month(window.first) : Self.month(window.first) + "至" + Self.month(window.last)
        }
        var intro = "本期评估期为\(span(w.current))，基期为\(span(w.baseline))。纳入监测单位\(headline.leafUnits + headline.rollupUnits)个"
        if headline.rollupUnits > 0 { intro += "（其中汇总单位\(headline.rollupUnits)个）" }
        intro += "。"
        if let mean = meanComposite(headline) { intro += "基层单位综合得分平均\(DisplayNumber.score(mean))分。" }
        text.blocks.append(.paragraph(intro))
        for (m, totals) in headline.metrics.enumerated() {
            text.blocks.append(.paragraph(metricSentence(totals, metric: m)))
        }
    }

    func meanComposite(_ headline: Headline) -> Double? {
        let leaves = evaluation.units.filter { !$0.isRollup }.compactMap(\.composite)
        return leaves.isEmpty ? nil : leaves.reduce(0, +) / Double(leaves.count)
    }

    /// One metric as a sentence: for monthly count metrics the bulletin month's total and its
    /// 环比, the 1—M月累计 and its 累计同比 (SPEC §6 bulletin figures, the leaf units' values
    /// summed); then the evaluation window's level against the baseline and a year earlier, and
    /// how many units met their target.
    func metricSentence(_ totals: Headline.MetricTotals, metric m: Int) -> String {
        let metric = totals.metric
        let word = metric.countingWord ?? ""
        var s = metric.label + "："
        var clauses: [String] = []
        if let figures = totals.bulletin, let value = figures.monthValue {
            let month = BulletinFigures.monthOfYear(evaluation.windows.current.last)
            var c = "\(month)月\(metric.label)\(DisplayNumber.level(value))\(word)"
            if let mom = figures.momRate { c += "，环比" + Self.change(mom) }
            clauses.append(c)
            if let ytd = figures.ytd {
                var y = (month == 1 ? "1月" : "1—\(month)月") + "累计\(metric.label)\(DisplayNumber.level(ytd))\(word)"
                if let rate = figures.ytdRate { y += "，同比" + Self.change(rate) }
                clauses.append(y)
            }
            if totals.monthUnitsMissing > 0 { clauses.append("另有\(totals.monthUnitsMissing)个单位本月未报送，未计入") }
        }
        let level = metric.aggregate == .sum ? "月均" : "平均"
        var c = "评估期\(level)\(DisplayNumber.level(totals.current))\(metric.aggregate == .sum ? word : "")"
        if let b = totals.baseline {
            c += "，较基期（\(DisplayNumber.level(b))）"
            if let rate = totals.reductionRate {
                c += Self.change(-rate)
            } else if let change = Rates.change(totals.current, from: b) {
                c += Self.change(change)
            } else {
                c += "无法比较"
            }
        }
        if let yoy = totals.yoyRate { c += "，同比" + Self.change(yoy) }
        clauses.append(c)
        if totals.unitsJudged > 0 {
            var t = "对照目标（\(ReportLabels.target(metric.rule, direction: metric.direction))），"
            t += "\(totals.unitsJudged)个单位中\(totals.unitsMet)个达标"
            if totals.unitsMet < totals.unitsJudged { t += "、\(totals.unitsJudged - totals.unitsMet)个未达标" }
            clauses.append(t)
        }
        if totals.rebounds > 0 { clauses.append("\(totals.rebounds)个单位出现反弹") }
        s += clauses.joined(separator: "；")
        return s + "。"
    }

    /// A relative change in words: `上升12.3%`, `下降4.0%`, `持平`.
    static func change(_ rate: Double) -> String {
        let text = DisplayNumber.percent(abs(rate))
        if text == "0.0%" { return "持平" }
        return rate > 0 ? "上升" + text : "下降" + text
    }

    // MARK: 二、分类排名

    func ranking(_ text: inout BulletinText) {
        text.blocks.append(.heading("二、分类排名"))
        var categories: [String] = []
        var members: [String: [UnitEvaluation]] = [:]
        for unit in evaluation.units where unit.composite != nil {
            if members[unit.unit.category] == nil { categories.append(unit.unit.category) }
            members[unit.unit.category, default: []].append(unit)
        }
        if categories.isEmpty {
            text.blocks.append(.paragraph("本期没有单位得出综合得分。"))
            return
        }
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        for (i, category) in categories.enumerated() {
            let units = members[category]!.enumerated().sorted { a, b in
                (a.element.rank ?? .max, a.offset) < (b.element.rank ?? .max, b.offset)
            }.map(\.element)
            let number = i < numerals.count ? numerals[i] : String(i + 1)
            text.blocks.append(.subheading("（\(number)）\(ReportLabels.category(category))（\(units.count)个）"))
            func list(_ part: ArraySlice<UnitEvaluation>) -> String {
                part.map { "\(Self.name($0.unit))（\(DisplayNumber.score($0.composite))分）" }.joined(separator: "、")
            }
            if units.count <= 6 {
                text.blocks.append(.paragraph("综合得分由高到低依次为：" + list(units[...]) + "。"))
            } else {
                text.blocks.append(.paragraph("综合得分前三名：" + list(units.prefix(3)) + "；后三名：" + list(units.suffix(3)) + "。"))
            }
        }
    }

    // MARK: 三、预警和返工补课

    func alerts(_ text: inout BulletinText) {
        text.blocks.append(.heading("三、预警和返工补课"))
        let listed = evaluation.alerts.filter { $0.rule != .stale }
        let ledger = LedgerView(self.ledger, evaluation: evaluation)
        if listed.isEmpty {
            text.blocks.append(.paragraph("本期无预警。"))
            resolved(&text, ledger)
            return
        }
        let indices = evaluation.alerts.indices.filter { evaluation.alerts[$0].rule != .stale }
        var count = "本期预警\(listed.count)项"
        if ledger.hasPrevious {
            let persisting = indices.filter { ledger.entry(ofAlert: $0)?.status == .persisting }.count
            count += "（新增\(listed.count - persisting)项，连续预警\(persisting)项）"
        }
        text.blocks.append(.paragraph(count + "，请相关单位减负责任人对照问题抓好整改，于下期通报前反馈整改情况。"))
        let order = ledger.longOpenFirst(indices)
        for (i, a) in order.enumerated() {
            text.blocks.append(.item("\(i + 1). " + ledgerMark(ledger.entry(ofAlert: a), ledger, sentence: alertSentence(evaluation.alerts[a]))))
        }
        resolved(&text, ledger)
    }

    /// An alert's sentence with its place in the ledger: `（新增）` before it when the previous
    /// bulletin did not raise it, `已连续N期预警` at its end when it has been open N > 1 bulletins.
    func ledgerMark(_ entry: RectificationLedger.Entry?, _ ledger: LedgerView, sentence: String) -> String {
        guard let entry else { return sentence }
        if entry.monthsOpen > 1 {
            return String(sentence.dropLast()) + "，已连续\(entry.monthsOpen)期预警（自\(Self.month(entry.firstSeen))起）。"
        }
        // Without an earlier bulletin (`state: none`, or the first) "new" says nothing.
        return ledger.hasPrevious && entry.status == .new ? "（新增）" + sentence : sentence
    }

    /// 已整改: the previous bulletin's alerts this one no longer raises.
    func resolved(_ text: inout BulletinText, _ ledger: LedgerView) {
        guard ledger.hasPrevious, let previous = ledger.result?.previousMonth, !ledger.resolved.isEmpty else { return }
        let resolved = ledger.resolved.map { entry -> String in
            let unit = ledger.unit(entry.key.unitID)
            let metric = evaluation.metrics.first { $0.id == entry.key.metric }?.label ?? entry.key.metric
            return (unit.map(Self.name) ?? entry.key.unitID) + metric + ReportLabels.rule(entry.key.rule)
                + (entry.monthsOpen > 1 ? "（连续\(entry.monthsOpen)期）" : "")
        }
        text.blocks.append(.paragraph(
            "已整改：\(Self.month(previous))通报的以下\(resolved.count)项预警本期不再出现，" + resolved.joined(separator: "、") + "。"))
    }

    func alertSentence(_ alert: Alert) -> String {
        let unit = evaluation.units[alert.unitIndex]
        let metric = alert.metricIndex.map { evaluation.metrics[$0] }
        let figures = ReportLabels.alertFigures(alert, in: evaluation)
        var s = Self.name(unit.unit)
        if unit.isRollup { s += "（汇总）" }
        if !unit.unit.responsible.isEmpty { s += "（减负责任人：\(unit.unit.responsible)）" }
        s += "：\(metric?.label ?? "")\(ReportLabels.rule(alert.rule))，\(figures.value)（标准：\(figures.threshold)）。"
        return s
    }

    // MARK: 四、未报送单位

    func stale(_ text: inout BulletinText) {
        text.blocks.append(.heading("四、未报送单位"))
        let stale = evaluation.alerts.filter { $0.rule == .stale }
        if stale.isEmpty {
            text.blocks.append(.paragraph(evaluation.settings.staleAfter == nil ? "本通报未设未报送期限。" : "各单位均按时报送。"))
            return
        }
        let names = stale.map { alert -> String in
            let unit = evaluation.units[alert.unitIndex]
            let months = alert.value.map { "已\(DisplayNumber.level($0))个月未报送" } ?? "从未报送"
            return Self.name(unit.unit) + "（" + months + (unit.unit.responsible.isEmpty ? "" : "，减负责任人：\(unit.unit.responsible)") + "）"
        }
        text.blocks.append(.paragraph("以下\(stale.count)个单位未按时报送数据：" + names.joined(separator: "、") + "。请于下月报送期内补报。"))
    }

    // MARK: 五、下月随机调研名单

    func spotCheck(_ text: inout BulletinText) {
        text.blocks.append(.heading("五、下月随机调研名单"))
        guard let sample, !sample.isEmpty else {
            text.blocks.append(.paragraph("本期尚未抽取随机调研名单（抽取：jianfu sample -p 通报流水线 -n 数量 --seed 种子；抽取后重新运行即列入本通报）。"))
            return
        }
        text.blocks.append(.paragraph("按随机抽取、重点倾斜的原则，下月对以下\(sample.count)个单位开展随机调研："))
        let byID = Dictionary(evaluation.units.map { (UnitKey($0.unit.id), $0.unit) }, uniquingKeysWith: { a, _ in a })
        for (i, entry) in sample.enumerated() {
            let unit = byID[UnitKey(entry.unitID)]
            var s = "\(i + 1). " + (unit.map(Self.name) ?? entry.unitID)
            if let responsible = unit?.responsible, !responsible.isEmpty { s += "（减负责任人：\(responsible)）" }
            if !entry.reason.isEmpty { s += "：\(entry.reason)" }
            text.blocks.append(.item(s + "。"))
        }
    }
}
