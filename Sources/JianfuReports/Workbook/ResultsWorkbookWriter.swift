import Foundation
import JianfuIndicators
import JianfuModel

/// Writes `jianfu.xlsx` (SPEC §6, docs/xlsx-output.md): the results as a workbook for people —
/// sheets 总体情况 (the headline figures of `summary.json`), 指标 (`indicators.csv`), 得分排名
/// (`scores.csv`), 预警 (`alerts.csv`) and 未通过行 (`rejected.csv`, at most `rejectedRowLimit`
/// rows) — with Chinese headers, rates as `0.0%`, levels as `0.00`, counts as `0`, booleans as
/// 是/否. The same values as the CSV files, laid out by `SpreadsheetML`; the CSV files stay the
/// machines' contract.
package struct ResultsWorkbookWriter: ReportWriter {
    package let fileName = "jianfu.xlsx"
    /// The most rejected rows the 未通过行 sheet lists; a note row says how many more
    /// `rejected.csv` holds.
    package static let rejectedRowLimit = 100_000
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        let sheets = [
            Self.summarySheet(evaluation, run: run), Self.indicatorsSheet(evaluation), Self.scoresSheet(evaluation),
            Self.alertsSheet(evaluation, run: run), Self.rejectedSheet(run.rejections),
        ]
        // The run's start, so the same run gives the same bytes.
        let issued = Date(timeIntervalSince1970: run.startedAtEpoch)
        let title = "\(run.pipelineName) \(evaluation.windows.current.lastMonth.description)"
        out.write(bytes: Self.package(sheets, title: title, author: run.bulletin.issuer ?? run.pipelineName, issued: issued))
    }

    typealias Cell = SpreadsheetML.Cell
    typealias Column = SpreadsheetML.Column

    /// The number format of a rule's threshold and of a value judged by it: a reduction target
    /// is a rate, a cap and an up metric's target are levels (as `ReportLabels.target`).
    static func ruleStyle(_ rule: Rule?, direction: Direction) -> SpreadsheetML.Style {
        if direction == .down, case .target? = rule { return .percent }
        return .level
    }

    // MARK: 总体情况

    static func summarySheet(_ evaluation: Evaluation, run: RunInfo) -> SpreadsheetML.Sheet {
        let headline = Headline(evaluation)
        let columns = [
            Column(id: "label", header: "指标"), Column(id: "id", header: "指标代码"),
            Column(id: "direction", header: "方向"), Column(id: "aggregate", header: "汇总方式"),
            Column(id: "baseline_total", header: "基期水平"), Column(id: "current_total", header: "本期水平"),
            Column(id: "prior_total", header: "上年同期水平"), Column(id: "reduction_rate", header: "减少率"),
            Column(id: "yoy_rate", header: "同比变化率"), Column(id: "baseline_units", header: "基期单位数"),
            Column(id: "current_units", header: "本期单位数"), Column(id: "units_met", header: "达标单位数"),
            Column(id: "units_judged", header: "评判单位数"), Column(id: "rebounds", header: "反弹数"),
            Column(id: "month_value", header: "本月值"), Column(id: "mom_rate", header: "环比"),
            Column(id: "ytd", header: "本年累计"), Column(id: "ytd_months", header: "累计月数"),
            Column(id: "ytd_prior", header: "上年同期累计"), Column(id: "ytd_rate", header: "累计同比"),
        ]
        var sheet = SpreadsheetML.Sheet(name: "总体情况", columns: columns)
        for t in headline.metrics {
            let f = t.bulletin
            sheet.rows.append([
                .text(t.metric.label), .text(t.metric.id), .text(t.metric.direction == .down ? "减少" : "提高"),
                .text(t.metric.aggregate == .sum ? "合计" : "平均"),
                .number(t.baseline, .level), .number(t.current, .level), .number(t.prior, .level),
                .number(t.reductionRate, .percent), .number(t.yoyRate, .percent),
                .integer(t.baselineUnits), .integer(t.currentUnits), .integer(t.unitsMet), .integer(t.unitsJudged),
                .integer(t.rebounds),
                .number(f?.monthValue, .level), .number(f?.momRate, .percent), .number(f?.ytd, .level),
                .integer(f?.ytdMonths), .number(f?.ytdPrior, .level), .number(f?.ytdRate, .percent),
            ])
        }
        let quality = run.quality
        let windows = evaluation.windows
        func line(_ label: String, _ value: Cell) -> [Cell] { [.text(label), value] }
        sheet.after = [
            line("通报月份", .text(windows.current.lastMonth.description)),
            line("评估期", .text(windows.current.firstMonth.description + " — " + windows.current.lastMonth.description)),
            line("基期", .text(windows.baseline.firstMonth.description + " — " + windows.baseline.lastMonth.description)),
            line("单位总数", .integer(evaluation.units.count)),
            line("基层单位", .integer(headline.leafUnits)),
            line("汇总单位", .integer(headline.rollupUnits)),
            line("反弹（单位·指标）", .integer(headline.rebounds)),
            line("有反弹的单位", .integer(headline.reboundingUnits)),
        ]
        sheet.after += headline.alertCounts.map { line("预警：" + ReportLabels.rule($0.rule), .integer($0.count)) }
        sheet.after += headline.gradeCounts.map { line("等级：" + $0.grade.name, .integer($0.units)) }
        sheet.after += [
            line("读取行数", .integer(quality.rowsRead)),
            line("未通过行数", .integer(quality.rowsRejected)),
            line("未通过单元格数", .integer(quality.cellsRejected)),
            line("未通过比例", .number(quality.rejectedShare, .percent)),
            line("运行编号", .text(run.runID)),
        ]
        return sheet
    }

    // MARK: 指标

    /// The columns of `indicators.csv` (`IndicatorsCSVWriter.header`), in its order, with the
    /// metric's label before its id.
    static func indicatorsSheet(_ evaluation: Evaluation) -> SpreadsheetML.Sheet {
        let headers = [
            "unit_id": "单位代码", "unit_name": "单位名称", "category": "类别", "rollup": "汇总单位", "metric": "指标代码",
            "baseline": "基期水平", "current": "本期水平", "change": "变化", "reduction_rate": "减少率", "prior": "上年同期水平",
            "yoy_rate": "同比变化率", "target": "目标", "met": "达标", "score": "得分", "rebound": "反弹",
            "baseline_months": "基期月数", "current_months": "本期月数", "month_value": "本月值", "mom_rate": "环比",
            "ytd": "本年累计", "ytd_months": "累计月数", "ytd_prior": "上年同期累计", "ytd_rate": "累计同比",
        ]
        var columns = IndicatorsCSVWriter.header.map { Column(id: $0, header: headers[$0] ?? $0) }
        columns.insert(Column(id: "metric_label", header: "指标"), at: 4)
        var sheet = SpreadsheetML.Sheet(name: "指标", columns: columns)
        for unit in evaluation.units {
            for (metric, row) in zip(evaluation.metrics, unit.metrics) {
                let figures = row.bulletin
                sheet.rows.append([
                    .text(unit.unit.id), .text(unit.unit.name), .text(ReportLabels.category(unit.unit.category)),
                    .flag(unit.isRollup), .text(metric.label), .text(metric.id),
                    .number(row.baseline, .level), .number(row.current, .level), .number(row.change, .level),
                    .number(row.reductionRate, .percent), .number(row.prior, .level), .number(row.yoyRate, .percent),
                    .number(row.rule?.threshold, ruleStyle(row.rule, direction: metric.direction)),
                    .flag(row.met), .number(row.score, .level), .flag(row.rebound.isRebound),
                    .integer(row.baselinePeriods), .integer(row.currentPeriods),
                    .number(figures?.monthValue, .level), .number(figures?.momRate, .percent), .number(figures?.ytd, .level),
                    .integer(figures?.ytdMonths), .number(figures?.ytdPrior, .level), .number(figures?.ytdRate, .percent),
                ])
            }
        }
        return sheet
    }

    // MARK: 得分排名

    static func scoresSheet(_ evaluation: Evaluation) -> SpreadsheetML.Sheet {
        let headers = [
            "unit_id": "单位代码", "unit_name": "单位名称", "category": "类别", "rollup": "汇总单位", "composite": "综合得分",
            "grade": "等级", "rank": "类别内排名", "rebounds": "反弹指标数",
        ]
        var sheet = SpreadsheetML.Sheet(name: "得分排名", columns: ScoresCSVWriter.header.map { Column(id: $0, header: headers[$0] ?? $0) })
        for unit in evaluation.units {
            sheet.rows.append([
                .text(unit.unit.id), .text(unit.unit.name), .text(ReportLabels.category(unit.unit.category)), .flag(unit.isRollup),
                .number(unit.composite, .level), unit.grade.map { .text($0.name) } ?? .empty, .integer(unit.rank), .integer(unit.rebounds),
            ])
        }
        return sheet
    }

    // MARK: 预警

    /// The rows of `alerts.csv`: this bulletin's alerts, then the previous bulletin's that it no
    /// longer raises (已整改).
    static func alertsSheet(_ evaluation: Evaluation, run: RunInfo) -> SpreadsheetML.Sheet {
        let headers = [
            "unit_id": "单位代码", "unit_name": "单位名称", "responsible": "减负责任人", "metric": "指标代码", "rule": "预警规则",
            "value": "数值", "threshold": "阈值", "first_seen": "首次出现", "months_open": "持续月数", "status": "状态",
        ]
        var columns = AlertsCSVWriter.header.map { Column(id: $0, header: headers[$0] ?? $0) }
        columns.insert(Column(id: "metric_label", header: "指标"), at: 3)
        var sheet = SpreadsheetML.Sheet(name: "预警", columns: columns)
        let ledger = LedgerView(run.ledger, evaluation: evaluation)
        let labels = Dictionary(evaluation.metrics.map { ($0.id, $0.label) }, uniquingKeysWith: { first, _ in first })
        func ledgerCells(_ entry: RectificationLedger.Entry?) -> [Cell] {
            [
                entry.map { .text(Period(.month, ordinal: $0.firstSeen).description) } ?? .empty,
                .integer(entry?.monthsOpen), entry.map { .text(LedgerView.statusLabel($0.status)) } ?? .empty,
            ]
        }
        for (a, alert) in evaluation.alerts.enumerated() {
            let unit = evaluation.units[alert.unitIndex].unit
            let metric = alert.metricIndex.map { evaluation.metrics[$0] }
            let style: SpreadsheetML.Style = switch alert.rule {
            case .rebound, .yoyIncrease: .percent
            case .targetMissed: metric?.direction == .up ? .level : .percent
            // A roll-up's value is how many of its units are over their cap (SPEC §4).
            case .capExceeded: alert.metricIndex.flatMap { evaluation.units[alert.unitIndex].metrics[$0].unitsWithinCap } == nil ? .level : .integer
            case .stale: .integer
            }
            sheet.rows.append([
                .text(unit.id), .text(unit.name), .text(unit.responsible), metric.map { .text($0.label) } ?? .empty,
                metric.map { .text($0.id) } ?? .empty, .text(ReportLabels.rule(alert.rule)),
                .number(alert.value, style), .number(alert.threshold, style),
            ] + ledgerCells(ledger.entry(ofAlert: a)))
        }
        for entry in ledger.resolved {
            let unit = ledger.unit(entry.key.unitID)
            let metric = entry.key.metric
            sheet.rows.append([
                .text(entry.key.unitID), .text(unit?.name ?? ""), .text(unit?.responsible ?? ""),
                metric.isEmpty ? .empty : .text(labels[metric] ?? metric), metric.isEmpty ? .empty : .text(metric),
                .text(ReportLabels.rule(entry.key.rule)), .empty, .empty,
            ] + ledgerCells(entry))
        }
        return sheet
    }

    // MARK: 未通过行

    static func rejectedSheet(_ rejections: [Rejection]) -> SpreadsheetML.Sheet {
        let headers = ["source": "来源", "line": "行号", "field": "字段", "reason": "原因", "message": "说明", "raw": "原始行", "reason_id": "原因编号"]
        var sheet = SpreadsheetML.Sheet(name: "未通过行", columns: RejectedCSVWriter.header.map { Column(id: $0, header: headers[$0] ?? $0) })
        for r in rejections.prefix(rejectedRowLimit) {
            // rejected.csv's columns, the sentence in Chinese: the workbook is for people.
            sheet.rows.append([
                .text(r.source), .integer(r.line), .text(r.field), .text(r.reason.rawValue), .text(RejectionMessages.chinese(r)), .text(r.raw),
                .text(r.problem.id),
            ])
        }
        if rejections.count > rejectedRowLimit {
            sheet.after = [[.note("另有 \(rejections.count - rejectedRowLimit) 行未列出；全部 \(rejections.count) 行见 rejected.csv（输出格式 csv）。")]]
        }
        return sheet
    }

    /// The `.xlsx` bytes.
    static func package(_ sheets: [SpreadsheetML.Sheet], title: String, author: String, issued: Date) -> [UInt8] {
        let created = UTCTimestamp.string(issued)
        return OfficePackage.zip(SpreadsheetML.parts(sheets, title: title, author: author, created: created), modified: issued, fileName: "jianfu.xlsx")
    }
}
