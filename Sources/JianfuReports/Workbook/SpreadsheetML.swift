/// The parts of a SpreadsheetML package (ECMA-376 Part 1, the `.xlsx` format) for a list of
/// `SpreadsheetML.Sheet`s (docs/xlsx-output.md):
///
/// - each sheet is one table: row 1 (hidden) holds the column ids — the CSV header names, for a
///   reader that matches columns by id —, row 2 the Chinese headers (bold, shaded), the data
///   from row 3; rows 1–2 are frozen, repeated on every printed page, and the table has an
///   autofilter (with the hidden `_xlnm._FilterDatabase` name Excel writes for it);
/// - rows after the table (a note, the run's totals) follow one empty row and are outside the
///   filter;
/// - numbers are numbers (`<v>`), with the number formats of `Style`; text is an inline string
///   (`t="inlineStr"`), so a value that starts with `=` is text, never a formula — no cell has
///   an `<f>`; text is escaped by `XMLText.escape`;
/// - column widths fit the longest value (East Asian wide characters counted as two).
///
/// A sheet with a `form` is a fill-in form instead (the 填报模板, docs/templates.md): title rows
/// above the header, no ids row and no autofilter; the sheet is protected, with the entry
/// cells unlocked and checked by data validation.
///
/// Every part is built as text here; nothing is copied from a template.
enum SpreadsheetML {
    /// The cell formats, in `cellXfs` order (the raw value is the `s` attribute).
    enum Style: Int {
        case text = 0
        case header = 1
        /// A rate: `0.0%`.
        case percent = 2
        /// A level: `0.00`.
        case level = 3
        /// A count: `0`.
        case integer = 4
        /// A note under a table: italic.
        case note = 5
        /// 是 / 否: centred.
        case flag = 6
        /// A form's entry cell: unlocked, so it can be filled in on a protected sheet.
        case entry = 7
        /// A form's title: bold.
        case title = 8
    }

    enum Cell {
        case empty
        /// Text, in the `text`, `note` or `flag` style.
        case text(String, Style = .text)
        case number(Double, Style)
        /// An empty cell that carries a style (a form's entry cell waiting to be filled in).
        case blank(Style)

        /// A number or an empty cell.
        static func number(_ value: Double?, _ style: Style) -> Cell {
            guard let value, value.isFinite else { return .empty }
            return .number(value, style)
        }

        static func integer(_ value: Int?) -> Cell { value.map { .number(Double($0), .integer) } ?? .empty }

        /// 是 / 否; empty for `nil`.
        static func flag(_ value: Bool?) -> Cell { value.map { .text($0 ? "是" : "否", .flag) } ?? .empty }

        /// A note under a table (italics; its width is not counted in its column's).
        static func note(_ text: String) -> Cell { .text(text, .note) }
    }

    struct Column {
        /// The machine name (the CSV header), in the hidden first row.
        let id: String
        /// The Chinese header.
        let header: String
    }

    struct Sheet {
        let name: String
        let columns: [Column]
        var rows: [[Cell]] = []
        /// Rows after the table, one empty row below it: notes and totals, outside the filter.
        var after: [[Cell]] = []
        /// Set for a fill-in form rather than a results table.
        var form: Form?

        /// The rows above the data: the ids row and the header, or a form's title rows and its
        /// header.
        var headerRows: Int { form.map { $0.above.count + 1 } ?? SpreadsheetML.headerRows }
    }

    /// How a form's entry cell is checked (ECMA-376 `dataValidation`).
    enum Check {
        /// A whole number ≥ `minimum`.
        case whole(minimum: Int)
        /// A decimal number from `minimum` to `maximum`.
        case decimal(minimum: Double, maximum: Double)
    }

    /// What makes a sheet a fill-in form.
    struct Form {
        /// Rows above the header (a title, then empty rows): the header is on row
        /// `above.count + 1`, where the source's `header_row` looks for it.
        var above: [[Cell]]
        /// Per column: the check of its entry cells and the prompt shown on them; `nil` for a
        /// pre-filled, locked column.
        var checks: [(check: Check, prompt: String)?]
    }

