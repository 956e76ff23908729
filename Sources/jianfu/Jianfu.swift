import ArgumentParser
import Foundation
import JianfuPipeline

/// `jianfu` (减负): evaluates how far the burden on grassroots units has really fallen.
/// The executable only parses arguments, calls `JianfuPipeline` and maps errors to exit codes.
@main
struct Jianfu: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jianfu",
        abstract: "Evaluate grassroots burden reduction (基层减负) against a baseline.",
        discussion: """
            Exit codes: 0 success, 1 failure, 2 bad pipeline or arguments, 3 data quality over its limit, \
            4 another run holds the lock.
            """,
        version: PipelineRunner.version,
        subcommands: [RunCommand.self, ValidateCommand.self, UnitCommand.self, SampleCommand.self, HistoryCommand.self, TemplateCommand.self, StoreCommand.self]
    )

    /// Runs the command; bad arguments exit 2 (SPEC §7), not ArgumentParser's usual 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                let format = LogFormat.fromArguments
                if format == .json {
                    format.write(LogLine(level: "error", message: message(for: error)))
                } else {
                    FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                }
                Foundation.exit(ExitStatus.badArguments)
            }
            exit(withError: error)
        }
    }
}

/// Options every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Log format on stderr: plain or json.")
    var logFormat: LogFormat = .plain

    @Flag(name: .shortAndLong, help: "Log only warnings and errors.")
    var quiet = false
}
