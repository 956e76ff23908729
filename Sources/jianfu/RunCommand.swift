import ArgumentParser
import Foundation
import JianfuPipeline
import Logging

/// `jianfu run PIPELINE`: the nightly job (SPEC §7).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Ingest every source, compute the indicators and write the reports.")

    @Argument(help: "The pipeline YAML file.")
    var pipeline: String

    @OptionGroup var asOf: AsOfOption

    @Option(
        name: .customLong("drop-stored"),
        help: ArgumentHelp(
            "Let this run drop the stored values (and their history) of METRIC when its granularity changed in the pipeline; without it such a run is refused (exit 2). Repeatable.",
            valueName: "METRIC"))
    var dropStored: [String] = []

    @OptionGroup var common: CommonOptions

    func run() throws {
        let logger = common.makeLogger()
        do {
            var config = try PipelineLoader.load(path: pipeline)
            config.settings.asOf = asOf.month
            var runner = PipelineRunner(config: config, logger: logger)
            runner.dropStored = Set(dropStored)
            let status = common.quiet ? nil : StatusLine.start(plainLogs: common.logFormat == .plain)
            defer { status?.stop() }
            if let status { runner.progress = { status.set($0) } }
            let outcome: PipelineRunner.Outcome
            do {
                outcome = try runner.run()
            } catch {
                status?.stop()
                recordStatus(config: config, startedAt: runner.now, exitCode: ExitStatus.code(for: error), logger: logger)
                throw error
            }
            status?.stop()
            recordStatus(config: config, startedAt: runner.now, exitCode: ExitStatus.success, logger: logger)
            let quality = outcome.run.quality
            logger.info("\(quality.rowsRead) rows read, \(quality.rowsRejected) rows and \(quality.cellsRejected) cells rejected, \(quality.blankLines) blank lines, \(quality.overrides) overrides, \(outcome.run.corrections) corrections")
            print("reports written to \(outcome.outputDirectory)")
        } catch {
            throw Exit.report(error, format: common.logFormat)
        }
    }

    /// Writes the run-status file beside the output folder (`RunStatusMetrics`), failed runs
    /// too; a status that cannot be written is logged as a warning and leaves the exit code as it is.
    private func recordStatus(config: PipelineConfig, startedAt: Date, exitCode: Int32, logger: Logger) {
        guard let metrics = RunStatusMetrics(config: config) else { return }
        do {
            try metrics.record(startedAt: startedAt, exitCode: exitCode)
        } catch {
            logger.warning("run status not recorded: \(error)")
        }
    }
}
