import Foundation
import Glibc
import JianfuIndicators
import JianfuIngest
import JianfuModel
import JianfuReports
import JianfuStore
import Logging

/// A run of a loaded pipeline (SPEC §7 `run` and `validate`): its clock, id and logger, and the
/// steps the stages share. The stages of `run`, composed, are in RunStages.swift.
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

    /// The ingest stage without a state store (`validate`, and `run` with `state: none`): reads
    /// every source (`Ingestion.run`).
    package func ingest() throws -> Ingestion {
        progress("reading the sources")
        let ingestion = try Ingestion.run(config, currentMonth: currentMonth, logger: logger)
        for report in ingestion.reports { logRead(report) }
        return try checked(ingestion)
    }

    /// What every ingest ends with: a source with fewer rows than its `min_rows` stops the run
    /// (`checkRowCounts`); a unit whose parent is not known is a warning.
    func checked(_ ingestion: Ingestion) throws -> Ingestion {
        try checkRowCounts(ingestion)
        // (orphanWarnings are made from hierarchy.orphans, one for one.)
        for (orphan, warning) in zip(ingestion.hierarchy.orphans, ingestion.orphanWarnings) {
            logger.warning("\(warning)", metadata: ["unit": "\(ingestion.units[orphan.unit].id)"])
        }
        return ingestion
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

    /// The outcome of a successful `run`.
    package struct Outcome: Sendable {
        package let evaluation: Evaluation
        package let run: RunInfo
        package let outputDirectory: String
    }

    /// `--drop-stored` names metrics of the pipeline; with `state: none` it has nothing to drop.
    func checkDropStored() throws {
        let metrics = config.settings.metrics.map(\.id)
        for name in dropStored.sorted() where !metrics.contains(name) {
            throw RunError.unknownMetric(option: "--drop-stored", name: name, known: metrics)
        }
        if !dropStored.isEmpty, config.state == .none {
            logger.warning("--drop-stored: with state: none there are no stored values; nothing to drop")
        }
    }

    /// The writers for the pipeline's `outputs.formats`; `html` is `index.html` and one page
    /// per unit under `units/`.
    func writers(for evaluation: Evaluation, hierarchy: Hierarchy) -> [any ReportWriter] {
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

    /// The indicators of the ingested table (`Evaluator.evaluate`), over the months up to
    /// `--as-of` when given (SPEC
    /// §3: `--as-of` ends the `{months: N}` windows; later periods are left out, so the report
    /// is the one that month would have had, with today's corrections). `run`'s evaluate stage
    /// is `evaluate(_:store:)`; `unit` and `sample` use this.
    func evaluate(_ ingestion: Ingestion) throws -> Evaluation {
        try evaluate(ingestion, table: ingestion.table)
    }

    /// `evaluate(_:)` of `table`, the ingestion's table taken out of it (`Ingestion.takeTable`),
    /// so that its grid is freed once the evaluation has transposed it.
    func evaluate(_ ingestion: Ingestion, table: consuming ObservationTable) throws -> Evaluation {
        if let month = config.settings.asOf { table = AsOf.truncate(table, throughMonth: month) }
        guard let evaluation = Evaluator.evaluate(
            table: consume table, latestMonth: ingestion.latestMonth, units: ingestion.units, hierarchy: ingestion.hierarchy,
            settings: config.settings)
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
