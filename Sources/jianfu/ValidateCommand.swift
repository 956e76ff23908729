import ArgumentParser
import JianfuPipeline

/// `jianfu validate PIPELINE`: checks the pipeline and reads every source; writes nothing.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check the pipeline file and read every source, writing nothing.")

    @Argument(help: "The pipeline YAML file.")
    var pipeline: String

    @OptionGroup var common: CommonOptions

    func run() throws {
        let logger = common.makeLogger()
        do {
            let config = try PipelineLoader.load(path: pipeline)
            let ingestion = try PipelineRunner(config: config, logger: logger).ingest()
            print(ValidationSummary(config: config, ingestion: ingestion).text)
        } catch {
            throw Exit.report(error, format: common.logFormat)
        }
    }
}
