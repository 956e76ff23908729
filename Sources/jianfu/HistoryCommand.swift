import ArgumentParser
import JianfuPipeline

/// `jianfu history -p PIPELINE`: the latest runs of the pipeline's run log (SPEC §8).
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the latest runs of a pipeline: start, duration, outcome, exit code, rows, corrections.")

    @Option(name: [.short, .customLong("pipeline")], help: "The pipeline YAML file.")
    var pipeline: String

    @Option(name: [.short, .customLong("limit")], help: "How many runs to list, newest first.")
    var limit = 20

    func run() throws {
        do {
            let config = try PipelineLoader.load(path: pipeline)
            print(try RunHistory(config: config, limit: limit).text)
        } catch {
            throw Exit.report(error, format: .plain)
        }
    }
}
