import ArgumentParser
import Foundation
import Glibc
import JianfuPipeline

/// `jianfu unit ID-or-name -p PIPELINE [--html FILE]`: one unit, ad hoc, in the terminal
/// (SPEC §7). Colour only on a terminal and when `NO_COLOR` is not set.
struct UnitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "Evaluate one unit: its indicators with sparklines, alerts, composite, grade and rank.",
        discussion: """
            The unit is named by its exact id, its exact name, or a unique prefix of either. \
            Nothing is written unless --html is given. With a state store, the figures are those \
            of the last successful run, read from the store.
            """)

    @Argument(help: "The unit's id or name, or a unique prefix of one.")
    var unit: String

    @Option(name: [.short, .customLong("pipeline")], help: "The pipeline YAML file.")
    var pipeline: String

    @Option(name: .long, help: ArgumentHelp("Also write the unit's page, self-contained, to this file.", valueName: "FILE"))
    var html: String?

    @OptionGroup var asOf: AsOfOption

    @OptionGroup var common: CommonOptions

    func run() throws {
        var logger = common.makeLogger()
        logger.logLevel = .warning  // the table is the output: stderr only for problems (`validate` shows the sources)
        do {
            var config = try PipelineLoader.load(path: pipeline)
            config.settings.asOf = asOf.month
            let inspection = try UnitInspection(
                runner: PipelineRunner(config: config, logger: logger), query: unit, wholeCategory: html != nil)
            for note in inspection.notes { logger.warning("\(note)") }
            let colour = isatty(1) == 1 && getenv("NO_COLOR") == nil
            print(inspection.terminalText(colour: colour))
            if let html {
                try inspection.writeHTML(to: html)
                print("\nunit page written to \(html)")
            }
        } catch {
            throw Exit.report(error, format: common.logFormat)
        }
    }
}
