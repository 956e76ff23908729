import JianfuModel
/// A problem that stops a source from being read at all. Problems with single rows are not
/// errors: they become `Rejection`s (SPEC §5).
package enum IngestError: Error, Equatable, Sendable {
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
    /// The file starts with a UTF-16 byte order mark (Excel's "Unicode text"): not an encoding
    /// jianfu reads (SPEC §1: UTF-8 or GB18030), and read as one every row would be garbage.
    case utf16(source: String, path: String, bigEndian: Bool)
    /// The pipeline declares one encoding and the start of the file is plainly the other
    /// (`evidence` says how it shows): read as declared, it would be garbage.
    case encodingMismatch(source: String, path: String, declared: SourceEncoding, evidence: String)
    /// The header (line 1) is one column holding another delimiter than the source's: a
    /// full-width comma `，` (a sheet typed with a Chinese input method), or `;` or a tab where
    /// `,` is declared. jianfu does not guess which was meant.
    case wrongDelimiter(source: String, path: String, found: String, declared: UInt8)
    /// A record still not ended after `bytes` (64 MiB): in practice a stray `"` on `line` that
    /// opens a quoted field no quote closes, which would make one field of the rest of the file.
    /// Refused rather than held in memory or read as one giant rejected row.
    case recordTooLong(source: String, path: String, line: Int, bytes: Int, insideQuotes: Bool)
    /// Line 1 has more than `fields` fields, or more than `bytes` bytes: no header of an export
    /// is that wide, and every row would be rejected against it.
    case oversizedHeader(source: String, path: String, fields: Int?, bytes: Int?)
    /// A JSON source whose text is not JSON (RFC 8259); `line` and `column` (bytes) are where
    /// the first error is. Nothing of the source is kept.
    case badJSON(source: String, path: String, line: Int, column: Int, reason: String)
    /// A JSON source with no array of records where `json_path` points (empty: the top level).
    case jsonShape(source: String, path: String, jsonPath: String, reason: String)
    /// An `.xlsx` source that cannot be read: encrypted, `.xls`, corrupt, no such sheet, an
    /// empty header row (`problem` says which and what to do).
    case xlsx(source: String, path: String, problem: XLSXProblem)
}

extension IngestError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .unreadable(let source, let path, let reason):
            "source \(source): cannot read \(path): \(reason)"
        case .empty(let source, let path):
            "source \(source): \(path): the file is empty (a header line is expected)"
        case .missingColumn(let source, let path, let field, let header, let found):
            "source \(source): \(path):1: field '\(field)' expects a column '\(header)', header has: \(found.joined(separator: ", "))"
                + Self.hint(header: found)
        case .duplicateColumn(let source, let path, let header):
            "source \(source): \(path):1: column '\(header)' appears more than once in the header"
        case .noMetricColumns(let source, let path, let expected):
            "source \(source): \(path):1: no metric column found; expected one of: \(expected.joined(separator: ", "))"
        case .mixedGranularity(let source, let path, let first, let other):
            "source \(source): \(path):1: metrics \(first) and \(other) have different granularities; the metrics of one wide source must share one"
        case .encodingUnavailable(let name):
            "the system's iconv cannot decode \(name)"
        case .utf16(let source, let path, let bigEndian):
            "source \(source): \(path): the file is UTF-16 (it starts with the byte order mark \(bigEndian ? "FE FF" : "FF FE")), "
                + "which jianfu does not read; save it as \"CSV UTF-8\" (or as GB18030 CSV), or convert it: "
                + "iconv -f UTF-16 -t UTF-8 FILE"
        case .encodingMismatch(let source, let path, let declared, let evidence):
            "source \(source): \(path): encoding: \(declared.rawValue) is declared, but \(evidence); "
                + "set encoding: \(declared == .utf8 ? "gb18030" : "utf-8") on the source, or auto to detect it"
        case .wrongDelimiter(let source, let path, let found, let declared):
            "source \(source): \(path):1: the header is one column holding \(RejectionMessages.englishName(delimiter: found)), "
                + Self.advice(found: found, declared: declared)
        case .recordTooLong(let source, let path, let line, let bytes, let insideQuotes):
            insideQuotes
                ? "source \(source): \(path):\(line): a quoted field opens on this line and no quote closes it within "
                    + "\(bytes >> 20) MiB: a stray '\"'? Fix or remove it (a field's own quotes are written \"\"); nothing of the source is kept"
                : "source \(source): \(path):\(line): the record starting on this line runs on for more than \(bytes >> 20) MiB "
                    + "without a line break; nothing of the source is kept"
        case .oversizedHeader(let source, let path, let fields, let bytes):
            "source \(source): \(path):1: the header "
                + (fields.map { "has more than \($0) fields" } ?? "is longer than \((bytes ?? 0) >> 20) MiB")
                + "; is line 1 the header of this export?"
        case .badJSON(let source, let path, let line, let column, let reason):
            "source \(source): \(path):\(line):\(column): not valid JSON: \(reason)"
        case .jsonShape(let source, let path, let jsonPath, let reason):
            "source \(source): \(path): no records where json_path \(jsonPath.isEmpty ? "(not set)" : "'\(jsonPath)'") points: \(reason)"
        case .xlsx(let source, let path, let problem):
            "source \(source): \(path): \(problem.description)"
        }
    }

    /// What to do about a header split by `found` where `declared` is the source's delimiter.
    private static func advice(found: String, declared: UInt8) -> String {
        let declaredName = declared == 0x09 ? "tab" : "'\(Character(UnicodeScalar(declared)))'"
        if found.unicodeScalars.allSatisfy(\.isASCII) {
            return "but the source's delimiter is \(declaredName); set delimiter: \(found == "\t" ? "tab" : "\"\(found)\"") on the source"
        }
        return "which are not a CSV delimiter (the source's is \(declaredName)); jianfu does not guess: replace them with "
            + "\(declaredName) or export the sheet as CSV again"
    }

    /// What a header that lacks a column may say about why: a blank first line, or bytes that
    /// are not text in the encoding it was read with.
    static func hint(header names: [String]) -> String {
        if names.allSatisfy(\.isEmpty) {
            return "; line 1 is blank, and the header must be the first line"
        }
        if names.contains(where: { $0.contains("\u{FFFD}") }) {
            return "; the header holds bytes that are not text in the source's encoding (shown as \u{FFFD}): "
                + "is encoding: right for this file, or is it UTF-16 without a byte order mark?"
        }
        return ""
    }
}
