import JianfuModel
import JianfuReports

/// What `jianfu sample` prints: what the list is for and drawn from, the seed and the weight
/// formula (so anyone can redraw and check it), then the list as a table, then where it was
/// recorded and the command that redraws it. Composites to 1 decimal, weights as drawn with.
struct SampleTerminalReport {
    /// Excluded units named in the header, at most.
    static let excludedShown = 20
    let text: String

    init(_ sample: SpotCheckSample, pipelinePath: String) {
        let request = sample.request
        let kind = request.includeRollups ? "单位（含汇总单位）" : "末级单位"
        var lines: [String] = []
        lines.append("随机调研名单 · \(sample.pipeline) · \(Period(.month, ordinal: sample.month)) · 抽取 \(sample.rows.count) 个（可抽 \(sample.eligible) 个\(kind)）")
        let basis = switch sample.basis {
        case .run(let number, let runID, let startedAt): "数据：状态库第 \(number) 次运行 run \(number)（\(runID)，开始于 \(startedAt)）"
        case .sources(let why): "数据：当场读取的数据源（\(why)）"
        }
        lines.append("种子 seed \(request.seed) · \(basis)")
        lines.append("权重 \(SpotCheckWeight.formula)")
        if let k = request.excludeRecent {
            let months = SpotCheckSample.months(sample.month, back: k)
            let shown = sample.excluded.prefix(Self.excludedShown).map(\.unitID)
            let more = sample.excluded.count > shown.count ? " 等" : ""
            lines.append("排除 --exclude-recent \(k)：\(months) 已抽到的 \(sample.excluded.count) 个单位"
                + (shown.isEmpty ? "" : "（" + shown.joined(separator: "、") + more + "）"))
        }
        lines.append("")

        let header = ["序号", "单位代码", "单位名称", "类别", "上级", "减负责任人", "综合得分", "预警", "权重", "入选理由"]
        let numeric: Set<Int> = [0, 6, 7, 8]
        let rows: [[String]] = sample.rows.enumerated().map { i, row in
            [
                String(i + 1), row.unit.id, row.unit.name, ReportLabels.category(row.unit.category) + (row.isRollup ? "·汇总" : ""),
                row.parent.map { $0.name.isEmpty ? $0.id : $0.name } ?? "",
                row.unit.responsible.isEmpty ? "未填报" : row.unit.responsible, DisplayNumber.score(row.composite),
                String(row.alerts), NumberFormat.format(row.weight), Self.reason(row),
            ]
        }
        var widths = header.map(TerminalText.width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], TerminalText.width(cell)) } }
        for row in [header] + rows {
            lines.append(row.enumerated().map { i, cell in
                TerminalText.pad(cell, to: i == row.count - 1 ? 0 : widths[i], rightAligned: numeric.contains(i))
            }.joined(separator: "  "))
        }
        lines.append("")
        if let number = sample.recorded {
            lines.append("已记入状态库：第 \(number) 份名单（recorded as list \(number)）")
        } else {
            lines.append("未记入（state: none）")
        }
        var redraw = "jianfu sample -p \(pipelinePath) -n \(request.count) --seed \(request.seed) --as-of \(Period(.month, ordinal: sample.month))"
        if let k = request.excludeRecent { redraw += " --exclude-recent \(k)" }
        if request.includeRollups { redraw += " --include-rollups" }
        lines.append("复核 redraw: \(redraw)")
        text = lines.joined(separator: "\n")
    }

    /// The 入选理由 column: which stratum the unit was drawn to cover, or a draw among all.
    static func reason(_ row: SpotCheckSample.Row) -> String {
        switch row.reason {
        case .category(let category): "覆盖类别 " + ReportLabels.category(category)
        case .parent: "覆盖上级 " + (row.parent.map { $0.name.isEmpty ? $0.id : $0.name } ?? "")
        case .weighted: "按权重抽取"
        }
    }
}

extension SpotCheckSample {
    /// The terminal view; `pipelinePath` as the user gave it, for the redraw command.
    package func terminalText(pipelinePath: String) -> String {
        SampleTerminalReport(self, pipelinePath: pipelinePath).text
    }
}
