import Foundation
import JianfuIndicators
import JianfuIngest
import JianfuModel
import JianfuReports
import Logging

/// The stages of a run, composed: pipeline file → ingest → indicators → reports
/// (SPEC §7 `run` and `validate`).
public struct PipelineRunner {
    public static let version = "0.1.0"

    public let config: PipelineConfig
    public let logger: Logger
    /// The moment the run started; fixes the run id and the "future period" limit.
    public let now: Date

    public init(config: PipelineConfig, logger: Logger, now: Date = Date()) {
        self.config = config
        self.logger = logger
        self.now = now
    }

    /// The current month as a month ordinal (local calendar): later periods are rejected.
    public var currentMonth: Int {
        let c = Calendar.current.dateComponents([.year, .month], from: now)
        return c.year! * 12 + c.month! - 1
    }

    /// Reads every source.
    public func ingest() throws -> Ingestion {
        let ingestion = try Ingestion.run(config, latestMonth: currentMonth, logger: logger)
        for report in ingestion.reports {
            logger.info("source \(report.name): \(report.rowsRead) rows read, \(report.rowsRejected) rejected, \(report.cellsRejected) cells rejected, \(report.blankLines) blank lines (\(report.encoding.rawValue))")
        }
        for warning in ingestion.orphanWarnings { logger.warning("\(warning)") }
        return ingestion
    }

    /// The outcome of a successful `run`.
    public struct Outcome: Sendable {
        public let evaluation: Evaluation
        public let run: RunInfo
        public let outputDirectory: String
    }

    /// The nightly job: ingest, check the data-quality gate, evaluate, write every output
    /// atomically.
    public func run() throws -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        let ingestion = try ingest()
        let ingested = clock.now
        let runInfo = makeRunInfo(ingestion)
        let quality = runInfo.quality
        if let limit = config.maxRejected, quality.rejectedShare > limit {
            let file = config.outputDirectory + ".rejected.csv"
            let written = writeRejectedBeside(ingestion.rejections, path: file)
            throw RunError.qualityGate(
                share: quality.rejectedShare, limit: limit, rejected: quality.rowsRejected + quality.cellsRejected,
                rowsRead: quality.rowsRead, rejectedFile: written ? file : nil)
        }
        guard let evaluation = Evaluator.evaluate(
            table: ingestion.table, units: ingestion.units, hierarchy: ingestion.hierarchy, settings: config.settings)
        else { throw RunError.noData(pipeline: config.name) }
        let evaluated = clock.now
        logger.info("evaluation \(evaluation.windows.evaluation), baseline \(evaluation.windows.baseline): \(evaluation.units.count) units, \(evaluation.alerts.count) alerts")
        let output = try OutputDirectory(target: config.outputDirectory)
        do {
            // Writers are independent and deterministic: run them on every core.
            let writers = writers(for: evaluation, hierarchy: ingestion.hierarchy)
            try output.writeConcurrently(writers.map { writer in
                (writer.fileName, { writer.write(evaluation, run: runInfo, to: $0) })
            })
            try output.commit(sync: config.syncOutputs)
            logger.info("took \(Self.seconds(clock.now - started)) s: ingest \(Self.seconds(ingested - started)), evaluate \(Self.seconds(evaluated - ingested)), write \(Self.seconds(clock.now - evaluated))")
        } catch {
            output.discard()
            throw error
        }
        return Outcome(evaluation: evaluation, run: runInfo, outputDirectory: config.outputDirectory)
    }

    /// The writers for the pipeline's `outputs.formats`; `html` is `index.html` and one page
    /// per unit under `units/`.
    func writers(for evaluation: Evaluation, hierarchy: Hierarchy) -> [any ReportWriter] {
        var writers: [any ReportWriter] = []
        if config.formats.contains(.csv) {
            writers += [IndicatorsCSVWriter(), ScoresCSVWriter(), SeriesCSVWriter(), AlertsCSVWriter(), RejectedCSVWriter()] as [any ReportWriter]
        }
        if config.formats.contains(.json) { writers.append(SummaryJSONWriter()) }
        if config.formats.contains(.prom) { writers.append(PrometheusWriter()) }
        if config.formats.contains(.html) {
            writers.append(IndexPageWriter())
            writers += UnitPageWriter.pages(for: evaluation, hierarchy: hierarchy) as [any ReportWriter]
        }
        return writers
    }

    /// A duration in seconds with two decimals, for the log.
    static func seconds(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(ms / 1000).\(String(ms % 1000 / 10 + 100).dropFirst())"
    }

    func makeRunInfo(_ ingestion: Ingestion) -> RunInfo {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let stamp = formatter.string(from: now)
        let compact = stamp.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return RunInfo(
            runID: "\(compact)-\(suffix)", startedAt: stamp, startedAtEpoch: now.timeIntervalSince1970.rounded(),
            pipelineName: config.name, pipelineFile: config.file, jianfuVersion: Self.version,
            sources: ingestion.reports, rejections: ingestion.rejections, maxRejected: config.maxRejected)
    }

    private func writeRejectedBeside(_ rejections: [Rejection], path: String) -> Bool {
        let out = OutputBuffer()
        RejectedCSVWriter.write(rejections, to: out)
        return FileManager.default.createFile(atPath: path, contents: Data(out.bytes))
    }
}