    typealias Part = OfficePackage.Part

    /// Rows above the data: the ids (hidden) and the headers.
    static let headerRows = 2
    /// The widest a column is made, in characters.
    static let maxWidth = 60
    /// Excel's longest cell text, in UTF-16 code units; longer text is cut with `…`.
    static let maxCellText = 32_767

    /// Every part of the package, in the order they are zipped (`[Content_Types].xml` first).
    static func parts(_ sheets: [Sheet], title: String, author: String, created: String) -> [Part] {
        [
            Part(path: "[Content_Types].xml", xml: contentTypes(sheets.count)),
            Part(path: "_rels/.rels", xml: OfficePackage.relationships(main: "xl/workbook.xml")),
            Part(path: "docProps/core.xml", xml: OfficePackage.coreProperties(title: title, author: author, created: created)),
            Part(path: "docProps/app.xml", xml: OfficePackage.appProperties),
            Part(path: "xl/workbook.xml", xml: workbook(sheets)),
            Part(path: "xl/_rels/workbook.xml.rels", xml: workbookRelationships(sheets.count)),
            Part(path: "xl/styles.xml", xml: styles),
        ] + sheets.enumerated().map { Part(path: "xl/worksheets/sheet\($0.offset + 1).xml", xml: worksheet($0.element, selected: $0.offset == 0)) }
    }

