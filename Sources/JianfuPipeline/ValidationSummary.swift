import JianfuIndicators
import JianfuModel

/// What `jianfu validate` prints: the pipeline as understood and what each source holds.
public struct ValidationSummary {
    public let text: String

    public init(config: PipelineConfig, ingestion: Ingestion) {
        var lines: [String] = []
        lines.append("pipeline \(config.name) (\(config.file)): OK")
        lines.append("metrics: " + config.settings.metrics.map { m in
            "\(m.id) (\(m.label), \(m.direction.rawValue), \(m.aggregate.rawValue), \(m.granularity.rawValue))"
        }.joined(separator: ", "))
        let rollups = ingestion.units.indices.filter { ingestion.hierarchy.hasDescendants($0) }.count
        let categories = Set(ingestion.units.map(\.category)).filter { !$0.isEmpty }.sorted()
        lines.append("units: \(ingestion.units.count) (\(rollups) with descendants); categories: \(categories.isEmpty ? "none" : categories.joined(separator: ", "))")
        for report in ingestion.reports {
            var line = "source \(report.name) [\(report.kind.rawValue), \(report.encoding.rawValue)]: \(report.rowsRead) rows read, \(report.rowsRead - report.rowsRejected) accepted, \(report.rowsRejected) rejected"
            if report.kind == .observations {
                line += ", \(report.cellsRejected) cells rejected, \(report.observations) observations, \(report.blankLines) blank lines"
                for metric in config.settings.metrics {
                    if let first = report.firstPeriod[metric.id], let last = report.lastPeriod[metric.id] {
                        line += "\n    \(metric.id): \(first) .. \(last)"
                    }
                }
            }
            lines.append(line)
        }
        if let windows = Windows(settings: config.settings, latestMonth: Windows.latestMonth(in: ingestion.table)) {
            lines.append("windows: evaluation \(windows.evaluation), baseline \(windows.baseline), prior \(windows.prior)")
        } else {
            lines.append("windows: none (no observations)")
        }
        var byReason: [RejectionReason: Int] = [:]
        for r in ingestion.rejections { byReason[r.reason, default: 0] += 1 }
        if !byReason.isEmpty {
            lines.append("rejections: " + RejectionReason.allCases.compactMap { reason in byReason[reason].map { "\(reason.rawValue) \($0)" } }.joined(separator: ", "))
            for r in ingestion.rejections.prefix(10) {
                lines.append("    \(r.source):\(r.line)\(r.field.isEmpty ? "" : " [\(r.field)]"): \(r.reason.rawValue): \(r.message)")
            }
        }
        for warning in ingestion.orphanWarnings { lines.append("warning: \(warning)") }
        text = lines.joined(separator: "\n")
    }
}
