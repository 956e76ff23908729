import Foundation
import ZIPFoundation

/// Why an `.xlsx` source cannot be read at all; rendered by `IngestError.xlsx`.
package enum XLSXProblem: Error, Equatable, Sendable {
    /// The file is an OLE compound file (it starts with `D0 CF 11 E0`): a workbook saved with a
    /// password (Excel encrypts the whole file into one) or an old `.xls` (BIFF) workbook.
    case compoundFile
    /// The file is not a zip archive, or the archive lacks a workbook part (`detail` says which).
    case notWorkbook(detail: String)
    /// `sheet:` names no sheet of the workbook.
    case noSuchSheet(requested: String, available: [String])
    /// The header row is empty or past the sheet's last row.
    case emptyHeaderRow(sheet: String, row: Int)
    /// `sheets: all`: a sheet whose header row differs from the first sheet's (every sheet must
    /// have the same layout).
    case headerMismatch(sheet: String, row: Int, first: String, expected: [String], found: [String])
    /// A part too large to hold (a shared-strings table beyond `XLSXWorkbook.partLimit`), or a
    /// row longer than `XLSXSheetReader.rowLimit`.
    case tooLarge(part: String, bytes: Int)

    var description: String {
        switch self {
        case .compoundFile:
            "the file is not an .xlsx workbook but an OLE compound file (it starts with D0 CF 11 E0): a workbook "
                + "protected by a password, or an old Excel 97-2003 .xls file. Open it in Excel or WPS, remove the "
                + "password if there is one (File → Info → Protect Workbook), and save it as \"Excel Workbook (*.xlsx)\""
        case .notWorkbook(let detail):
            "the file is not a readable .xlsx workbook (\(detail)); open it in Excel or WPS and save it again as "
                + "\"Excel Workbook (*.xlsx)\", or export the sheet as CSV UTF-8"
        case .noSuchSheet(let requested, let available):
            "the workbook has no sheet \(requested); its sheets are: \(available.map { "'\($0)'" }.joined(separator: ", "))"
        case .emptyHeaderRow(let sheet, let row):
            "sheet '\(sheet)' row \(row) (header_row) is empty or past the sheet's last row; set header_row: to the row that holds the column names"
        case .headerMismatch(let sheet, let row, let first, let expected, let found):
            "sheets: all reads every sheet with the same columns, but sheet '\(sheet)' row \(row) (header_row) is "
                + Self.listed(found) + " where sheet '\(first)' has " + Self.listed(expected)
                + "; give that sheet the same header row, or read one sheet per source (sheet: NAME)"
        case .tooLarge(let part, let bytes):
            "\(part) is larger than \(bytes >> 20) MiB; split the workbook or export the sheet as CSV UTF-8"
        }
    }

    /// Header cells as a message lists them: `单位代码 | 月份 | 发文数`, `(empty)` for none.
    static func listed(_ cells: [String]) -> String {
        cells.isEmpty ? "(empty)" : cells.map { $0.isEmpty ? "(blank)" : $0 }.joined(separator: " | ")
    }
}

/// Which sheets of a workbook a source reads: `sheet:` (a name, or a 1-based position among
/// the sheet tabs), or `sheets: all` (every sheet, in tab order, with the same layout).
package enum XLSXSheetChoice: Sendable, Equatable {
    case first
    case named(String)
    case position(Int)
    case all
}

/// The parts of an `.xlsx` workbook (ECMA-376 SpreadsheetML) that reading its cells needs:
/// sheet names and where their XML is, the shared strings, which cell styles are dates, and
/// the date system. Sheets themselves are streamed by `XLSXSheetReader`.
struct XLSXWorkbook {
    struct Sheet {
        var name: String
        var part: String
    }

    /// The largest workbook part read whole (shared strings, styles, workbook): 1 GiB.
    static let partLimit = 1 << 30

    let archive: Archive
    var sheets: [Sheet] = []
    /// The shared strings, as the UTF-8 bytes a cell's text is.
    var sharedStrings: [[UInt8]] = []
    /// Per cell style (`s=` index into `cellXfs`): whether its number format shows a date.
    var dateStyles: [Bool] = []
    /// `workbookPr date1904`: serial 0 is 1904-01-01 (Mac Excel's old default).
    var date1904 = false

