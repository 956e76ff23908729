import JianfuModel
import Glibc

/// Reads a source file in large chunks, decodes it to UTF-8 and hands out its CSV records:
/// the one loop every CSV source goes through, whatever it holds.
public enum RecordReader {
    /// Bytes read from the file per `read(2)`.
    public static let chunkSize = 4 << 20

    /// Calls `body` with every record of the file at `spec.path`, header included.
    /// Returns the encoding that was used.
    @discardableResult
    public static func forEachRecord(
        _ spec: SourceSpec, _ body: (CSVRecord) throws -> Void
    ) throws -> SourceEncoding {
        let fd = open(spec.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw IngestError.unreadable(source: spec.name, path: spec.path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let decoder = try TextDecoder(spec.encoding)
        let scanner = CSVScanner(delimiter: spec.delimiter)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = read(fd, chunk.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError.unreadable(source: spec.name, path: spec.path, reason: String(cString: strerror(errno)))
            }
            let final = n == 0
            try decoder.decode(UnsafeRawBufferPointer(rebasing: chunk[0..<n]), into: &scanner.pending, final: final)
            try scanner.scan(final: final, body)
            if final { break }
        }
        return decoder.detected
    }
}
