import Foundation

/// An `.xlsx` source's sheet rendered as CSV, so that it goes through the same header mapping
/// (`columns:`), long and wide layouts, validation, rejections and duplicates as a CSV file
/// (as `JSONRecordSource` does for JSON). docs/xlsx-sources.md documents the rendering:
///
/// - rows above `headerRow` are skipped (title rows, merged or not); the header row is the
///   first record, and its width is up to its last non-empty cell (empty trailing columns
///   are not columns);
/// - each later sheet row is one CSV line, so that a record's `line` (the CSV scanner starts
///   at `headerRow`, `SourceSpec.firstLine`) is its row number in the sheet; rows missing from
///   the sheet XML or empty become blank lines only when a non-empty row follows (trailing
///   empty rows vanish);
/// - a row is padded with empty cells to the header's width; a non-empty cell right of the
///   header makes the row longer than the header (`malformed_row`);
/// - cell texts as `XLSXSheetReader` gives them; a line break in a cell becomes a space.
///
/// Memory: the shared strings table and the styles are held; the sheet is streamed.
public struct XLSXRecordSource: ByteSource {
    /// The workbook file (a local path, or an HTTP source's fetched copy).
    public let file: String
    public let sheet: XLSXSheetChoice
    public let headerRow: Int
    public let sourceName: String
    /// Where the source is, for errors (its path or URL).
    public let location: String

    /// What the last read found: the sheet read and its header cells, to name a rejected cell
    /// (`cellReference(line:field:)`). Written once by `forEachChunk`, read after it.
    public final class Found: @unchecked Sendable {
        public var sheet: String?
        public var header: [String] = []
    }
    public let found = Found()

    /// The sheet reference of the cell in column `field` (a header as in the sheet) of sheet row
    /// `line`: `乡镇!C7`, or the whole row `乡镇!7:7` when `field` is empty or not a header.
    public func cellReference(line: Int, field: String) -> String? {
        guard let sheet = found.sheet else { return nil }
        let name = Self.quotedSheet(sheet)
        if !field.isEmpty, let column = found.header.firstIndex(of: field)
            ?? found.header.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == field }) {
            return "\(name)!\(XLSXSheetReader.letters(ofColumn: column))\(line)"
        }
        return "\(name)!\(line):\(line)"
    }

    /// A sheet name as a formula writes it: quoted when it holds a space or punctuation.
    static func quotedSheet(_ name: String) -> String {
        let plain = name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
        return plain ? name : "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The delimiter of the CSV it renders.
    public static let delimiter = UInt8(ascii: ",")

    public init(file: String, sheet: XLSXSheetChoice, headerRow: Int, sourceName: String, location: String) {
        self.file = file
        self.sheet = sheet
        self.headerRow = headerRow
        self.sourceName = sourceName
        self.location = location
    }

    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        do {
            try render(body)
        } catch let problem as XLSXProblem {
            throw IngestError.xlsx(source: sourceName, path: location, problem: problem)
        }
    }

    private func render(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let workbook = try XLSXWorkbook(path: file)
        let selected = try workbook.select(sheet)[0]
        found.sheet = selected.name
        var reader = XLSXSheetReader(workbook: workbook)
        var out: [UInt8] = []
        out.reserveCapacity(RecordReader.chunkSize + (1 << 16))
        var width = -1  // the header's width, once read
        var lastLine = headerRow  // the sheet row of the last line written
        var fields: [[UInt8]] = []
        func emit(row: Int, cells: [XLSXSheetReader.Cell]) throws {
            if row < headerRow { return }
            let rightmost = cells.map(\.column).max() ?? -1
            if row == headerRow {
                width = rightmost + 1
                found.header = (0..<max(width, 0)).map { k in
                    cells.first(where: { $0.column == k }).map { String(decoding: $0.text, as: UTF8.self) } ?? ""
                }
                guard width > 0 else { return }
            } else {
                guard width > 0, !cells.isEmpty else { return }
                for _ in (lastLine + 1)..<row { out.append(0x0A) }
            }
            lastLine = row
            let count = max(width, rightmost + 1)
            if fields.count < count { fields += Array(repeating: [], count: count - fields.count) }
            for k in 0..<count { fields[k].removeAll(keepingCapacity: true) }
            for cell in cells where cell.column >= 0 && cell.column < count { fields[cell.column] = cell.text }
            JSONRecordSource.appendRow(Array(fields[0..<count]), to: &out)
            if out.count >= RecordReader.chunkSize {
                try out.withUnsafeBytes(body)
                out.removeAll(keepingCapacity: true)
            }
        }
        try workbook.streamPart(selected.part) { chunk in
            try reader.feed(chunk, final: false, emit)
        }
        try reader.feed(UnsafeBufferPointer(start: nil, count: 0), final: true, emit)
        guard width > 0 else { throw XLSXProblem.emptyHeaderRow(sheet: selected.name, row: headerRow) }
        if !out.isEmpty { try out.withUnsafeBytes(body) }
    }
}
