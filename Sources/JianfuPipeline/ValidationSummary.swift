import JianfuIndicators
import JianfuModel
import JianfuReports

/// What `jianfu validate` prints: the pipeline as understood and what each source holds.
package struct ValidationSummary {
    package let text: String

    package init(config: PipelineConfig, ingestion: Ingestion) {
        var lines: [String] = []
        lines.append("pipeline \(config.name) (\(config.file)): OK")
        lines.append("metrics: " + config.settings.metrics.map { m in
            "\(m.id) (\(m.label), \(m.direction.rawValue), \(m.aggregate.rawValue), \(m.granularity.rawValue))"
        }.joined(separator: ", "))
        let rollups = ingestion.units.indices.filter { ingestion.hierarchy.hasDescendants($0) }.count
        let categories = Set(ingestion.units.map(\.category)).filter { !$0.isEmpty }.sorted()
        lines.append("units: \(ingestion.units.count) (\(rollups) with descendants); categories: \(categories.isEmpty ? "none" : categories.joined(separator: ", "))")
        for report in ingestion.reports {
            lines.append("source \(report.name) [\(report.kind.rawValue), \(report.encoding.rawValue)]: \(report.rowsRead) rows read, \(report.rowsRead - report.rowsRejected) accepted, \(report.rowsRejected) rejected"
                + (report.kind == .observations ? ", \(report.cellsRejected) cells rejected, \(report.observations) observations, \(report.blankLines) blank lines" : ""))
            if report.kind == .observations {
                for metric in config.settings.metrics {
                    if let first = report.firstPeriod[metric.id], let last = report.lastPeriod[metric.id] {
                        lines.append("    \(metric.id): \(first) .. \(last)")
                    }
                }
            }
        }
        if let windows = Windows(settings: config.settings, latestMonth: Windows.latestMonth(in: ingestion.table)) {
            lines.append("windows: evaluation \(windows.current), baseline \(windows.baseline), prior \(windows.prior)")
        } else {
            lines.append("windows: none (no observations)")
        }
        var byReason: [RejectionReason: Int] = [:]
        for r in ingestion.rejections { byReason[r.reason, default: 0] += 1 }
        if !byReason.isEmpty {
            lines.append("rejections: " + RejectionReason.allCases.compactMap { reason in byReason[reason].map { "\(reason.rawValue) \($0)" } }.joined(separator: ", "))
            for r in ingestion.rejections.prefix(10) {
                let place = r.cell.map { "\(r.source):\($0)" } ?? "\(r.source):\(r.line)"
                lines.append("    \(place)\(r.field.isEmpty ? "" : " [\(r.field)]"): \(r.reason.rawValue): \(RejectionMessages.englishSentence(r))")
            }
        }
        for warning in ingestion.orphanWarnings { lines.append("warning: \(warning)") }
        // One element of `lines` is one line: text from the data or the pipeline file (a unit
        // name in a message, a header, a metric label) shows its control characters visibly.
        text = lines.map(ControlCharacters.visible).joined(separator: "\n")
    }
}
