import Foundation
import Glibc
import JianfuIndicators
import JianfuIngest
import JianfuModel
import JianfuReports
import JianfuStore
import Logging

/// The stages of a run, composed: pipeline file → ingest → indicators → reports
/// (SPEC §7 `run` and `validate`).
package struct PipelineRunner {
    package static let version = "0.2.0"

    package let config: PipelineConfig
    package let logger: Logger
    /// The moment the run started; fixes the run id and the "future period" limit.
    package let now: Date
    /// `started_at` in `summary.json` and the run log: `now`, ISO 8601 UTC.
    package let startedAt: String
    /// The run id of `summary.json` and the run log: `started_at` compacted, and a random suffix.
    package let runID: String
    /// Hears the stage the run is in ("reading source counts"), for a status line on a terminal;
    /// a source name in it comes with its control characters made visible
    /// (`ControlCharacters.visible`), whatever the pipeline file holds.
    package var progress: @Sendable (String) -> Void {
        get { stageListener }
        set { stageListener = { stage in newValue(ControlCharacters.visible(stage)) } }
    }
    private var stageListener: @Sendable (String) -> Void = { _ in }
    /// `jianfu run --drop-stored METRIC`: metrics whose stored values this run may drop when
    /// their granularity changed (README "Nightly operation"); without it such a run is refused.
    package var dropStored: Set<String> = []

    package init(config: PipelineConfig, logger: Logger, now: Date = Date()) {
        self.config = config
        self.logger = logger
        self.now = now
        startedAt = UTCTimestamp.string(now)
        let compact = startedAt.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        runID = "\(compact)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// The current month as a month ordinal (local calendar): later periods are rejected.
    package var currentMonth: Int {
        let c = Calendar.current.dateComponents([.year, .month], from: now)
        return c.year! * 12 + c.month! - 1
    }

    /// Reads every source (stateless: `validate`, and `run` with `state: none`).
    package func ingest() throws -> Ingestion {
        let ingestion = try Ingestion.run(config, latestMonth: currentMonth, logger: logger)
        for report in ingestion.reports { logRead(report) }
        try checkRowCounts(ingestion)
        return warned(ingestion)
    }

    /// Reads the sources that changed into `store` and builds the table from the whole store.
    func ingest(into store: any ObservationStore, run: Int64) throws -> Ingestion {
        let ingestion = try StoreIngestion(runner: self, store: store, run: run).ingest()
        try checkRowCounts(ingestion)
        return warned(ingestion)
    }

    /// A source with no data row (a header alone: an export that went wrong) is a warning
    /// naming it; one with fewer data rows than its `min_rows` stops the run (exit 1), before
    /// anything is written.
    func checkRowCounts(_ ingestion: Ingestion) throws {
        for source in config.sources {
            guard let report = ingestion.reports.first(where: { $0.name == source.name }) else { continue }
            if let minimum = source.minRows, report.rowsRead < minimum {
                throw RunError.tooFewRows(source: source.name, location: source.path, rows: report.rowsRead, minimum: minimum)
            }
            if report.rowsRead == 0 {
                logger.warning("source \(source.name): no data rows, only a header (\(source.path)); nothing of it is in the reports (min_rows: 1 makes this an error)")
            }
        }
    }

    /// Logs what reading a source found.
    func logRead(_ report: SourceReport) {
        logger.info("source \(report.name): \(report.rowsRead) rows read, \(report.rowsRejected) rejected, \(report.cellsRejected) cells rejected, \(report.blankLines) blank lines (\(report.encoding.rawValue))", metadata: ["source": "\(report.name)"])
    }

    private func warned(_ ingestion: Ingestion) -> Ingestion {
        // (orphanWarnings are made from hierarchy.orphans, one for one.)
        for (orphan, warning) in zip(ingestion.hierarchy.orphans, ingestion.orphanWarnings) {
            logger.warning("\(warning)", metadata: ["unit": "\(ingestion.units[orphan.unit].id)"])
        }
        return ingestion
    }

    /// The outcome of a successful `run`.
    package struct Outcome: Sendable {
        package let evaluation: Evaluation
        package let run: RunInfo
        package let outputDirectory: String
    }

    /// The nightly job: ingest (through the state store unless `state: none`), check the
    /// data-quality gate, evaluate, write every output atomically.
    package func run() throws -> Outcome {
        let metrics = config.settings.metrics.map(\.id)
        for name in dropStored.sorted() where !metrics.contains(name) {
            throw RunError.unknownMetric(option: "--drop-stored", name: name, known: metrics)
        }
        if !dropStored.isEmpty, config.state == .none {
            logger.warning("--drop-stored: with state: none there are no stored values; nothing to drop")
        }
        if let store = try config.state.openForWriting(pipeline: config.name) {
            return try run(with: store)
        }
        let clock = ContinuousClock()
        let started = clock.now
        progress("reading the sources")
        let ingestion = try ingest()
        return try publish(ingestion, started: started, ingested: clock.now)
    }

    /// The stages after ingest: the data-quality gate, the indicators (over the months up to
    /// `--as-of` when given), every output written into a staging folder, `beforeSwap` (the
    /// store's commit), then the swap into place. `store` (nil with `state: none`) holds the
    /// earlier bulletins of the rectification ledger; `corrections` are the values this run
    /// replaced (`LedgerStage`).
    func publish(
        _ ingestion: Ingestion, started: ContinuousClock.Instant, ingested: ContinuousClock.Instant,
        store: (any ObservationStore)? = nil, corrections: [Correction] = [],
        annotate: (Evaluation, inout RunInfo) throws -> Void = { _, _ in },
        beforeSwap: (Evaluation) throws -> Void = { _ in }
    ) throws -> Outcome {
        let clock = ContinuousClock()
        var annotated = makeRunInfo(ingestion)
        let quality = annotated.quality
        if let limit = config.maxRejected, quality.rejectedShare > limit {
            let file = config.outputDirectory + ".rejected.csv"
            let written = writeRejectedBeside(ingestion.rejections, path: file)
            throw RunError.qualityGate(
                share: quality.rejectedShare, limit: limit, rejected: quality.rowsRejected + quality.cellsRejected,
                rowsRead: quality.rowsRead, rejectedFile: written ? file : nil)
        }
        progress("computing the indicators")
        let evaluation = try evaluateListingRejected(ingestion, quality: quality)
        let evaluated = clock.now
        logger.info("evaluation \(evaluation.windows.evaluation), baseline \(evaluation.windows.baseline): \(evaluation.units.count) units, \(evaluation.alerts.count) alerts")
        try annotate(evaluation, &annotated)
        annotated.ledger = try LedgerStage(pipeline: config.name, logger: logger).ledger(evaluation, store: store)
        annotated.replacedValues = corrections
        let runInfo = annotated
        if let first = config.bulletin.firstIssue, runInfo.issue(evaluation) == nil {
            logger.warning("bulletin month \(evaluation.windows.evaluation.lastMonth) is before first_issue \(first): the bulletin has no issue number (期号)")
        }
        // Writers are independent and deterministic: run them on every core.
        let writers = writers(for: evaluation, hierarchy: ingestion.hierarchy, ledger: runInfo.ledger)
        let output = try OutputDirectory(target: config.outputDirectory, runID: runID, files: writers.map(\.fileName))
        let abandoned = output.removeAbandonedStaging()
        for folder in abandoned.removed {
            logger.warning("removed \(folder), the staging folder of a run that was killed")
        }
        for folder in abandoned.left {
            logger.warning("left \(folder), the staging folder of a run that was killed: it holds files jianfu did not write")
        }
        progress("writing the reports")
        do {
            try output.writeConcurrently(writers.map { writer in
                (writer.fileName, { writer.write(evaluation, run: runInfo, to: $0) })
            })
            if config.syncOutputs { try output.flush() }
            try beforeSwap(evaluation)
            if let left = try output.commit() {
                logger.warning("left \(left.folder), the previous report: it holds \(left.left.joined(separator: ", ")), which jianfu did not write")
            }
        } catch {
            output.discard()
            throw error
        }
        logger.info("took \(Self.seconds(clock.now - started)) s: ingest \(Self.seconds(ingested - started)), evaluate \(Self.seconds(evaluated - ingested)), write \(Self.seconds(clock.now - evaluated))")
        return Outcome(evaluation: evaluation, run: runInfo, outputDirectory: config.outputDirectory)
    }

    /// The writers for the pipeline's `outputs.formats`; `html` is `index.html` and one page
    /// per unit under `units/`.
    func writers(for evaluation: Evaluation, hierarchy: Hierarchy, ledger: RectificationLedger.Result? = nil) -> [any ReportWriter] {
        var writers: [any ReportWriter] = []
        if config.formats.contains(.csv) {
            // series.csv (a line per observation) first: the writers run concurrently in this
            // order, so the longest starts at once and the others share the other cores.
            if config.writesSeries { writers.append(SeriesCSVWriter()) }
            writers += [IndicatorsCSVWriter(), ScoresCSVWriter(), AlertsCSVWriter(), RejectedCSVWriter(),
                        CorrectionsCSVWriter()] as [any ReportWriter]
        }
        if config.formats.contains(.json) { writers.append(SummaryJSONWriter()) }
        if config.formats.contains(.prom) { writers.append(PrometheusWriter()) }
        if config.formats.contains(.html) {
            writers.append(IndexPageWriter())
            writers += UnitPageWriter.pages(for: evaluation, hierarchy: hierarchy) as [any ReportWriter]
        }
        if config.formats.contains(.bulletin) {
            writers += [BulletinMarkdownWriter(), BulletinDocxWriter()] as [any ReportWriter]
        }
        if config.formats.contains(.xlsx) { writers.append(ResultsWorkbookWriter()) }
        return writers
    }

    /// A duration in seconds with two decimals, for the log.
    static func seconds(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(ms / 1000).\(String(ms % 1000 / 10 + 100).dropFirst())"
    }

    /// The indicators of the ingested table, over the months up to `--as-of` when given (SPEC
    /// §3: `--as-of` ends the `{months: N}` windows; later periods are left out, so the report
    /// is the one that month would have had, with today's corrections).
    func evaluate(_ ingestion: Ingestion) throws -> Evaluation {
        let table = config.settings.asOf.map { AsOf.truncate(ingestion.table, throughMonth: $0) } ?? ingestion.table
        guard let evaluation = Evaluator.evaluate(
            table: table, units: ingestion.units, hierarchy: ingestion.hierarchy, settings: config.settings)
        else { throw RunError.noData(pipeline: config.name) }
        return evaluation
    }

    func makeRunInfo(_ ingestion: Ingestion) -> RunInfo {
        var info = RunInfo(
            runID: runID, startedAt: startedAt, startedAtEpoch: now.timeIntervalSince1970.rounded(),
            pipelineName: config.name, pipelineFile: config.file, jianfuVersion: Self.version,
            sources: ingestion.reports, rejections: ingestion.rejections, maxRejected: config.maxRejected)
        info.pipelineSHA256 = config.fileSHA256
        info.state = config.state.description
        info.asOf = config.settings.asOf.map { Period(.month, ordinal: $0).description }
        info.manifest = ingestion.manifest
        info.bulletin = config.bulletin
        info.issuedAt = BulletinSection.localTime(now, config.bulletin)
        return info
    }

    /// Writes the list of rejected rows beside the output folder (`DIR.rejected.csv`), replacing
    /// the file only when jianfu wrote it (a regular file that starts with the list's header):
    /// jianfu overwrites no file it did not write. Returns whether the list was written.
    func writeRejectedBeside(_ rejections: [Rejection], path: String) -> Bool {
        let out = OutputBuffer()
        RejectedCSVWriter.write(rejections, to: out)
        var info = stat()
        if lstat(path, &info) == 0 {
            let header = OutputBuffer()
            RejectedCSVWriter.write([], to: header)
            let existing = (info.st_mode & S_IFMT) == S_IFREG ? FileHandle(forReadingAtPath: path) : nil
            let start = (try? existing?.read(upToCount: header.bytes.count)) ?? nil
            try? existing?.close()
            guard let start, [UInt8](start) == header.bytes else {
                logger.warning("did not write the rejected rows to \(path): a file jianfu did not write is there")
                return false
            }
        }
        let temporary = (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(out.bytes)) else { return false }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }
}
