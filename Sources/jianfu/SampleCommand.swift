import ArgumentParser
import Foundation
import JianfuPipeline

/// `jianfu sample -p PIPELINE -n N --seed S`: the random spot-check list for 随机调研 (SPEC §7).
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw a reproducible random spot-check list (随机调研), weighted toward low composites and alerts.",
        discussion: """
            Units are evaluated as `jianfu unit` evaluates them (from the state store as the last successful run \
            left it, else from the sources), weighted by 1 + 2 × (100 − composite)/100 + 0.5 × alerts, and drawn \
            without replacement with xoshiro256** seeded from --seed: one unit of each category first, then of each \
            上级 group, as far as -n allows. The same figures and seed give the same list on any machine. With a \
            state store the list is recorded there. See docs/sample.md.
            """)

    @Option(name: [.short, .customLong("pipeline")], help: "The pipeline YAML file.")
    var pipeline: String

    @Option(name: [.customShort("n"), .customLong("count")], help: ArgumentHelp("How many units to draw (at least 1).", valueName: "N"))
    var count: Int

    @Option(name: .long, help: ArgumentHelp("The seed, a whole number from 0 to 18446744073709551615.", valueName: "S"))
    var seed: UInt64

    @Option(
        name: .customLong("exclude-recent"),
        help: ArgumentHelp("Leave out the units drawn for the K months before this list's month (needs a state store).", valueName: "K"))
    var excludeRecent: Int?

    @Flag(name: .customLong("include-rollups"), help: "Units with descendants may be drawn too (default: leaf units only).")
    var includeRollups = false

    @Option(name: .long, help: ArgumentHelp("Also write the list as CSV to this file (never over a file jianfu did not write).", valueName: "FILE"))
    var output: String?

    @OptionGroup var asOf: AsOfOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if count < 1 { throw ValidationError(SampleError.countBelowOne(count).description) }
        if let excludeRecent, excludeRecent < 1 { throw ValidationError(SampleError.excludeRecentBelowOne(excludeRecent).description) }
    }

    func run() throws {
        var logger = common.makeLogger()
        logger.logLevel = .warning  // the list is the output: stderr only for problems
        do {
            var config = try PipelineLoader.load(path: pipeline)
            config.settings.asOf = asOf.month
            if let output { try SampleCSVWriter.checkOverwrite(output) }
            let request = SampleRequest(count: count, seed: seed, excludeRecent: excludeRecent, includeRollups: includeRollups)
            let sample = try SpotCheckSample.draw(runner: PipelineRunner(config: config, logger: logger), request: request)
            for note in sample.notes { logger.warning("\(note)") }
            print(sample.terminalText(pipelinePath: pipeline))
            if let output {
                try SampleCSVWriter.write(sample, toFile: output)
                print("list written to \(output)")
            }
        } catch {
            throw Exit.report(error, format: common.logFormat)
        }
    }
}
