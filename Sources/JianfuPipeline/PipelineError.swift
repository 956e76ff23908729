/// A pipeline file that cannot be used (SPEC §2): every case names the file and line, and the
/// key where it applies. The CLI maps the whole family to exit code 2.
package enum PipelineError: Error, Equatable, Sendable {
    /// The file cannot be read.
    case unreadable(file: String, reason: String)
    /// The YAML itself is broken.
    case syntax(file: String, line: Int, message: String)
    /// A key that is not part of the contract at this place, with the closest known key.
    case unknownKey(file: String, line: Int, key: String, context: String, suggestion: String?)
    /// A required key is absent from the mapping that starts at `line`.
    case missingKey(file: String, line: Int, key: String, context: String)
    /// A key whose value has the wrong shape or is out of range; `expected` says what is.
    case invalidValue(file: String, line: Int, key: String, expected: String, found: String)
    /// A YAML anchor (`&name`) or alias (`*name`), as `written`: refused before the document is
    /// built, since expanding nested aliases costs time and memory exponential in the file's
    /// size (an alias bomb) and a pipeline file has no need of them.
    case anchorOrAlias(file: String, line: Int, written: String)
    /// A `categories:` entry (its key on `line`) that no unit has, so its settings would
    /// silently apply to nothing; `known` lists the units' categories, `suggestion` the closest.
    case unusedCategory(file: String, line: Int, category: String, known: [String], suggestion: String?)
}

extension PipelineError: CustomStringConvertible {
    /// One line: `FILE:LINE: key 'KEY': what is wrong; what is expected`.
    package var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read the pipeline file: \(reason)"
        case .syntax(let file, let line, let message):
            return "\(file):\(line): not valid YAML: \(message)"
        case .unknownKey(let file, let line, let key, let context, let suggestion):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
            return "\(file):\(line): unknown key '\(key)' in \(context)\(hint)"
        case .missingKey(let file, let line, let key, let context):
            return "\(file):\(line): \(context) needs the key '\(key)'"
        case .invalidValue(let file, let line, let key, let expected, let found):
            return "\(file):\(line): key '\(key)': expected \(expected), found \(found)"
        case .anchorOrAlias(let file, let line, let written):
            return "\(file):\(line): \(written): YAML anchors (&name) and aliases (*name) are not accepted in a pipeline file; write the value out where it is used"
        case .unusedCategory(let file, let line, let category, let known, let suggestion):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
            let shown = known.prefix(20).map { "'\($0)'" }.joined(separator: ", ") + (known.count > 20 ? " and \(known.count - 20) more" : "")
            let existing = known.isEmpty
                ? "the units have no category (categories come from the category column of a units source)"
                : "the units' categories are \(shown)"
            return "\(file):\(line): key 'categories.\(category)': no unit has the category '\(category)', so its settings would apply to nothing; \(existing)\(hint)"
        }
    }
}
