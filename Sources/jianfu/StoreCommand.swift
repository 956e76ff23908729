import ArgumentParser
import JianfuPipeline

/// `jianfu store …`: looking after a pipeline's state store.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Look after a pipeline's state store.",
        subcommands: [StoreCheckCommand.self])
}

/// `jianfu store check -p PIPELINE`: counts and integrity (exit 0 whole, 1 a problem found).
struct StoreCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Count what the pipeline's store holds and check it is whole (SQLite integrity_check, keys, slabs).")

    @Option(name: [.short, .customLong("pipeline")], help: "The pipeline YAML file.")
    var pipeline: String

    func run() throws {
        let inspection: StoreInspection
        do {
            inspection = try StoreInspection(config: try PipelineLoader.load(path: pipeline))
        } catch {
            throw Exit.report(error, format: .plain)
        }
        print(inspection.text)
        if !inspection.isWhole { throw ExitCode(ExitStatus.failure) }
    }
}
