import JianfuIngest
import JianfuReports

/// One line `jianfu` writes on stderr (SPEC §7): plain text for people and cron mail
/// (`jianfu: warning: …`), or, with `--log-format json`, one JSON object for a log collector:
/// `{"time":…,"level":…,"message":…}` plus the fields that place it (`source`, `file`, `line`,
/// `key`, `unit`, …), so a collector can filter by them without parsing the sentence.
///
/// Text from the data reaches both forms safely: a plain line shows control characters
/// visibly (`ControlCharacters.visible`), a JSON line escapes them, so no value can forge a
/// line or steer a terminal.
package struct LogLine {
    /// `info`, `warning`, `error`, …
    package var level: String
    /// The sentence (the error's description, the log message).
    package var message: String
    /// Lines listed under the message (the candidates of an ambiguous unit): in plain text one
    /// per line, indented; in JSON the array `details`.
    package var details: [String] = []
    /// Where the line is about, in JSON only (the plain message says it in words).
    package var fields: [(String, JSON)] = []

    package init(level: String, message: String, details: [String] = [], fields: [(String, JSON)] = []) {
        self.level = level
        self.message = message
        self.details = details
        self.fields = fields
    }

    /// The line for `error`: its sentence, its listed details, and the fields of its place.
    package init(error: Error) {
        if let lookup = error as? UnitLookupError {
            self.init(level: "error", message: lookup.headline, details: lookup.listed, fields: [("query", .string(lookup.query))])
        } else {
            self.init(level: "error", message: String(describing: error), fields: Self.fields(of: error))
        }
    }

    /// Adds a field of text.
    package mutating func add(_ key: String, _ value: String) { fields.append((key, .string(value))) }

    /// Adds a field holding a whole number (a line number, a count).
    package mutating func add(_ key: String, _ value: Int) { fields.append((key, .int(value))) }

    /// `jianfu: LEVEL: MESSAGE`, then each detail on a line of its own; ends with a line break.
    package var plain: String {
        (["jianfu: \(level): \(ControlCharacters.visible(message))"] + details.map { "  " + ControlCharacters.visible($0) })
            .joined(separator: "\n") + "\n"
    }

    /// One JSON object on one line, `time` (ISO 8601) first; ends with a line break.
    package func json(time: String) -> String {
        var pairs: [(String, JSON)] = [("time", .string(time)), ("level", .string(level)), ("message", .string(message))]
        if !details.isEmpty { pairs.append(("details", .array(details.map(JSON.string)))) }
        for field in fields where !pairs.contains(where: { $0.0 == field.0 }) { pairs.append(field) }
        return JSON.object(pairs).renderCompact() + "\n"
    }

    /// The place an error names, as fields: the source and its file and line for a source that
    /// cannot be read, the pipeline file, line and key for a bad pipeline file.
    static func fields(of error: Error) -> [(String, JSON)] {
        switch error {
        case let error as PipelineError:
            switch error {
            case .unreadable(let file, _): return [("file", .string(file))]
            case .syntax(let file, let line, _): return [("file", .string(file)), ("line", .int(line))]
            case .unknownKey(let file, let line, let key, _, _), .missingKey(let file, let line, let key, _),
                 .invalidValue(let file, let line, let key, _, _):
                return [("file", .string(file)), ("line", .int(line)), ("key", .string(key))]
            case .anchorOrAlias(let file, let line, _):
                return [("file", .string(file)), ("line", .int(line))]
            case .unusedCategory(let file, let line, let category, _, _):
                return [("file", .string(file)), ("line", .int(line)), ("key", .string("categories." + category))]
            }
        case let error as IngestError:
            switch error {
            case .unreadable(let source, let path, _), .empty(let source, let path), .utf16(let source, let path, _),
                 .encodingMismatch(let source, let path, _, _), .jsonShape(let source, let path, _, _), .xlsx(let source, let path, _):
                return [("source", .string(source)), ("file", .string(path))]
            case .missingColumn(let source, let path, _, _, _), .duplicateColumn(let source, let path, _),
                 .noMetricColumns(let source, let path, _), .mixedGranularity(let source, let path, _, _),
                 .wrongDelimiter(let source, let path, _, _), .oversizedHeader(let source, let path, _, _):
                return [("source", .string(source)), ("file", .string(path)), ("line", .int(1))]
            case .recordTooLong(let source, let path, let line, _, _), .badJSON(let source, let path, let line, _, _):
                return [("source", .string(source)), ("file", .string(path)), ("line", .int(line))]
            case .encodingUnavailable:
                return []
            }
        case let error as FetchError:
            switch error {
            case .http(let source, _), .missingSecret(let source, _, _), .unusableSecret(let source, _, _),
                 .notModifiedWithoutCopy(let source, _), .cache(let source, _, _):
                return [("source", .string(source))]
            }
        case RunError.output(let path, _):
            return [("file", .string(path))]
        default:
            return []
        }
    }
}
