import JianfuModel
/// The header line of a CSV source and where each field's column is (SPEC §2 `columns:`).
package struct Header: Sendable {
    package let names: [String]

    /// The header of `spec`'s source, line 1. A line 1 of more fields or bytes than a row may
    /// have (`CSVScanner.maximumFields`, `CSVRecord.maximumRowBytes`) is refused: every row
    /// would be rejected against it.
    package init(_ record: CSVRecord, in spec: SourceSpec) throws {
        if record.problem == .tooManyFields {
            throw IngestError.oversizedHeader(source: spec.name, path: spec.path, fields: record.fieldCount, bytes: nil)
        }
        if record.raw.count > CSVRecord.maximumRowBytes {
            throw IngestError.oversizedHeader(source: spec.name, path: spec.path, fields: nil, bytes: CSVRecord.maximumRowBytes)
        }
        names = (0..<record.fieldCount).map { record.string($0).trimmingSpaces }
    }

    /// The column index holding `field` (under its mapped header or its own name), or `nil`.
    package func column(for field: String, in spec: SourceSpec) throws -> Int? {
        let header = spec.header(for: field)
        guard let index = names.firstIndex(of: header) else { return nil }
        if names[(index + 1)...].contains(header) {
            throw IngestError.duplicateColumn(source: spec.name, path: spec.path, header: header)
        }
        return index
    }

    /// Like `column(for:in:)` but the column must be there. When it is not and the header is
    /// one column split by another delimiter than the source's, that is the error.
    package func requiredColumn(for field: String, in spec: SourceSpec) throws -> Int {
        guard let index = try column(for: field, in: spec) else {
            try checkDelimiter(spec)
            throw IngestError.missingColumn(source: spec.name, path: spec.path, field: field, header: spec.header(for: field), found: names)
        }
        return index
    }

    /// Delimiters a header may be split by instead of the source's: the full-width comma and
    /// semicolon of Chinese input methods, and the ASCII ones `delimiter:` takes.
    static let otherDelimiters = ["，", "；", ",", ";", "\t"]

    /// Throws `wrongDelimiter` for a one-column header that holds another delimiter.
    private func checkDelimiter(_ spec: SourceSpec) throws {
        guard names.count == 1 else { return }
        let declared = String(UnicodeScalar(spec.delimiter))
        if let found = Self.otherDelimiters.first(where: { $0 != declared && names[0].contains($0) }) {
            throw IngestError.wrongDelimiter(source: spec.name, path: spec.path, found: found, declared: spec.delimiter)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and U+FEFF (a byte order mark left
    /// inside a file where two exports were pasted together: invisible, and never meant).
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{FEFF}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\u{FEFF}" { scalars.removeLast() }
        return String(scalars)
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The bytes without leading and trailing spaces, tabs and byte order marks (`EF BB BF`, see
    /// `String.trimmingSpaces`).
    var trimmed: UnsafeBufferPointer<UInt8> {
        // Nearly every field has nothing to trim: two byte tests and done.
        if let first = first, let last = last, first != 0x20, first != 0x09, first != 0xEF,
           last != 0x20, last != 0x09, last != 0xBF {
            return self
        }
        var lo = 0, hi = count
        while lo < hi {
            if self[lo] == 0x20 || self[lo] == 0x09 {
                lo += 1
            } else if self[lo] == 0xEF, hi - lo >= 3, self[lo + 1] == 0xBB, self[lo + 2] == 0xBF {
                lo += 3
            } else {
                break
            }
        }
        while hi > lo {
            if self[hi - 1] == 0x20 || self[hi - 1] == 0x09 {
                hi -= 1
            } else if self[hi - 1] == 0xBF, hi - lo >= 3, self[hi - 2] == 0xBB, self[hi - 3] == 0xEF {
                hi -= 3
            } else {
                break
            }
        }
        return UnsafeBufferPointer(rebasing: self[lo..<hi])
    }

    var hasNonASCII: Bool {
        for byte in self where byte >= 0x80 { return true }
        return false
    }
}
