/// Reads `outputs:` (SPEC §2, §6): the report folder, relative to the pipeline file, and the
/// formats to write. Defaults: `dir: ../reports/NAME` with NAME the pipeline file's name without
/// extension, all four formats. `sync: true` (an addition) flushes the report to disk before it
/// is swapped into place, for durability across a power loss; off by default, since the swap
/// alone already protects readers from a killed run and flushing hundreds of MB costs seconds.
enum OutputsSection {
    static let keys = ["dir", "formats", "sync"]

    static func read(_ node: ConfigNode?, location: PipelineLocation) throws -> (directory: String, formats: Set<OutputFormat>, sync: Bool) {
        let settings = try node?.mapping("{dir: PATH, formats: [csv, json, prom, html]}")
        try settings?.allowOnly(keys)
        let directory = try settings?["dir"].map { dir in
            let text = try dir.text("a folder path, relative to the pipeline file")
            guard !text.isEmpty else { throw dir.invalid("a folder path, relative to the pipeline file") }
            return text
        } ?? "../reports/\(location.baseName)"
        return (location.resolve(directory), try settings?["formats"].map(formats) ?? Set(OutputFormat.allCases),
                try settings?["sync"]?.bool() ?? false)
    }

    private static func formats(_ node: ConfigNode) throws -> Set<OutputFormat> {
        let expected = "a list of formats among " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
        let items = try node.list(expected)
        guard !items.isEmpty else { throw node.invalid(expected + ", at least one") }
        return Set(try items.map { try $0.choice(OutputFormat.allCases.map { ($0.rawValue, $0) }) })
    }
}
