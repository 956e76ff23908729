import Crypto
import Foundation
import Glibc
import JianfuIngest
import JianfuStore

/// The fingerprint of a source's local bytes (SPEC §8): size and modification time from
/// `stat`, and the SHA-256 of the content, streamed through a fixed buffer so that a file of
/// any size costs 1 MiB of memory. An HTTP source's fingerprint also carries the validators
/// the server sent (`ETag`, `Last-Modified`).
///
/// A file whose size and modification time (to the nanosecond) are those of its last read is
/// not read again: its stored SHA-256 stands (rsync's rule, and git's for its index). A nightly
/// history of hundreds of megabytes then costs one `stat`, not a pass over its bytes. Anything
/// that rewrites a file moves its modification time; `touch` a file to have it hashed (and,
/// when its content changed, read) again.
enum SourceFingerprinting {
    static let bufferSize = 1 << 20

    /// Fingerprints the file at `path`, the local bytes of source `source`.
    /// `stored` is the fingerprint of its last read, if any.
    static func fingerprint(file path: String, source: String, reportedPath: String, stored: SourceFingerprint? = nil) throws -> SourceFingerprint {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(source, reportedPath) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw unreadable(source, reportedPath) }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        if let stored, let storedModified = stored.modified, storedModified == modified, stored.size == Int64(info.st_size),
           (info.st_mode & S_IFMT) == S_IFREG {
            return SourceFingerprint(size: stored.size, modified: modified, sha256: stored.sha256)
        }
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        var size: Int64 = 0
        while true {
            let n = read(fd, buffer.baseAddress, bufferSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw unreadable(source, reportedPath)
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            size += Int64(n)
        }
        return SourceFingerprint(size: size, modified: modified, sha256: SHA256.hex(hasher.finalize()))
    }

    private static func unreadable(_ source: String, _ path: String) -> IngestError {
        .unreadable(source: source, path: path, reason: String(cString: strerror(errno)))
    }
}
