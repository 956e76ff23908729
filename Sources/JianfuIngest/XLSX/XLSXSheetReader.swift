import JianfuModel

/// Streams one sheet's XML (`<sheetData>` of ECMA-376 SpreadsheetML) and hands out its rows as
/// cell texts: a shared string (`t="s"`) or an inline string (`t="inlineStr"`) as its text, a
/// formula as its cached value (`<v>`, the formula itself is not read), a number as the plain
/// decimal `ValueParser` reads (`XLSXCellText.number`), a number in a date style as its month
/// `YYYY-MM` (`XLSXCellText.month`), a boolean as `TRUE`/`FALSE`, an error as its code (`#N/A`).
///
/// Memory: the bytes are taken in the chunks the zip entry is inflated in, and only whole
/// rows are read (the bytes after the last `</row>` wait for the next chunk), so what is held
/// is one chunk and one row, never the sheet.
struct XLSXSheetReader {
    /// The longest run of bytes without a row end that is held (a row of 64 MiB).
    static let rowLimit = 64 << 20

    struct Cell {
        /// 0-based column.
        var column: Int
        var text: [UInt8]
    }

    /// A cell's `t=` attribute: what its `<v>` holds.
    enum CellType {
        /// `s`: an index into the shared strings.
        case shared
        /// `b`: `1` or `0`.
        case boolean
        /// `n` (or no `t=`): a number, or a date serial in a date style.
        case number
        /// `inlineStr`, `str` (a formula's text), `e` (an error code): the text itself.
        case text

        init(_ attribute: UnsafeBufferPointer<UInt8>?) {
            guard let a = attribute, a.count == 1 else { self = attribute == nil ? .number : .text; return }
            switch a[0] {
            case UInt8(ascii: "s"): self = .shared
            case UInt8(ascii: "b"): self = .boolean
            case UInt8(ascii: "n"): self = .number
            default: self = .text
            }
        }
    }

    let sharedStrings: [[UInt8]]
    let dateStyles: [Bool]
    let date1904: Bool

    private var pending: [UInt8] = []
    private var row = 0
    private var cells: [Cell] = []
    private var column = -1
    private var type = CellType.number
    private var dateStyle = false
    private var value: [UInt8] = []
    private var inValue = false, inInline = false, inText = false, inPhonetic = false, hasValue = false
    /// The last date serial read and its month: a 月份 column repeats one month row after row.
    private var lastSerial: [UInt8] = [], lastMonth: [UInt8] = []

    init(workbook: XLSXWorkbook) {
        sharedStrings = workbook.sharedStrings
        dateStyles = workbook.dateStyles
        date1904 = workbook.date1904
    }

