import ArgumentParser
import JianfuPipeline

/// `jianfu run PIPELINE`: the nightly job (SPEC §7).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Ingest every source, compute the indicators and write the reports.")

    @Argument(help: "The pipeline YAML file.")
    var pipeline: String

    @OptionGroup var asOf: AsOfOption

    @OptionGroup var common: CommonOptions

    func run() throws {
        let logger = common.makeLogger()
        do {
            var config = try PipelineLoader.load(path: pipeline)
            config.settings.asOf = asOf.month
            var runner = PipelineRunner(config: config, logger: logger)
            let status = common.quiet ? nil : StatusLine.start(plainLogs: common.logFormat == .plain)
            defer { status?.stop() }
            if let status { runner.progress = { status.set($0) } }
            let outcome = try runner.run()
            status?.stop()
            let quality = outcome.run.quality
            logger.info("\(quality.rowsRead) rows read, \(quality.rowsRejected) rows and \(quality.cellsRejected) cells rejected, \(quality.blankLines) blank lines, \(quality.overrides) overrides, \(outcome.run.corrections) corrections")
            print("reports written to \(outcome.outputDirectory)")
        } catch {
            throw Exit.report(error, format: common.logFormat)
        }
    }
}
