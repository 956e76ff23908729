import JianfuModel

/// Reads a source's bytes (`spec.bytes`: a file in large chunks, or any other `ByteSource`),
/// decodes them to UTF-8 and hands out its CSV records: the one loop every source goes
/// through, whatever it holds.
package enum RecordReader {
    /// Bytes read from a file per `read(2)`.
    package static let chunkSize = 4 << 20

    /// Calls `body` with every record of the source, header included.
    /// Returns the encoding that was used.
    @discardableResult
    package static func forEachRecord(
        _ spec: SourceSpec, _ body: (CSVRecord) throws -> Void
    ) throws -> SourceEncoding {
        let decoder = try TextDecoder(spec.encoding, source: spec.name, path: spec.path)
        let scanner = CSVScanner(delimiter: spec.delimiter, firstLine: spec.firstLine)
        do {
            try spec.bytes.forEachChunk { chunk in
                try decoder.decode(chunk, into: &scanner.pending, final: false)
                try scanner.scan(final: false, body)
            }
            try decoder.decode(UnsafeRawBufferPointer(start: nil, count: 0), into: &scanner.pending, final: true)
            try scanner.scan(final: true, body)
        } catch let tooLong as CSVScanner.RecordTooLong {
            throw IngestError(tooLong, spec: spec, limit: scanner.maximumRecordBytes)
        }
        return decoder.detected
    }
}

extension IngestError {
    init(_ tooLong: CSVScanner.RecordTooLong, spec: SourceSpec, limit: Int) {
        self = .recordTooLong(source: spec.name, path: spec.path, line: tooLong.line, bytes: limit, insideQuotes: tooLong.insideQuotes)
    }
}
