import JianfuModel
/// The header line of a CSV source and where each field's column is (SPEC §2 `columns:`).
public struct Header: Sendable {
    public let names: [String]

    public init(_ record: CSVRecord) {
        names = (0..<record.fieldCount).map { record.string($0).trimmingSpaces }
    }

    /// The column index holding `field` (under its mapped header or its own name), or `nil`.
    public func column(for field: String, in spec: SourceSpec) throws -> Int? {
        let header = spec.header(for: field)
        guard let index = names.firstIndex(of: header) else { return nil }
        if names[(index + 1)...].contains(header) {
            throw IngestError.duplicateColumn(source: spec.name, path: spec.path, header: header)
        }
        return index
    }

    /// Like `column(for:in:)` but the column must be there.
    public func requiredColumn(for field: String, in spec: SourceSpec) throws -> Int {
        guard let index = try column(for: field, in: spec) else {
            throw IngestError.missingColumn(source: spec.name, path: spec.path, field: field, header: spec.header(for: field), found: names)
        }
        return index
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The bytes without leading and trailing spaces and tabs.
    var trimmed: UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = count
        while lo < hi, self[lo] == 0x20 || self[lo] == 0x09 { lo += 1 }
        while hi > lo, self[hi - 1] == 0x20 || self[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: self[lo..<hi])
    }

    var hasNonASCII: Bool {
        for byte in self where byte >= 0x80 { return true }
        return false
    }
}
