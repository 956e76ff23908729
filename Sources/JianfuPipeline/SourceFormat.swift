import JianfuIngest

/// How a source's text is laid out (SPEC §1 "Formats"): `format: csv`, `format: json` or
/// `format: xlsx`.
enum SourceFormat: String, Sendable {
    case csv, json, xlsx

    /// The format a `Content-Type` names: JSON for `application/json`, `text/json` and any
    /// `…+json` type, xlsx for the SpreadsheetML media type, CSV for the rest (`text/csv`,
    /// `text/plain`, none at all).
    static func of(contentType: String?) -> SourceFormat {
        guard let contentType else { return .csv }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if mediaType == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" { return .xlsx }
        return mediaType == "application/json" || mediaType == "text/json" || mediaType.hasSuffix("+json") ? .json : .csv
    }

    /// The format a file's extension names: `.json` JSON, `.xlsx`/`.xlsm` (and `.xls`, which the
    /// xlsx reader refuses with what to do) xlsx, anything else CSV.
    static func of(path: String) -> SourceFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm") || lower.hasSuffix(".xls") { return .xlsx }
        return .csv
    }

    /// How an xlsx source is read: `sheet:` and `header_row:`.
    struct Sheet: Sendable {
        var choice: XLSXSheetChoice = .first
        var headerRow = 1
    }

    /// Points `spec` at the local file `file` read in this format: as it stands for CSV,
    /// rendered as CSV records for JSON and xlsx (which are UTF-8 and comma-separated once
    /// rendered; an xlsx record's line is its sheet row).
    func read(_ file: String, into spec: inout SourceSpec, jsonPath: [String], sheet: Sheet = Sheet()) {
        let document = FileByteSource(path: file, sourceName: spec.name)
        switch self {
        case .csv:
            spec.bytes = document
        case .json:
            spec.bytes = JSONRecordSource(document: document, recordsPath: jsonPath, sourceName: spec.name, location: spec.path)
            spec.encoding = .utf8
            spec.delimiter = JSONRecordSource.delimiter
        case .xlsx:
            spec.bytes = XLSXRecordSource(
                file: file, sheet: sheet.choice, headerRow: sheet.headerRow, sourceName: spec.name, location: spec.path)
            spec.encoding = .utf8
            spec.delimiter = XLSXRecordSource.delimiter
            spec.firstLine = sheet.headerRow
        }
    }
}
