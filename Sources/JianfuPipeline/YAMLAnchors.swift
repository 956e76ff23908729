import CYaml

/// Refuses YAML anchors (`&name`) and aliases (`*name`) in a pipeline file, before Yams builds
/// the document (issue 11 item 6).
///
/// Yams expands every alias into a copy of its anchored node and compares keys whole, so a file
/// of a few lines of nested aliases (`y: {? *a7 : 1, ? *a6 : 2}`) takes time exponential in its
/// nesting — 17 s at depth 7 and nine times more per level — before a single key is checked.
/// A pipeline file has no need of them, so they are refused outright rather than bounded.
///
/// The check reads libyaml's event stream (the parser Yams is built on, its `CYaml` module):
/// anchors and aliases are events or event properties there, never expanded, so the scan is
/// linear in the file's size and exact about quoting, comments and block scalars — an `&` or `*`
/// inside a quoted or plain scalar is text, not an anchor. A file that is not valid YAML stops
/// the scan at its error, which `Yams.compose` then reports with its line as it always has.
enum YAMLAnchors {
    /// Throws `PipelineError.anchorOrAlias` at the first anchor or alias of `text`.
    static func refuse(in text: String, file: String) throws {
        if let found = first(in: text) {
            throw PipelineError.anchorOrAlias(file: file, line: found.line, written: found.written)
        }
    }

    /// The first anchor or alias: its 1-based line and how it is written (`&name`, `*name`).
    static func first(in text: String) -> (line: Int, written: String)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, written: String)? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_ALIAS_EVENT:
                    return (line, "*" + name(event.data.alias.anchor))
                case YAML_SCALAR_EVENT where event.data.scalar.anchor != nil:
                    return (line, "&" + name(event.data.scalar.anchor))
                case YAML_SEQUENCE_START_EVENT where event.data.sequence_start.anchor != nil:
                    return (line, "&" + name(event.data.sequence_start.anchor))
                case YAML_MAPPING_START_EVENT where event.data.mapping_start.anchor != nil:
                    return (line, "&" + name(event.data.mapping_start.anchor))
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    continue
                }
            }
            return nil  // a syntax error: left to Yams.compose to report
        }
    }

    /// libyaml's anchor names are letters, digits, `-` and `_`, so they are safe to print.
    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}
