/// A JSON source's records rendered as CSV, so that a JSON source goes through the same header
/// mapping (`columns:`), validation and rejections as a CSV file (SPEC §1 "Formats": an array
/// of objects, or an object holding such an array at a configured key).
///
/// The rendering, which the README documents:
/// - the header is every member name found in the records, in order of first appearance; a
///   record without a member has an empty cell there (a missing value in a wide source, an
///   empty one in a long source);
/// - a string is its unescaped text, a number is written as it stands in the JSON (`12.50`
///   stays `12.50`), `true`/`false` as such, `null` as an empty cell, a nested object or array
///   as its JSON text (which no field accepts, so it is rejected where a field reads it);
/// - each record is one CSV line, so a record's `line` is its position in the array (from 1)
///   plus one, the header being line 1; a line break inside a JSON string becomes a space to
///   keep that true;
/// - an element that is not an object becomes a row whose field count differs from the
///   header's, rejected as `malformed_row`;
/// - the text must be UTF-8 (RFC 8259); bytes that are not reject their record (`undecodable`).
///
/// Memory: the whole JSON text is held while it is rendered (CSV streams; JSON is read whole),
/// plus one `RecordReader.chunkSize` of CSV.
package struct JSONRecordSource: ByteSource {
    /// The JSON text.
    package let document: any ByteSource
    /// The member names leading from the top-level object to the array (`json_path: data.rows`
    /// is `["data", "rows"]`); empty when the top level is the array.
    package let recordsPath: [String]
    package let sourceName: String
    /// Where the source is, for errors (its path or URL).
    package let location: String

    /// The delimiter of the CSV it renders; a JSON source is read with it.
    package static let delimiter = UInt8(ascii: ",")

    /// The records of the JSON text `document` at `recordsPath`, of the source `sourceName`.
    package init(document: any ByteSource, recordsPath: [String], sourceName: String, location: String) {
        self.document = document
        self.recordsPath = recordsPath
        self.sourceName = sourceName
        self.location = location
    }

    package func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var text: [UInt8] = []
        try document.forEachChunk { text.append(contentsOf: $0) }
        try text.withUnsafeBufferPointer { buffer in
            let json = JSONDocument(bytes: buffer)
            do {
                try json.validate()
            } catch let failure as JSONDocument.Failure {
                let (line, column) = json.position(of: failure.offset)
                throw IngestError.badJSON(source: sourceName, path: location, line: line, column: column, reason: failure.message)
            }
            try render(json, array: try records(in: json), body)
        }
    }

    /// Where the array of records starts.
    private func records(in json: JSONDocument) throws -> Int {
        var at = json.root
        for (depth, name) in recordsPath.enumerated() {
            let reached = recordsPath[..<depth].joined(separator: ".")
            guard json.isObject(at) else {
                throw shape("\(reached.isEmpty ? "the top level" : "'\(reached)'") is not an object, so it holds no '\(name)'")
            }
            var found: Int?
            let wanted = Array(name.utf8)
            json.forEachMember(ofObjectAt: at) { member, value in
                if member == wanted { found = value }  // the last of duplicate names, as JavaScript reads it
            }
            guard let found else {
                throw shape("\(reached.isEmpty ? "the top level" : "'\(reached)'") has no member '\(name)'")
            }
            at = found
        }
        guard json.isArray(at) else {
            let place = recordsPath.isEmpty ? "the top level" : "'\(recordsPath.joined(separator: "."))'"
            let hint = recordsPath.isEmpty && json.isObject(at) ? "; set json_path to the member that holds the records" : ""
            throw shape("\(place) is not an array of records\(hint)")
        }
        return at
    }

    private func render(_ json: JSONDocument, array: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var names: [[UInt8]] = []
        var column: [[UInt8]: Int] = [:]
        var count = 0
        json.forEachElement(ofArrayAt: array) { element in
            count += 1
            guard json.isObject(element) else { return }
            json.forEachMember(ofObjectAt: element) { name, _ in
                if column[name] == nil {
                    column[name] = names.count
                    names.append(name)
                }
            }
        }
        guard count > 0 else { throw shape("the array holds no records") }

        var out: [UInt8] = []
        out.reserveCapacity(RecordReader.chunkSize + (1 << 16))
        Self.appendRow(names, to: &out)
        var cells = [[UInt8]](repeating: [], count: names.count)
        try json.forEachElement(ofArrayAt: array) { element in
            if json.isObject(element) {
                for k in cells.indices { cells[k].removeAll(keepingCapacity: true) }
                json.forEachMember(ofObjectAt: element) { name, value in
                    let k = column[name]!
                    cells[k].removeAll(keepingCapacity: true)
                    json.appendText(ofValueAt: value, to: &cells[k])
                }
                Self.appendRow(cells, to: &out)
            } else {
                var text: [UInt8] = []
                json.appendJSON(ofValueAt: element, to: &text)
                Self.appendRow(names.count == 1 ? [text, []] : [text], to: &out)
            }
            if out.count >= RecordReader.chunkSize {
                try out.withUnsafeBytes(body)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !out.isEmpty { try out.withUnsafeBytes(body) }
    }

    /// One CSV line: a cell holding the delimiter or a quote is quoted (RFC 4180); each line
    /// break (LF, CRLF or a lone CR, as the CSV scanner counts them) becomes one space so that
    /// the record stays on one line.
    static func appendRow<Cells: Collection>(_ cells: Cells, to out: inout [UInt8]) where Cells.Element == [UInt8] {
        let quote = UInt8(ascii: "\"")
        for (k, cell) in cells.enumerated() {
            if k > 0 { out.append(delimiter) }
            let quoted = cell.contains(delimiter) || cell.contains(quote)
            if quoted { out.append(quote) }
            var i = 0
            while i < cell.count {
                switch cell[i] {
                case 0x0D:
                    out.append(0x20)
                    if i + 1 < cell.count, cell[i + 1] == 0x0A { i += 1 }  // CRLF: one break, one space
                case 0x0A: out.append(0x20)
                case quote: out.append(contentsOf: [quote, quote])
                default: out.append(cell[i])
                }
                i += 1
            }
            if quoted { out.append(quote) }
        }
        out.append(0x0A)
    }

    private func shape(_ reason: String) -> IngestError {
        .jsonShape(source: sourceName, path: location, jsonPath: recordsPath.joined(separator: "."), reason: reason)
    }
}
