import JianfuModel
/// A problem that stops a source from being read at all. Problems with single rows are not
/// errors: they become `Rejection`s (SPEC §5).
public enum IngestError: Error, Equatable, Sendable {
    /// The file cannot be opened or read.
    case unreadable(source: String, path: String, reason: String)
    /// The file has no header line.
    case empty(source: String, path: String)
    /// A required column is absent from the header (line 1).
    case missingColumn(source: String, path: String, field: String, header: String, found: [String])
    /// Two columns of the header carry the same name a field is read from.
    case duplicateColumn(source: String, path: String, header: String)
    /// A wide source none of whose columns is a declared metric.
    case noMetricColumns(source: String, path: String, expected: [String])
    /// A wide source whose metric columns differ in granularity (SPEC §1).
    case mixedGranularity(source: String, path: String, first: String, other: String)
    /// The encoding cannot be set up (iconv missing GB18030).
    case encodingUnavailable(String)
    /// A JSON source whose text is not JSON (RFC 8259); `line` and `column` (bytes) are where
    /// the first error is. Nothing of the source is kept.
    case badJSON(source: String, path: String, line: Int, column: Int, reason: String)
    /// A JSON source with no array of records where `json_path` points (empty: the top level).
    case jsonShape(source: String, path: String, jsonPath: String, reason: String)
}

extension IngestError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unreadable(let source, let path, let reason):
            "source \(source): cannot read \(path): \(reason)"
        case .empty(let source, let path):
            "source \(source): \(path): the file is empty (a header line is expected)"
        case .missingColumn(let source, let path, let field, let header, let found):
            "source \(source): \(path):1: field '\(field)' expects a column '\(header)', header has: \(found.joined(separator: ", "))"
        case .duplicateColumn(let source, let path, let header):
            "source \(source): \(path):1: column '\(header)' appears more than once in the header"
        case .noMetricColumns(let source, let path, let expected):
            "source \(source): \(path):1: no metric column found; expected one of: \(expected.joined(separator: ", "))"
        case .mixedGranularity(let source, let path, let first, let other):
            "source \(source): \(path):1: metrics \(first) and \(other) have different granularities; the metrics of one wide source must share one"
        case .encodingUnavailable(let name):
            "the system's iconv cannot decode \(name)"
        case .badJSON(let source, let path, let line, let column, let reason):
            "source \(source): \(path):\(line):\(column): not valid JSON: \(reason)"
        case .jsonShape(let source, let path, let jsonPath, let reason):
            "source \(source): \(path): no records where json_path \(jsonPath.isEmpty ? "(not set)" : "'\(jsonPath)'") points: \(reason)"
        }
    }
}
