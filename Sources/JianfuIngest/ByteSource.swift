import Glibc

/// Where a source's bytes come from, pushed chunk by chunk into the decode → CSV path of
/// `RecordReader`. A file is one; a JSON document rendered as CSV records
/// (`JSONRecordSource`) is another; an HTTP source is fetched into a file first and read as one.
package protocol ByteSource: Sendable {
    /// Calls `body` with the bytes in order, in chunks of any size. A chunk is valid only
    /// during its call. Errors thrown by `body` end the loop and are rethrown.
    func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws
    /// How a message names an earlier record by its `line` (the first of a duplicate) when
    /// `line N` would not say it: a rendered source whose lines are not the reader's (an
    /// `.xlsx` source with `sheets: all`) names the place its reader knows (`城关镇!4:4`); nil
    /// for the others (`RejectionMessages` then says `line N`).
    func placeName(ofLine line: Int) -> String?
}

extension ByteSource {
    package func placeName(ofLine line: Int) -> String? { nil }
}

/// A file read with `read(2)` in `RecordReader.chunkSize` chunks.
package struct FileByteSource: ByteSource {
    /// The absolute path of the file.
    package let path: String
    /// The source's name, for errors.
    package let sourceName: String

    /// The file at `path` of the source called `sourceName`.
    package init(path: String, sourceName: String) {
        self.path = path
        self.sourceName = sourceName
    }

    package func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable() }
        defer { close(fd) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: RecordReader.chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = read(fd, chunk.baseAddress, RecordReader.chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw unreadable()
            }
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
    }

    private func unreadable() -> IngestError {
        .unreadable(source: sourceName, path: path, reason: String(cString: strerror(errno)))
    }
}
