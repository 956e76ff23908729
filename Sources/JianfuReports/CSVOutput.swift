import JianfuModel

/// Writing CSV cells (RFC 4180) safely for spreadsheets.
package enum CSVOutput {
    /// The UTF-8 byte order mark: spreadsheets need it to read UTF-8 CSV as Chinese (SPEC §6).
    package static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A text cell: quoted when it holds a delimiter, quote, line break or edge spaces, and
    /// prefixed with `'` when it starts like a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR)
    /// so that opening the file never runs it.
    package static func text(_ value: String) -> String {
        var value = value
        let plain = value.withUTF8 { !startsLikeFormula($0.first) && !needsQuotes($0, guarded: false) }
        if plain { return value }  // nearly every cell
        let out = OutputBuffer()
        value.withUTF8 { write(escaped: $0, to: out) }
        return out.text
    }

    /// Writes `bytes` as `text` spells them, straight into `out`. Works on bytes, not
    /// Characters: a rejected row's raw text can be megabytes long.
    static func write(escaped bytes: UnsafeBufferPointer<UInt8>, to out: OutputBuffer) {
        let quote = UInt8(ascii: "\"")
        let guarded = startsLikeFormula(bytes.first)
        let quoted = needsQuotes(bytes, guarded: guarded)
        if quoted { out.write(byte: quote) }
        if guarded { out.write(byte: UInt8(ascii: "'")) }
        guard quoted else {
            out.write(raw: bytes)
            return
        }
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == quote {
            out.write(raw: UnsafeBufferPointer(rebasing: bytes[start...i]))  // through the quote…
            out.write(byte: quote)                                           // …and again
            start = i + 1
        }
        out.write(raw: UnsafeBufferPointer(rebasing: bytes[start...]))
        out.write(byte: quote)
    }

    /// Whether a cell starting with `first` gets a leading `'`: it starts like a formula.
    private static func startsLikeFormula(_ first: UInt8?) -> Bool {
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
        default: false
        }
    }

    /// Whether a cell must be quoted: it holds a delimiter, quote or line break, or has a space
    /// at an edge (a leading one is no edge once a `'` guard precedes it).
    private static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>, guarded: Bool) -> Bool {
        if (!guarded && bytes.first == 0x20) || bytes.last == 0x20 { return true }
        return bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
    }

    /// A whole CSV file as jianfu writes every one (SPEC §6): `start`, then `rows`.
    package static func write<Elements: Sequence>(
        header: [String], rows elements: Elements, to out: OutputBuffer, _ cells: (inout CSVRow, Elements.Element) -> Void
    ) {
        start(header, to: out)
        rows(elements, to: out, cells)
    }

    /// The start of a CSV file: the byte order mark, then the header (names already spelled
    /// for CSV).
    package static func start(_ header: [String], to out: OutputBuffer) {
        out.write(bytes: byteOrderMark)
        var row = CSVRow(out)
        for name in header { row.formatted(name) }
        row.end()
    }

    /// A row per element of `elements`: `cells` writes the element's cells in column order,
    /// and each row is ended with a LF.
    package static func rows<Elements: Sequence>(
        _ elements: Elements, to out: OutputBuffer, _ cells: (inout CSVRow, Elements.Element) -> Void
    ) {
        for element in elements {
            var row = CSVRow(out)
            cells(&row, element)
            row.end()
        }
    }
}

/// Writes one CSV row cell by cell straight into an `OutputBuffer`: a comma before every cell
/// but the first, a LF at the end. Cells are spelled as `CSVOutput.text` and `NumberFormat`
/// spell them, without an array of `String`s per row (indicators.csv has a row per unit and
/// metric: 0.55 s → see the commit for the figures).
package struct CSVRow {
    private let out: OutputBuffer
    private var started = false

    package init(_ out: OutputBuffer) { self.out = out }

    @inline(__always)
    private mutating func separate() {
        if started { out.write(byte: UInt8(ascii: ",")) }
        started = true
    }

    /// A text cell, quoted or guarded as `CSVOutput.text` does.
    package mutating func text(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { CSVOutput.write(escaped: $0, to: out) }
    }

    /// A cell already spelled for CSV (a header name, a reason code, a cached prefix).
    package mutating func formatted(_ value: String) {
        separate()
        out.write(value)
    }

    /// Cells already written to a `CSVRow` of the in-memory `cells` (not ended), repeated on
    /// this row as they stand.
    package mutating func cells(_ cells: OutputBuffer) {
        separate()
        out.write(contentsOf: cells)
    }

    /// A period in its canonical spelling (`Period.description`, `2024-03`), stored without a
    /// `String`; empty when missing. It never needs quoting or a guard: digits, then `-` or `Q`
    /// and digits.
    package mutating func period(_ value: Period?) {
        separate()
        if let value {
            out.writeLine(maximumLength: Period.maximumSpellingLength) { value.put(at: $0) }
        }
    }

    /// A number as `NumberFormat.format` spells it; empty when missing.
    package mutating func number(_ value: Double?) {
        separate()
        if let value { out.write(number: value) }
    }

    package mutating func integer(_ value: Int?) {
        separate()
        if let value {
            if value >= 0 { out.write(digits: value) } else { out.write(String(value)) }
        }
    }

    /// `true`/`false`; empty when missing.
    package mutating func flag(_ value: Bool?) {
        separate()
        if let value { out.write(value ? "true" : "false") }
    }

    /// Ends the row with a LF.
    package func end() { out.write(byte: UInt8(ascii: "\n")) }
}

