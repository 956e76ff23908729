/// Reads `outputs:` (SPEC §2, §6): the report folder, relative to the pipeline file, and the
/// formats to write. Defaults: `dir: ../reports/NAME` with NAME the pipeline file's name without
/// extension, all four formats. `sync: true` (an addition) flushes the report to disk before it
/// is swapped into place, for durability across a power loss; off by default, since the swap
/// alone already protects readers from a killed run and flushing hundreds of MB costs seconds.
/// `series: false` (an addition) leaves `series.csv` — a line per observation, hundreds of MB
/// for a province's history — out of the CSV files, for a nightly run whose readers need the
/// indicators, not the values behind them.
enum OutputsSection {
    static let keys = ["dir", "formats", "sync", "series"]

    static func read(_ node: ConfigNode?, location: PipelineLocation) throws -> (directory: String, formats: Set<OutputFormat>, sync: Bool, series: Bool) {
        let settings = try node?.mapping("{dir: PATH, formats: [csv, json, prom, html]}")
        try settings?.allowOnly(keys)
        let directory = try settings?["dir"].map { dir in
            let text = try dir.text("a folder path, relative to the pipeline file")
            guard !text.isEmpty else { throw dir.invalid("a folder path, relative to the pipeline file") }
            return text
        } ?? "../reports/\(location.baseName)"
        return (location.resolve(directory), try settings?["formats"].map(formats) ?? Set(OutputFormat.allCases),
                try settings?["sync"]?.bool() ?? false, try settings?["series"]?.bool() ?? true)
    }

    private static func formats(_ node: ConfigNode) throws -> Set<OutputFormat> {
        let expected = "a list of formats among " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
        let items = try node.list(expected)
        guard !items.isEmpty else { throw node.invalid(expected + ", at least one") }
        return Set(try items.map { try $0.choice(OutputFormat.allCases.map { ($0.rawValue, $0) }) })
    }

    /// Refuses a report folder whose replacement would take away what the pipeline needs
    /// (`ReportFolder.placeProblem`): `/`, `$HOME`, or a folder that is or contains the pipeline
    /// file, a source, the state store or its folder. A bad pipeline file (exit 2), found
    /// before anything is read: the folder is named by `outputs.dir`, or by default.
    static func checkPlace(_ directory: String, outputs: ConfigNode?, root: ConfigNode, inputs: [(what: String, path: String)]) throws {
        guard let problem = ReportFolder.placeProblem(directory, inputs: inputs) else { return }
        let node = (try? outputs?.mapping()["dir"]) ?? outputs ?? root
        throw PipelineError.invalidValue(
            file: node.file, line: node.line, key: "outputs.dir",
            expected: "a report folder of its own, such as ../reports/NAME (a run replaces the folder's files, so it may hold no input)",
            found: "\(directory), which is \(problem)")
    }
}
