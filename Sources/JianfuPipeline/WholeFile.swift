import Foundation
import Glibc

/// A single output file written whole or not at all: the bytes go to a temporary file beside
/// it, which is then renamed over it, so a reader never sees half a file (`jianfu unit --html`,
/// `jianfu sample --output`). The report folder has its own, `OutputDirectory`.
enum WholeFile {
    /// Writes `bytes` to `path`; throws `RunError.output` naming `path` and the system's reason.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw RunError.output(path: path, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw RunError.output(path: path, reason: reason)
        }
    }
}