    /// Opens `path`; throws `XLSXProblem` for an encrypted, `.xls` or corrupt file.
    init(path: String) throws {
        let magic = Self.magic(path)
        if magic == [0xD0, 0xCF, 0x11, 0xE0] { throw XLSXProblem.compoundFile }
        guard magic == [0x50, 0x4B, 0x03, 0x04] else {
            throw XLSXProblem.notWorkbook(detail: magic.isEmpty ? "it is empty" : "it is not a zip archive")
        }
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw XLSXProblem.notWorkbook(detail: "the zip archive cannot be opened: \(error)")
        }
        let workbookPart = "xl/workbook.xml"
        guard let workbook = try part(workbookPart) else { throw XLSXProblem.notWorkbook(detail: "it has no \(workbookPart)") }
        let relations = try part("xl/_rels/workbook.xml.rels") ?? []
        var targets: [String: String] = [:]
        var sharedStringsPart = "xl/sharedStrings.xml"
        var stylesPart = "xl/styles.xml"
        _ = relations.withUnsafeBufferPointer { bytes in
            XMLTags.forEach(in: bytes) { tag in
                guard tag.isNamed("Relationship"), let id = tag.attribute("Id"), let target = tag.attribute("Target") else { return }
                let resolved = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                targets[id] = resolved
                let type = tag.attribute("Type") ?? ""
                if type.hasSuffix("/sharedStrings") { sharedStringsPart = resolved }
                if type.hasSuffix("/styles") { stylesPart = resolved }
            }
        }
        _ = workbook.withUnsafeBufferPointer { bytes in
            XMLTags.forEach(in: bytes) { tag in
                if tag.isNamed("workbookPr"), let value = tag.attribute("date1904") { date1904 = value == "1" || value == "true" }
                if tag.isNamed("sheet"), let name = tag.attribute("name") {
                    let id = tag.attribute("r:id") ?? tag.attribute("id") ?? ""
                    sheets.append(Sheet(name: name, part: targets[id] ?? "xl/worksheets/sheet\(sheets.count + 1).xml"))
                }
            }
        }
        guard !sheets.isEmpty else { throw XLSXProblem.notWorkbook(detail: "its workbook lists no sheet") }
        if let strings = try part(sharedStringsPart) { sharedStrings = Self.readSharedStrings(strings) }
        if let styles = try part(stylesPart) { dateStyles = Self.readDateStyles(styles) }
    }

    /// The first four bytes of the file (fewer when it is shorter).
    private static func magic(_ path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return Array((try? handle.read(upToCount: 4)) ?? Data())
    }

    /// The whole of a small part, or nil when the archive has none.
    private func part(_ path: String) throws -> [UInt8]? {
        guard let entry = archive[path] else { return nil }
        var bytes: [UInt8] = []
        do {
            _ = try archive.extract(entry, skipCRC32: false) { data in
                guard bytes.count + data.count <= Self.partLimit else { throw XLSXProblem.tooLarge(part: path, bytes: Self.partLimit) }
                bytes.append(contentsOf: data)
            }
        } catch let problem as XLSXProblem {
            throw problem
        } catch {
            throw XLSXProblem.notWorkbook(detail: "\(path) cannot be unpacked: \(error)")
        }
        return bytes
    }

    /// Streams the bytes of sheet part `path` to `body` in chunks.
    func streamPart(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard let entry = archive[path] else { throw XLSXProblem.notWorkbook(detail: "it has no \(path)") }
        var failure: Error?
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 16) { data in
                do {
                    try data.withUnsafeBytes { try body($0.bindMemory(to: UInt8.self)) }
                } catch {
                    failure = error
                    throw error
                }
            }
        } catch {
            if let failure { throw failure }
            throw XLSXProblem.notWorkbook(detail: "\(path) cannot be unpacked: \(error)")
        }
    }

    /// The sheets `choice` selects.
    func select(_ choice: XLSXSheetChoice) throws -> [Sheet] {
        switch choice {
        case .first: return [sheets[0]]
        case .named(let name):
            if let sheet = sheets.first(where: { $0.name == name }) { return [sheet] }
            if let position = Int(name), sheets.indices.contains(position - 1) { return [sheets[position - 1]] }
            throw XLSXProblem.noSuchSheet(requested: "'\(name)'", available: sheets.map(\.name))
        case .position(let position):
            guard sheets.indices.contains(position - 1) else {
                throw XLSXProblem.noSuchSheet(requested: "number \(position) (it has \(sheets.count))", available: sheets.map(\.name))
            }
            return [sheets[position - 1]]
        case .all: return sheets
        }
    }

    /// `<si>` items in order: the text of their `<t>` elements, rich-text runs joined, phonetic
    /// guides (`<rPh>`) left out.
    static func readSharedStrings(_ part: [UInt8]) -> [[UInt8]] {
        var strings: [[UInt8]] = []
        var current: [UInt8] = []
        var inText = false
        var inPhonetic = false
        _ = part.withUnsafeBufferPointer { bytes in
            XMLTags.forEach(in: bytes) { tag in
                if tag.isNamed("si") {
                    if tag.kind == .open { current.removeAll(keepingCapacity: true) }
                    if tag.kind == .close { strings.append([UInt8](current[...])) }  // its own, exact-sized buffer
                    if tag.kind == .empty { strings.append([]) }
                } else if tag.isNamed("rPh") {
                    inPhonetic = tag.kind == .open
                } else if tag.isNamed("t") {
                    inText = tag.kind == .open
                }
                if inText, !inPhonetic, !(tag.isNamed("t") && tag.kind != .open) {
                    XMLTags.appendDecoded(tag.text, to: &current)
                }
            }
        }
        return strings
    }

    /// Per `cellXfs` entry, whether its number format is a date: a built-in date format (ids
    /// 14–17 and 22, and 27–36, 50–58 of the East Asian locales, which Chinese Excel and WPS
    /// use for `yyyy年m月`), or a custom format whose code shows a year, a day or a month (`m`
    /// outside a time: no `h` or `s`), once quoted text, `[…]` sections and escapes are removed.
    static func readDateStyles(_ part: [UInt8]) -> [Bool] {
        var customDates: [Int: Bool] = [:]
        var styles: [Bool] = []
        var inCellXfs = false
        _ = part.withUnsafeBufferPointer { bytes in
            XMLTags.forEach(in: bytes) { tag in
                if tag.isNamed("numFmt"), let id = tag.attribute("numFmtId").flatMap({ Int($0) }), let code = tag.attribute("formatCode") {
                    customDates[id] = isDateFormat(code)
                } else if tag.isNamed("cellXfs") {
                    inCellXfs = tag.kind == .open
                } else if inCellXfs, tag.isNamed("xf"), tag.kind != .close {
                    let id = tag.attribute("numFmtId").flatMap { Int($0) } ?? 0
                    styles.append(customDates[id] ?? builtInDate(id))
                }
            }
        }
        return styles
    }

    static func builtInDate(_ id: Int) -> Bool {
        (14...17).contains(id) || id == 22 || (27...36).contains(id) || (50...58).contains(id)
    }

    static func isDateFormat(_ code: String) -> Bool {
        // The first section (positive numbers) decides.
        var kept = ""
        var inQuote = false, inBracket = false, escaped = false
        for c in code {
            if escaped { escaped = false; continue }
            if inQuote { if c == "\"" { inQuote = false }; continue }
            if inBracket { if c == "]" { inBracket = false }; continue }
            switch c {
            case "\\": escaped = true
            case "\"": inQuote = true
            case "[": inBracket = true
            case ";": return verdict(kept)
            default: kept.append(c)
            }
        }
        return verdict(kept)
    }

    private static func verdict(_ kept: String) -> Bool {
        let lower = kept.lowercased()
        if lower.contains("general") { return false }
        if lower.contains("y") || lower.contains("d") || lower.contains("e") && !lower.contains("0") { return true }
        return lower.contains("m") && !lower.contains("h") && !lower.contains("s")
    }
}