    /// Takes the next chunk of the sheet part; calls `body` with each row completed (its 1-based
    /// number and its non-empty cells).
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, final: Bool, _ body: (Int, [Cell]) throws -> Void) throws {
        pending.append(contentsOf: chunk)
        var end = pending.count
        if !final {
            // Up to the end of the last `</row>` (or `</x:row>`): whole rows only.
            guard let last = Self.lastRowEnd(pending) else {
                if pending.count > Self.rowLimit { throw XLSXProblem.tooLarge(part: "a row of the sheet", bytes: Self.rowLimit) }
                return
            }
            end = last
        }
        var held = pending
        pending = Array(held[end...])
        held.removeSubrange(end...)
        try held.withUnsafeBufferPointer { bytes in
            let consumed = try XMLTags.forEach(in: bytes) { tag in try handle(tag, body) }
            if consumed < bytes.count, !final { pending.insert(contentsOf: bytes[consumed...], at: 0) }
        }
    }

    private static func lastRowEnd(_ bytes: [UInt8]) -> Int? {
        // "row>" preceded by "</" or "</prefix:"
        var i = bytes.count - 4
        while i >= 1 {
            if bytes[i] == UInt8(ascii: "r"), bytes[i + 1] == UInt8(ascii: "o"), bytes[i + 2] == UInt8(ascii: "w"), bytes[i + 3] == UInt8(ascii: ">") {
                var j = i - 1
                if bytes[j] == UInt8(ascii: ":") { while j > 0, bytes[j] != UInt8(ascii: "/"), bytes[j] != UInt8(ascii: "<") { j -= 1 } }
                if bytes[j] == UInt8(ascii: "/"), j > 0, bytes[j - 1] == UInt8(ascii: "<") { return i + 4 }
            }
            i -= 1
        }
        return nil
    }

    private mutating func handle(_ tag: XMLTags.Tag, _ body: (Int, [Cell]) throws -> Void) throws {
        if tag.isNamed("c") {
            if tag.kind != .close {
                column = tag.rawAttribute("r").flatMap(Self.column(ofReference:)) ?? column + 1
                type = CellType(tag.rawAttribute("t"))
                let style = tag.rawAttribute("s").flatMap(Self.integer) ?? 0
                dateStyle = dateStyles.indices.contains(style) && dateStyles[style]
                value.removeAll(keepingCapacity: true)
                hasValue = false
            }
            if tag.kind != .open, hasValue { finishCell() }
        } else if tag.isNamed("v") {
            inValue = tag.kind == .open
            if inValue { hasValue = true; XMLTags.appendDecoded(tag.text, to: &value) }
        } else if tag.isNamed("is") {
            inInline = tag.kind == .open
        } else if tag.isNamed("rPh") {
            inPhonetic = tag.kind == .open
        } else if tag.isNamed("t") {
            inText = tag.kind == .open
            if inText, inInline, !inPhonetic { hasValue = true; XMLTags.appendDecoded(tag.text, to: &value) }
        } else if tag.isNamed("row") {
            if tag.kind != .close {
                row = tag.rawAttribute("r").flatMap(Self.integer) ?? row + 1
                cells.removeAll(keepingCapacity: true)
                column = -1
            }
            if tag.kind != .open { try body(row, cells) }
        }
    }

    private mutating func finishCell() {
        var text: [UInt8]
        switch type {
        case .shared:
            let index = Self.integer(Self.trimmed(value)) ?? -1
            text = sharedStrings.indices.contains(index) ? sharedStrings[index] : []
        case .boolean:
            text = Array((value == [UInt8(ascii: "1")] ? "TRUE" : "FALSE").utf8)
        case .number:
            let raw = Self.trimmed(value)
            if dateStyle {
                if raw.elementsEqual(lastSerial) { text = lastMonth; break }
                if let serial = Double(String(decoding: raw, as: UTF8.self)),
                   let month = XLSXCellText.month(serial: serial, date1904: date1904) {
                    text = Array(month.utf8)
                    lastSerial = Array(raw)
                    lastMonth = text
                    break
                }
            }
            text = XLSXCellText.number(raw)
        case .text:
            text = value
        }
        if !text.isEmpty { cells.append(Cell(column: column, text: text)) }
    }

    /// `bytes` without the spaces around them.
    static func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        return bytes[start..<end]
    }

    /// An unsigned decimal integer of at most 9 digits (a row number, a style or string index).
    static func integer<C: Collection>(_ digits: C) -> Int? where C.Element == UInt8 {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var n = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return nil }
            n = n * 10 + Int(d - UInt8(ascii: "0"))
        }
        return n
    }

    /// The 0-based column of a reference such as `C7` (2) or `AA10` (26).
    static func column(ofReference reference: UnsafeBufferPointer<UInt8>) -> Int? {
        var column = 0
        var letters = 0
        for byte in reference {
            guard (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) else { break }
            column = column * 26 + Int(byte - UInt8(ascii: "A") + 1)
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : column - 1
    }

    /// The letters of 0-based column `column` (0 → A, 26 → AA).
    static func letters(ofColumn column: Int) -> String {
        var n = column + 1
        var out: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            out.insert(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(r))), at: 0)
            n = (n - 1) / 26
        }
        return String(out)
    }
}

