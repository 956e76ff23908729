import Yams

/// Turns a Yams error into `PipelineError.syntax` with its line (SPEC §2: an error names the
/// file and the line). Yams' own description spans several lines with a snippet; ours is one.
enum YAMLSyntax {
    static func error(_ error: YamlError, file: String) -> PipelineError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text), line \($0.mark.line))" } ?? ""
            return .syntax(file: file, line: mark.line, message: problem + during)
        case .reader(let problem, let offset, _, let yaml):
            return .syntax(file: file, line: offset.map { line(ofCharacter: $0, in: yaml) } ?? 1, message: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return .syntax(file: file, line: context.mark.line, message: "the key \(keys) is given twice in one mapping")
        default:
            return .syntax(file: file, line: 1, message: "\(error)")
        }
    }

    /// The 1-based line holding the character at `offset`.
    private static func line(ofCharacter offset: Int, in text: String) -> Int {
        1 + text.prefix(offset).reduce(0) { $1.isNewline ? $0 + 1 : $0 }
    }
}
