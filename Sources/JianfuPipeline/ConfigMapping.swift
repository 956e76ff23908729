/// A mapping of a pipeline file, in file order, with the checks every mapping of the contract
/// gets (SPEC §2): unknown keys are refused with the closest known key, required keys must be
/// there.
struct ConfigMapping {
    struct Entry {
        let key: String
        /// The value, whose `line` is the key's line.
        let value: ConfigNode
    }

    /// The mapping itself (its path and line).
    let node: ConfigNode
    let entries: [Entry]

    /// Where the mapping is, for errors: its path, or `the pipeline` for the document itself.
    var context: String { node.path.isEmpty ? "the pipeline" : node.path }

    var isEmpty: Bool { entries.isEmpty }

    /// The value of `key`, or `nil` when the key is left out.
    subscript(key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.value
    }

    /// The value of `key`; `missingKey` naming this mapping when it is left out.
    func required(_ key: String) throws -> ConfigNode {
        guard let value = self[key] else {
            throw PipelineError.missingKey(file: node.file, line: node.line, key: key, context: context)
        }
        return value
    }

    /// Refuses the first key not in `known`, suggesting the closest known one.
    func allowOnly(_ known: [String]) throws {
        for entry in entries where !known.contains(entry.key) {
            throw unknownKey(entry, known: known)
        }
    }

    /// `unknownKey` for `entry`, with the closest of `known` as a suggestion (see `KeySuggestion`).
    func unknownKey(_ entry: Entry, known: [String]) -> PipelineError {
        .unknownKey(
            file: node.file, line: entry.value.line, key: entry.key, context: context,
            suggestion: KeySuggestion.nearest(to: entry.key, in: known))
    }
}
