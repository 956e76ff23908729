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
package struct XLSXRecordSource: ByteSource {
    /// The workbook file (a local path, or an HTTP source's fetched copy).
    package let file: String
    package let sheet: XLSXSheetChoice
    package let headerRow: Int
    package let sourceName: String
    /// Where the source is, for errors (its path or URL).
    package let location: String

    /// What the last read found: the sheets read, where their rows are in the rendered CSV, and
    /// the header cells, to name a rejected cell (`cellReference(line:field:)`). Written by
    /// `forEachChunk` as it reads, read during and after it (the same thread: a rendered source
    /// is read in one pass).
    package final class Found: @unchecked Sendable {
        /// The sheet whose header row sets the layout (the first sheet read).
        package var sheet: String?
        package var header: [String] = []
        /// Per sheet read, in order: from which rendered line its rows are, and how a rendered
        /// line maps to its sheet row (`row = line - offset`).
        package var segments: [(firstLine: Int, sheet: String, offset: Int)] = []
    }
    package let found = Found()

    /// The sheet and sheet row of rendered line `line` (with one sheet, the line is the row).
    package func place(ofLine line: Int) -> (sheet: String, row: Int)? {
        guard let segment = found.segments.last(where: { $0.firstLine <= line }) ?? found.segments.first else { return nil }
        return (segment.sheet, line - segment.offset)
    }

    /// The sheet reference of the cell in column `field` (a header as in the sheet) of rendered
    /// line `line`: `乡镇!C7`, or the whole row `乡镇!7:7` when `field` is empty or not a header.
    package func cellReference(line: Int, field: String) -> String? {
        guard let (sheet, row) = place(ofLine: line) else { return nil }
        let name = Self.quotedSheet(sheet)
        if !field.isEmpty, let column = found.header.firstIndex(of: field)
            ?? found.header.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == field }) {
            return "\(name)!\(XLSXSheetReader.letters(ofColumn: column))\(row)"
        }
        return "\(name)!\(row):\(row)"
    }

    /// A line as messages name an earlier row (a duplicate's first): `line 891` when one sheet
    /// is read (its line is its row), the row reference `乡镇!891:891` with `sheets: all`.
    package func placeName(ofLine line: Int) -> String? {
        guard sheet == .all, let (sheet, row) = place(ofLine: line) else { return nil }
        return "\(Self.quotedSheet(sheet))!\(row):\(row)"
    }

    /// A sheet name as a formula writes it: quoted when it holds a space or punctuation.
    static func quotedSheet(_ name: String) -> String {
        let plain = name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
        return plain ? name : "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The delimiter of the CSV it renders.
    package static let delimiter = UInt8(ascii: ",")

    package init(file: String, sheet: XLSXSheetChoice, headerRow: Int, sourceName: String, location: String) {
        self.file = file
        self.sheet = sheet
        self.headerRow = headerRow
        self.sourceName = sourceName
        self.location = location
    }

    package func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        do {
            try render(body)
        } catch let problem as XLSXProblem {
            throw IngestError.xlsx(source: sourceName, path: location, problem: problem)
        }
    }

    /// Renders the selected sheets. The first sheet with any cell sets the layout: its header
    /// row is the first record. With `sheets: all` each later sheet's header row must hold the
    /// same names (`XLSXProblem.headerMismatch` otherwise) and is not rendered; its data rows
    /// follow the rows before, from the next rendered line; a sheet without a single cell is
    /// skipped (it holds no row to lose).
    private func render(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let workbook = try XLSXWorkbook(path: file)
        let selected = try workbook.select(sheet)
        // Locals, so that the functions below, called per row, do not copy `self`.
        let headerRow = self.headerRow, found = self.found, readsAll = sheet == .all
        var out: [UInt8] = []
        out.reserveCapacity(RecordReader.chunkSize + (1 << 16))
        var width = -1  // the header's width, once read
        var lastLine = headerRow  // the rendered line of the last line written
        var fields: [[UInt8]] = []
        func texts(_ cells: [XLSXSheetReader.Cell]) -> [String] {
            let count = (cells.map(\.column).max() ?? -1) + 1
            return (0..<count).map { k in
                cells.first(where: { $0.column == k }).map { String(decoding: $0.text, as: UTF8.self) } ?? ""
            }
        }
        func write(_ cells: [XLSXSheetReader.Cell]) throws {
            let count = max(width, (cells.map(\.column).max() ?? -1) + 1)
            if fields.count < count { fields += Array(repeating: [], count: count - fields.count) }
            for k in 0..<count { fields[k].removeAll(keepingCapacity: true) }
            for cell in cells where cell.column >= 0 && cell.column < count { fields[cell.column] = cell.text }
            JSONRecordSource.appendRow(fields[0..<count], to: &out)
            if out.count >= RecordReader.chunkSize {
                try out.withUnsafeBytes(body)
                out.removeAll(keepingCapacity: true)
            }
        }
        for current in selected {
            var reader = XLSXSheetReader(workbook: workbook)
            var anyCell = false
            var headerRead = false  // this sheet's header row is behind
            let layoutSet = width > 0
            let offset = layoutSet ? lastLine - headerRow : 0
            func header(_ cells: [XLSXSheetReader.Cell]) throws {
                headerRead = true
                let names = texts(cells)
                if !layoutSet {
                    width = names.count
                    found.sheet = current.name
                    found.header = names
                    found.segments.append((headerRow, current.name, 0))
                    guard width > 0 else { return }
                    lastLine = headerRow
                    try write(cells)
                } else {
                    let trim = { (names: [String]) in names.map { $0.trimmingCharacters(in: .whitespaces) } }
                    guard trim(names) == trim(found.header) else {
                        throw XLSXProblem.headerMismatch(
                            sheet: current.name, row: headerRow, first: found.sheet ?? "", expected: found.header, found: names)
                    }
                    found.segments.append((lastLine + 1, current.name, offset))
                }
            }
            func emit(row: Int, cells: [XLSXSheetReader.Cell]) throws {
                if !cells.isEmpty { anyCell = true }
                if row < headerRow { return }
                if !headerRead { try header(row == headerRow ? cells : []) }
                guard row > headerRow, width > 0, !cells.isEmpty else { return }
                let line = row + offset
                for _ in (lastLine + 1)..<line { out.append(0x0A) }
                lastLine = line
                try write(cells)
            }
            try workbook.streamPart(current.part) { chunk in
                try reader.feed(chunk, final: false, emit)
            }
            try reader.feed(UnsafeBufferPointer(start: nil, count: 0), final: true, emit)
            if readsAll, !anyCell { continue }  // an empty tab: nothing to read, nothing lost
            if !headerRead { try header([]) }
            guard width > 0 else { throw XLSXProblem.emptyHeaderRow(sheet: current.name, row: headerRow) }
        }
        guard width > 0 else { throw XLSXProblem.emptyHeaderRow(sheet: selected[0].name, row: headerRow) }
        if !out.isEmpty { try out.withUnsafeBytes(body) }
    }
}
