import ArgumentParser
import JianfuPipeline

/// `jianfu store …`: looking after a pipeline's state store.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Look after a pipeline's state store.",
        subcommands: [StoreCheckCommand.self, StoreCopyCommand.self])
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

/// `jianfu store copy FROM TO`: every pipeline of one store into another (SQLite ↔ PostgreSQL).
struct StoreCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every pipeline of a store (runs, sources, values, corrections, bulletins, lists) into another store.",
        discussion: """
            FROM and TO are an SQLite file's path or a postgresql://USER@HOST:PORT/DATABASE URL (password from \
            PGPASSWORD or ~/.pgpass). FROM is only read; TO must hold none of the pipelines copied. Run it while no \
            run writes FROM.
            """)

    @Argument(help: "The store to copy: an SQLite file or a postgresql:// URL.")
    var from: String
    @Argument(help: "The store to copy into (an SQLite file is created when missing).")
    var to: String

    func run() throws {
        do {
            let copied = try StoreCopy.copy(from: try StoreCopy.place(from), to: try StoreCopy.place(to))
            for c in copied {
                print("copied pipeline \(c.pipeline): \(c.runs) runs, \(c.sources) sources, \(c.values) values, \(c.corrections) corrections kept")
            }
        } catch {
            throw Exit.report(error, format: .plain)
        }
    }
}
