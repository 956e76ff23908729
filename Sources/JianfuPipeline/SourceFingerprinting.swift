import Crypto
import Foundation
import Glibc
import JianfuIngest
import JianfuStore

/// The fingerprint of a source's local bytes (SPEC §8): size and modification time from
/// `stat`, and the SHA-256 of the content, streamed through a fixed buffer so that a file of
/// any size costs 1 MiB of memory. An HTTP source's fingerprint also carries the validators
/// the server sent (`ETag`, `Last-Modified`).
enum SourceFingerprinting {
    static let bufferSize = 1 << 20

    /// Fingerprints the file at `path`, the local bytes of source `source`.
    static func fingerprint(file path: String, source: String, reportedPath: String) throws -> SourceFingerprint {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(source, reportedPath) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw unreadable(source, reportedPath) }
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
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return SourceFingerprint(size: size, modified: modified, sha256: SHA256.hex(hasher.finalize()))
    }

    private static func unreadable(_ source: String, _ path: String) -> IngestError {
        .unreadable(source: source, path: path, reason: String(cString: strerror(errno)))
    }
}

extension SHA256 {
    /// The digest of `bytes` as lowercase hex.
    static func hex<Bytes: DataProtocol>(of bytes: Bytes) -> String {
        hex(hash(data: bytes))
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
