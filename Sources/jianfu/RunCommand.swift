import ArgumentParser
import JianfuPipeline

/// `jianfu run PIPELINE`: the nightly job (SPEC §7).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Ingest every source, compute the indicators and write the reports.")

    @Argument(help: "The pipeline YAML file.")
    var pipeline: String

    @OptionGroup var common: CommonOptions

    func run() throws {
        let logger = common.makeLogger()
        do {
            let config = try PipelineLoader.load(path: pipeline)
            let outcome = try PipelineRunner(config: config, logger: logger).run()
            let quality = outcome.run.quality
            logger.info("\(quality.rowsRead) rows read, \(quality.rowsRejected) rows and \(quality.cellsRejected) cells rejected, \(quality.blankLines) blank lines, \(quality.overrides) overrides")
            print("reports written to \(outcome.outputDirectory)")
        } catch {
            throw Exit.report(error)
        }
    }
}
