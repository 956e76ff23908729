import ArgumentParser
import JianfuPipeline

/// `--as-of YYYY-MM`: the report as of an earlier month (SPEC §3 "Windows").
struct AsOfOption: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("End the {months: N} evaluation window at this month (e.g. 2024-03) instead of the latest month with data.", valueName: "YYYY-MM"))
    var text: String?

    func validate() throws {
        if let text, AsOf.month(text) == nil {
            throw ValidationError("--as-of expects a month such as 2024-03, found '\(text)'")
        }
    }

    /// The month ordinal, when given.
    var month: Int? { text.flatMap(AsOf.month) }
}
