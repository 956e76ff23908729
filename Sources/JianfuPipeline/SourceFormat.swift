import JianfuIngest

/// How a source's text is laid out (SPEC §1 "Formats"): `format: csv` or `format: json`.
enum SourceFormat: String, Sendable {
    case csv, json

    /// The format a `Content-Type` names: JSON for `application/json`, `text/json` and any
    /// `…+json` type, CSV for the rest (`text/csv`, `text/plain`, none at all).
    static func of(contentType: String?) -> SourceFormat {
        guard let contentType else { return .csv }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType == "application/json" || mediaType == "text/json" || mediaType.hasSuffix("+json") ? .json : .csv
    }

    /// Points `spec` at the local file `file` read in this format: as it stands for CSV,
    /// rendered as CSV records for JSON (which is UTF-8 and comma-separated once rendered).
    func read(_ file: String, into spec: inout SourceSpec, jsonPath: [String]) {
        let document = FileByteSource(path: file, sourceName: spec.name)
        switch self {
        case .csv:
            spec.bytes = document
        case .json:
            spec.bytes = JSONRecordSource(document: document, recordsPath: jsonPath, sourceName: spec.name, location: spec.path)
            spec.encoding = .utf8
            spec.delimiter = JSONRecordSource.delimiter
        }
    }
}
