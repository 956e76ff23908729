import JianfuIndicators
import JianfuModel
import JianfuReports

/// What `jianfu unit` prints: who the unit is, its composite, grade and rank, a table of its
/// indicators with a sparkline of the last `sparklinePeriods` periods per metric, and its
/// alerts. Numbers are rounded for reading (`DisplayNumber`); the CSV outputs keep full
/// precision. Text from the data (names, ids, categories, labels) is made visible with
/// `ControlCharacters.visible` before it is styled, so it cannot steer the terminal.
struct UnitTerminalReport {
    static let sparklinePeriods = 24
    let text: String

    init(_ inspection: UnitInspection, style: TerminalStyle) {
        let evaluation = inspection.evaluation
        let u = inspection.unitIndex
        let unit = evaluation.units[u]
        let windows = evaluation.windows
        var lines: [String] = []
        let shown = ControlCharacters.visible
        let category = shown(ReportLabels.category(unit.unit.category))

        // Who.
        let name = shown(unit.unit.name.isEmpty ? unit.unit.id : unit.unit.name)
        lines.append(style.bold(name) + "  " + shown(unit.unit.id))
        var facts = [category]
        if unit.isRollup {
            facts.append("汇总单位（含 \(inspection.hierarchy.children[u].count) 个直属下级，值为本单位及全部下级合计）")
        }
        if let p = inspection.hierarchy.parent[u] {
            let parent = evaluation.units[p].unit
            facts.append("上级 " + shown(parent.name.isEmpty ? parent.id : parent.name))
        }
        facts.append("减负责任人 " + (unit.unit.responsible.isEmpty ? "未填报" : shown(unit.unit.responsible)))
        lines.append(facts.joined(separator: " · "))
        let issue = inspection.run.issue(evaluation).map { "\($0) · " } ?? ""
        lines.append(style.dim(issue + "评估期 \(windows.current.firstMonth)..\(windows.current.lastMonth) · 基线 \(windows.baseline.firstMonth)..\(windows.baseline.lastMonth) · 同比 \(windows.prior.firstMonth)..\(windows.prior.lastMonth)"))
        lines.append("")

        // Composite, grade, rank.
        let ranked = inspection.ranked
        let gradeIndex = unit.grade.flatMap { evaluation.settings.grades.firstIndex(of: $0) } ?? 0
        let gradeText = unit.grade?.name ?? DisplayNumber.missing
        let gradeStyled = [style.green, style.blue, style.yellow, style.red][min(gradeIndex, 3)](gradeText)
        let alerts = evaluation.alerts.filter { $0.unitIndex == u }
        lines.append([
            "综合得分 " + style.bold(DisplayNumber.score(unit.composite)),
            "等级 " + style.bold(gradeStyled),
            "排名 " + (inspection.rank.map { "\($0)/\(ranked)" } ?? DisplayNumber.missing) + "（\(category)）",
            "反弹 " + (unit.rebounds > 0 ? style.red(String(unit.rebounds)) : "0"),
            "预警 " + (alerts.isEmpty ? "0" : style.red(String(alerts.count))),
        ].joined(separator: "   "))
        lines.append("")

        // Indicators.
        let end = windows.current.last
        let granularities = Set(evaluation.metrics.map(\.granularity))
        let sparkTitle = "近\(Self.sparklinePeriods)期" + (granularities == [.month]
            ? " \(Period(.month, ordinal: end - Self.sparklinePeriods + 1))..\(Period(.month, ordinal: end))" : "")
        let header = ["指标", "基线", "评估期", "减少率", "同比", "目标", "达标", "得分", "反弹", sparkTitle]
        let numeric: Set<Int> = [1, 2, 3, 4, 7]
        var rows: [[(plain: String, styled: String)]] = []
        for (m, row) in unit.metrics.enumerated() {
            let metric = evaluation.metrics[m]
            let yoy = DisplayNumber.percent(row.yoyRate, signed: true)
            let yoyBad = metric.direction == .down ? (row.yoyRate ?? 0) > 0 : (row.yoyRate ?? 0) < 0
            // A roll-up's cap is judged unit by unit (SPEC §4): "✗ 5/6 单位在上限内".
            let detail = row.unitsWithinCap.map { " " + ReportLabels.withinCap($0) } ?? ""
            let met: (String, String) = switch row.met {
            case true?: ("✓" + detail, style.green("✓") + detail)
            case false?: ("✗" + detail, style.red("✗") + detail)
            case nil: (DisplayNumber.missing + detail, DisplayNumber.missing + detail)
            }
            let rebound: (String, String)
            if row.rebound.isRebound {
                let text = "是" + (row.rebound.change.map { " " + DisplayNumber.percent($0, signed: true) } ?? "")
                rebound = (text, style.red(text))
            } else {
                rebound = (row.rebound.last == nil || row.rebound.previous == nil ? DisplayNumber.missing : "否", "")
            }
            let spark = Sparkline.render(Self.lastPeriods(evaluation.series[u][m], metric: metric, windowEnd: end))
            rows.append([
                (shown(metric.label), ""), (DisplayNumber.level(row.baseline), ""), (DisplayNumber.level(row.current), ""),
                (DisplayNumber.percent(row.reductionRate), ""), (yoy, yoyBad ? style.red(yoy) : ""),
                (ReportLabels.target(of: row), ""), met,
                (DisplayNumber.score(row.score), ""), rebound, (spark, style.blue(spark)),
            ])
        }
        var widths = header.map(TerminalText.width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], TerminalText.width(cell.plain)) } }
        func line(_ cells: [(plain: String, styled: String)]) -> String {
            cells.enumerated().map { i, cell in
                TerminalText.pad(cell.plain, to: i == cells.count - 1 ? 0 : widths[i], rightAligned: numeric.contains(i),
                                 styled: cell.styled.isEmpty ? nil : cell.styled)
            }.joined(separator: "  ")
        }
        lines.append(line(header.map { ($0, style.bold($0)) }))
        for row in rows { lines.append(line(row)) }
        lines.append("")

        // Alerts.
        if alerts.isEmpty {
            lines.append("预警：无")
        } else {
            lines.append(style.bold("预警（返工补课）"))
            for alert in alerts {
                let metric = alert.metricIndex.map { evaluation.metrics[$0] }
                let figures = ReportLabels.alertFigures(alert, in: evaluation)
                let what = [metric.map { shown($0.label) }, ReportLabels.rule(alert.rule)].compactMap { $0 }.joined(separator: " ")
                lines.append("  " + style.red(what) + "：\(figures.value)（\(figures.threshold)）")
            }
        }
        text = lines.joined(separator: "\n")
    }

    /// The values of the `sparklinePeriods` calendar periods ending at the evaluation window's
    /// end, `nil` where the series has none.
    static func lastPeriods(_ series: [ObservationTable.Entry], metric: Metric, windowEnd: Int) -> [Double?] {
        let end = Period.ordinal(ofMonth: windowEnd, at: metric.granularity)
        let start = end - sparklinePeriods + 1
        var values = [Double?](repeating: nil, count: sparklinePeriods)
        var i = ObservationTable.lowerBound(series, Int32(start))
        while i < series.count, Int(series[i].ordinal) <= end {
            values[Int(series[i].ordinal) - start] = series[i].value
            i += 1
        }
        return values
    }
}