/// How a numeric cell is written for the CSV path.
package enum XLSXCellText {
    /// A number cell's `<v>` (`12`, `0.1`, `1.5E-2`, `1e-05`, Excel's 17-digit `0.30000000000000004`)
    /// as the shortest decimal that reads back as the same `Double`, without exponent: `12`,
    /// `0.1`, `0.015`, `0.00001`. Text that is not a number is kept as it is (and rejected
    /// where a value is read).
    package static func number(_ raw: String) -> String {
        guard let value = Double(raw), value.isFinite else { return raw }
        return plain(value)
    }

    /// `number(_:)` of the bytes of a `<v>`, without making strings when `raw` is already what
    /// it gives (`isShortestPlain`): the common case, `12` or `85.3`.
    package static func number<C: Collection>(_ raw: C) -> [UInt8] where C.Element == UInt8 {
        if isShortestPlain(raw) { return Array(raw) }
        return Array(number(String(decoding: Array(raw), as: UTF8.self)).utf8)
    }

    /// Whether `raw` is a plain decimal that `number(_:)` gives back unchanged: digits with at
    /// most one `.` inside, no sign, no leading zero (but `0` or `0.…`), no trailing zero after
    /// the point, and at most 15 significant digits. Such a decimal is the shortest that reads
    /// back as its `Double`: any decimal of at most 15 significant digits survives the trip
    /// through a `Double` (DBL_DIG), so no shorter decimal can read as the same `Double`.
    static func isShortestPlain<C: Collection>(_ raw: C) -> Bool where C.Element == UInt8 {
        let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9"), point = UInt8(ascii: ".")
        var digits = 0, significant = 0, integerDigits = 0
        var seenPoint = false
        var first: UInt8 = 0, last: UInt8 = 0
        for b in raw {
            if b == point {
                guard !seenPoint, digits > 0 else { return false }
                seenPoint = true
            } else {
                guard b >= zero, b <= nine else { return false }
                if digits == 0 { first = b }
                digits += 1
                if !seenPoint { integerDigits += 1 }
                if significant > 0 || b != zero { significant += 1 }
            }
            last = b
        }
        guard digits > 0, last != point, significant <= 15 else { return false }
        if first == zero, integerDigits > 1 { return false }  // a leading zero: 012
        if seenPoint, last == zero { return false }  // a trailing zero: 1.50, 1.0
        return true
    }

    /// `value` as a plain decimal: Swift's shortest round-trip digits with the exponent expanded.
    package static func plain(_ value: Double) -> String {
        var text = "\(value)"
        var negative = false
        if text.hasPrefix("-") { negative = true; text.removeFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var digits = text.replacingOccurrences(of: ".", with: "")
        var point = (text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? text.count) + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        var integer = String(digits.prefix(point))
        var fraction = String(digits.dropFirst(point))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        while integer.count > 1, integer.hasPrefix("0") { integer.removeFirst() }
        let body = fraction.isEmpty ? integer : integer + "." + fraction
        return negative && body != "0" ? "-" + body : body
    }

    /// The month `YYYY-MM` of a date serial: days since 1899-12-30 (1900 system, whose serial 60
    /// is Excel's fictitious 1900-02-29 and serials below it count from 1899-12-31), or since
    /// 1904-01-01 (`date1904`). The time of day is ignored. Nil outside 1900-01-01…9999-12-31.
    package static func month(serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= (date1904 ? 0 : 1), serial < 2_958_466 else { return nil }
        let days = Int(serial.rounded(.down))
        if !date1904, days == 60 { return "1900-02" }
        // Days since 1970-01-01.
        let unixDays = date1904 ? days - 24_107 : (days < 60 ? days - 25_568 : days - 25_569)
        let (year, month, _) = LocalTime.civilDate(daysSinceEpoch: unixDays)
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + (month < 10 ? "0" : "") + String(month)
    }
}