    static let declaration = OfficePackage.declaration
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static func contentTypes(_ sheets: Int) -> String {
        declaration + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
            """
            + (0..<sheets).map {
                "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            }.joined()
            + """
            <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
            <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
            </Types>
            """
    }



    static func workbookRelationships(_ sheets: Int) -> String {
        declaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + (0..<sheets).map {
                "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
            }.joined()
            + "<Relationship Id=\"rId\(sheets + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
            + "</Relationships>"
    }

    /// The sheet name as a formula writes it: quoted, with `'` doubled.
    static func quotedName(_ name: String) -> String { "'" + name.replacingOccurrences(of: "'", with: "''") + "'" }

    static func workbook(_ sheets: [Sheet]) -> String {
        var names = ""
        for (i, sheet) in sheets.enumerated() {
            let sheetName = XMLText.escape(quotedName(sheet.name))
            if sheet.form == nil {
                names += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(i)\" hidden=\"1\">"
                    + sheetName + "!" + absolute(filterRange(sheet)) + "</definedName>"
            }
            names += "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"\(i)\">" + sheetName + "!$1:$\(sheet.headerRows)</definedName>"
        }
        return declaration + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(r)\">"
            + "<bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
            + sheets.enumerated().map { "<sheet name=\"\(XMLText.escape($0.element.name))\" sheetId=\"\($0.offset + 1)\" r:id=\"rId\($0.offset + 1)\"/>" }.joined()
            + "</sheets><definedNames>" + names + "</definedNames></workbook>"
    }

    /// Fonts: 0 the body, 1 bold (headers), 2 italic (notes). Fills 0 and 1 are the two every
    /// workbook has; 2 is the headers' shade, 3 the light yellow of a form's entry cells. Number formats: 164 `0.0%` (custom); built-in
    /// 1 `0` and 2 `0.00`.
    static let styles = declaration + """
        <styleSheet xmlns="\(main)">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>\
        <fonts count="3">\
        <font><sz val="11"/><name val="宋体"/><charset val="134"/><family val="3"/></font>\
        <font><b/><sz val="11"/><name val="宋体"/><charset val="134"/><family val="3"/></font>\
        <font><i/><sz val="11"/><name val="宋体"/><charset val="134"/><family val="3"/></font>\
        </fonts>\
        <fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
        <fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>\
        <fill><patternFill patternType="solid"><fgColor rgb="FFFFF9E0"/><bgColor indexed="64"/></patternFill></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="9">\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">\
        <alignment horizontal="center" vertical="center"/></xf>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="center"/></xf>\
        <xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1" applyProtection="1"><protection locked="0"/></xf>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        </cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    /// `A`, …, `Z`, `AA`, … for a 0-based column.
    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let d = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + d))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// The table's range: the header row through the last data row.
    static func filterRange(_ sheet: Sheet) -> String {
        let last = columnName(max(sheet.columns.count, 1) - 1)
        return "A\(sheet.headerRows):\(last)\(sheet.headerRows + sheet.rows.count)"
    }

    static func absolute(_ range: String) -> String {
        range.split(separator: ":").map { ref in
            let letters = ref.prefix { $0.isLetter }
            return "$" + letters + "$" + ref.dropFirst(letters.count)
        }.joined(separator: ":")
    }

    /// Display width in character cells: East Asian wide and fullwidth characters count two.
    static func displayWidth(_ s: String) -> Int {
        var width = 0
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                width += 2
            default:
                width += 1
            }
            if width > maxWidth { return width }
        }
        return width
    }

    /// How wide a cell shows, in character cells.
    static func width(_ cell: Cell) -> Int {
        switch cell {
        case .empty, .blank: 0
        case .text(_, .note), .text(_, .title): 0
        case .text(let s, _): displayWidth(s)
        case .number(let v, let style):
            switch style {
            case .percent: digits(v * 100) + 3
            case .level: digits(v) + 3
            default: digits(v)
            }
        }
    }

    private static func digits(_ v: Double) -> Int {
        let whole = abs(v) < 1e15 ? String(Int(v.rounded(.towardZero))) : "1e+15"
        return whole.count + (v < 0 && !whole.hasPrefix("-") ? 1 : 0)
    }

    static func worksheet(_ sheet: Sheet, selected: Bool) -> String {
        let headerRows = sheet.headerRows
        var widths = sheet.columns.map { max(displayWidth($0.header), 4) }
        for row in [sheet.rows, sheet.after].joined() {
            for (c, cell) in row.enumerated() where c < widths.count {
                widths[c] = max(widths[c], width(cell))
            }
        }
        var xml = declaration + "<worksheet xmlns=\"\(main)\" xmlns:r=\"\(r)\">"
        xml += "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"
        xml += "<sheetViews><sheetView workbookViewId=\"0\"" + (selected ? " tabSelected=\"1\"" : "") + ">"
        let top = "A\(headerRows + 1)"
        xml += "<pane ySplit=\"\(headerRows)\" topLeftCell=\"\(top)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
        xml += "<selection pane=\"bottomLeft\" activeCell=\"\(top)\" sqref=\"\(top)\"/></sheetView></sheetViews>"
        xml += "<sheetFormatPr defaultRowHeight=\"15\"/><cols>"
        for (c, w) in widths.enumerated() {
            xml += "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(min(w, maxWidth) + 2)\" customWidth=\"1\"/>"
        }
        xml += "</cols><sheetData>"
        var rowNumber = 1
        func row(_ cells: [Cell], _ attributes: String = "") {
            xml += "<row r=\"\(rowNumber)\"\(attributes)>"
            for (c, cell) in cells.enumerated() {
                let ref = columnName(c) + String(rowNumber)
                switch cell {
                case .empty: continue
                case .blank(let style):
                    xml += "<c r=\"\(ref)\" s=\"\(style.rawValue)\"/>"
                case .text(let s, let style):
                    xml += "<c r=\"\(ref)\"" + (style == .text ? "" : " s=\"\(style.rawValue)\"") + " t=\"inlineStr\"><is><t xml:space=\"preserve\">"
                        + XMLText.escape(cut(s)) + "</t></is></c>"
                case .number(let v, let style):
                    xml += "<c r=\"\(ref)\" s=\"\(style.rawValue)\"><v>" + number(v) + "</v></c>"
                }
            }
            xml += "</row>"
            rowNumber += 1
        }
        if let form = sheet.form {
            for cells in form.above { cells.isEmpty ? (rowNumber += 1) : row(cells) }
        } else {
            row(sheet.columns.map { .text($0.id) }, " hidden=\"1\"")
        }
        xml += "<row r=\"\(rowNumber)\">" + sheet.columns.enumerated().map { c, column in
            "<c r=\"\(columnName(c))\(rowNumber)\" s=\"\(Style.header.rawValue)\" t=\"inlineStr\"><is><t>\(XMLText.escape(column.header))</t></is></c>"
        }.joined() + "</row>"
        rowNumber += 1
        for cells in sheet.rows { row(cells) }
        if !sheet.after.isEmpty {
            rowNumber += 1
            for cells in sheet.after { row(cells) }
        }
        xml += "</sheetData>"
        if let form = sheet.form {
            xml += formParts(form, sheet: sheet)
        } else {
            xml += "<autoFilter ref=\"\(filterRange(sheet))\"/>"
        }
        xml += "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
        xml += "<pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/>"
        return xml + "</worksheet>"
    }

    /// A form's parts after `sheetData`, in the schema's order: the sheet protection (no
    /// password: it keeps the header and the pre-filled cells from being typed over, it is no
    /// secret; columns and rows may still be resized), the title merged across the table, and
    /// the data validation of each entry column over the data rows.
    static func formParts(_ form: Form, sheet: Sheet) -> String {
        var xml = "<sheetProtection sheet=\"1\" objects=\"1\" scenarios=\"1\" formatColumns=\"0\" formatRows=\"0\"/>"
        if let title = form.above.first, !title.isEmpty, sheet.columns.count > 1 {
            xml += "<mergeCells count=\"1\"><mergeCell ref=\"A1:\(columnName(sheet.columns.count - 1))1\"/></mergeCells>"
        }
        let first = sheet.headerRows + 1
        let last = sheet.headerRows + sheet.rows.count
        let checked = form.checks.enumerated().compactMap { c, check in check.map { (c, $0) } }
        guard !checked.isEmpty, last >= first else { return xml }
        xml += "<dataValidations count=\"\(checked.count)\">"
        for (c, entry) in checked {
            let range = "\(columnName(c))\(first):\(columnName(c))\(last)"
            let header = XMLText.escape(sheet.columns[c].header)
            let kind: String, formulas: String, rule: String
            switch entry.check {
            case .whole(let minimum):
                kind = "type=\"whole\" operator=\"greaterThanOrEqual\""
                formulas = "<formula1>\(minimum)</formula1>"
                rule = "请填写不小于 \(minimum) 的整数"
            case .decimal(let minimum, let maximum):
                kind = "type=\"decimal\" operator=\"between\""
                formulas = "<formula1>\(number(minimum))</formula1><formula2>\(number(maximum))</formula2>"
                rule = "请填写 \(number(minimum)) 到 \(number(maximum)) 之间的数"
            }
            xml += "<dataValidation \(kind) allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"1\" "
                + "errorTitle=\"\(header)\" error=\"\(XMLText.escape(rule))\" promptTitle=\"\(header)\" "
                + "prompt=\"\(XMLText.escape(entry.prompt))\" sqref=\"\(range)\">\(formulas)</dataValidation>"
        }
        return xml + "</dataValidations>"
    }

    /// A finite number as `<v>` holds it: whole numbers without a fraction (`3`, not `3.0`),
    /// others as Swift's shortest round-tripping form (an `xsd:double`).
    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)"
    }

    /// Text within Excel's cell limit.
    static func cut(_ s: String) -> String {
        guard s.utf16.count > maxCellText else { return s }
        var out = ""
        var units = 0
        for ch in s {
            units += ch.utf16.count
            if units > maxCellText - 1 { break }
            out.append(ch)
        }
        return out + "…"
    }
}
