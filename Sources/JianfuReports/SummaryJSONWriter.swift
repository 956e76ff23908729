import JianfuIndicators
import JianfuModel

/// `summary.json` (SPEC §6), schema `jianfu.summary/1`, documented in the README. Keys are
/// only ever added within a schema version, never renamed or removed.
package struct SummaryJSONWriter: ReportWriter {
    package static let schema = "jianfu.summary/1"
    package let fileName = "summary.json"
    package var readsLedger: Bool { false }
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        let headline = Headline(evaluation)
        let windows = evaluation.windows
        func window(_ w: MonthWindow) -> JSON {
            .object([("from", .string(w.firstMonth.description)), ("to", .string(w.lastMonth.description))])
        }
        let bulletinMonth = windows.current.lastMonth.description
        let metrics: [JSON] = headline.metrics.map { t in
            // SPEC §6: the `*_total` keys keep their names; for a mean metric they hold the mean
            // of the leaf units' levels (`aggregate` says which).
            var members: [(String, JSON)] = [
                ("id", .string(t.metric.id)), ("label", .string(t.metric.label)),
                ("direction", .string(t.metric.direction.rawValue)), ("granularity", .string(t.metric.granularity.rawValue)),
                ("baseline_total", .number(t.baseline)),
                ("current_total", .number(t.current)),
                ("prior_total", .number(t.prior)),
                ("reduction_rate", .number(t.reductionRate)), ("yoy_rate", .number(t.yoyRate)),
                ("baseline_units", .int(t.baselineUnits)), ("current_units", .int(t.currentUnits)),
                ("units_met", .int(t.unitsMet)), ("units_judged", .int(t.unitsJudged)), ("rebounds", .int(t.rebounds)),
                ("aggregate", .string(t.metric.aggregate.rawValue)),
                ("unit", t.metric.countingWord.map(JSON.string) ?? .null),
            ]
            // SPEC §6 "Bulletin figures" of the whole: null for mean and non-monthly metrics.
            let f = t.bulletin
            members += [
                ("bulletin_month", f == nil ? .null : .string(bulletinMonth)),
                ("month_value", .number(f?.monthValue)), ("mom_rate", .number(f?.momRate)),
                ("ytd", .number(f?.ytd)), ("ytd_months", f.map { .int($0.ytdMonths) } ?? .null),
                ("ytd_prior", .number(f?.ytdPrior)), ("ytd_rate", .number(f?.ytdRate)),
                ("month_units", f == nil ? .null : .int(t.monthUnits)),
                ("month_units_missing", f == nil ? .null : .int(t.monthUnitsMissing)),
                ("ytd_units_incomplete", f == nil ? .null : .int(t.ytdUnitsIncomplete)),
            ]
            return .object(members)
        }
        let grades: [JSON] = headline.gradeCounts.map {
            .object([("name", .string($0.grade.name)), ("min", .number($0.grade.min)), ("units", .int($0.units))])
        }
        let categories: [JSON] = headline.categories.map { c in
            .object([
                ("name", .string(c.category)), ("units", .int(c.units)), ("mean_composite", .number(c.meanComposite)),
                ("grades", .object(zip(evaluation.settings.grades, c.grades).map { ($0.name, .int($1)) })),
            ])
        }
        let quality = run.quality
        var byReason: [(String, JSON)] = []
        for reason in RejectionReason.allCases {
            let n = run.rejections.filter { $0.reason == reason }.count
            if n > 0 { byReason.append((reason.rawValue, .int(n))) }
        }
        let sources: [JSON] = run.sources.map { s in
            let manifest = run.manifest[s.name]
            return .object([
                ("name", .string(s.name)), ("kind", .string(s.kind.rawValue)), ("path", .string(s.path)),
                ("encoding", .string(s.encoding.rawValue)), ("rows_read", .int(s.rowsRead)),
                ("rows_rejected", .int(s.rowsRejected)), ("cells_rejected", .int(s.cellsRejected)),
                ("blank_lines", .int(s.blankLines)), ("observations", .int(s.observations)), ("overrides", .int(s.overrides)),
                ("fingerprint", manifest.map(Self.fingerprint) ?? .null), ("reread", .bool(manifest?.reread ?? true)),
                ("corrections", .int(manifest?.corrections ?? 0)),
            ])
        }
        let document = JSON.object([
            ("schema", .string(Self.schema)),
            ("pipeline", .object([("name", .string(run.pipelineName)), ("file", .string(run.pipelineFile))])),
            ("run", .object([
                ("id", .string(run.runID)), ("started_at", .string(run.startedAt)), ("jianfu_version", .string(run.jianfuVersion)),
                ("pipeline_sha256", .string(run.pipelineSHA256)), ("state", .string(run.state)),
                ("as_of", run.asOf.map(JSON.string) ?? .null),
            ])),
            ("bulletin", Self.bulletin(evaluation, run: run)),
            ("windows", .object([
                ("evaluation", window(windows.current)), ("baseline", window(windows.baseline)), ("prior", window(windows.prior)),
            ])),
            ("units", .object([
                ("total", .int(evaluation.units.count)), ("leaves", .int(headline.leafUnits)), ("rollups", .int(headline.rollupUnits)),
            ])),
            ("metrics", .array(metrics)),
            ("grades", .array(grades)),
            ("categories", .array(categories)),
            ("rebounds", .object([("total", .int(headline.rebounds)), ("units", .int(headline.reboundingUnits))])),
            ("alerts", .object(headline.alertCounts.map { ($0.rule.rawValue, .int($0.count)) })),
            ("data_quality", .object([
                ("rows_read", .int(quality.rowsRead)), ("rows_rejected", .int(quality.rowsRejected)),
                ("cells_rejected", .int(quality.cellsRejected)), ("blank_lines", .int(quality.blankLines)),
                ("observations", .int(quality.observations)), ("overrides", .int(quality.overrides)),
                ("corrections", .int(run.corrections)), ("rejected_share", .number(quality.rejectedShare)), ("max_rejected", .number(run.maxRejected)),
                ("by_reason", .object(byReason)), ("sources", .array(sources)),
            ])),
        ])
        out.write(document.render())
        out.write("\n")
    }

    /// The issue header (SPEC §6): 期号 (`null` without `first_issue`, or for a month before it),
    /// the bulletin month, the issuer, the date of issue in the bulletin's zone with its offset.
    static func bulletin(_ evaluation: Evaluation, run: RunInfo) -> JSON {
        .object([
            ("issue", run.issue(evaluation).map { .int($0.value) } ?? .null),
            ("month", .string(evaluation.windows.current.lastMonth.description)),
            ("first_issue", run.bulletin.firstIssue.map { .string($0.description) } ?? .null),
            ("issuer", run.bulletin.issuer.map(JSON.string) ?? .null),
            ("issued_at_local", .string(run.issuedAt.iso8601)),
            ("timezone", .string(run.bulletin.timeZone)),
        ])
    }

    /// A source's fingerprint: `{size, mtime, sha256}` for a file, `{etag, last_modified, size,
    /// sha256}` for an HTTP source.
    static func fingerprint(_ manifest: SourceManifest) -> JSON {
        var members: [(String, JSON)] = []
        if let modified = manifest.modified {
            members.append(("mtime", .string(modified)))
        } else {
            members += [("etag", manifest.etag.map(JSON.string) ?? .null), ("last_modified", manifest.lastModified.map(JSON.string) ?? .null)]
        }
        members += [("size", manifest.size.map { .int(Int($0)) } ?? .null), ("sha256", manifest.sha256.map(JSON.string) ?? .null)]
        return .object(members)
    }
}
