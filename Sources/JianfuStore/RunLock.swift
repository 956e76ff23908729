import Glibc

/// The run lock of a store on one machine: `flock(LOCK_EX | LOCK_NB)` on a file beside the
/// store, holding the holder's pid and start time (SPEC §7: exit 4 when another run holds it).
///
/// The kernel releases a `flock` when its holder exits, however it exits (kill -9 included), so
/// a lock file whose lock can be taken belongs to no live run. A holder writes its pid when it
/// takes the lock and empties the file when it releases it; a file found non-empty by a new
/// holder was left by a process that died, and is taken over. The file itself is never
/// removed: removing it while another process waits on it would let two runs hold two
/// different files.
public final class RunLock {
    public let path: String
    private var descriptor: Int32 = -1

    public init(path: String) {
        self.path = path
    }

    deinit { release() }

    /// Takes the lock for `holder`. Returns the previous holder when the lock was left by a
    /// process that died; throws `StoreError.locked` when a live process holds it.
    public func acquire(_ holder: LockHolder) throws -> LockHolder? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.unusable(path: path, reason: "cannot open the lock file: \(Self.error())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = Self.error()
            let current = Self.holder(in: fd)
            close(fd)
            if busy { throw StoreError.locked(holder: current, lockFile: path) }
            throw StoreError.unusable(path: path, reason: "cannot lock: \(reason)")
        }
        let stale = Self.holder(in: fd)
        let text = "\(holder.pid)\n\(holder.since)\n"
        guard ftruncate(fd, 0) == 0, pwrite(fd, text, text.utf8.count, 0) == text.utf8.count else {
            let reason = Self.error()
            close(fd)
            throw StoreError.unusable(path: path, reason: "cannot write the lock file: \(reason)")
        }
        descriptor = fd
        return stale
    }

    /// Empties the file and releases the lock (closing the descriptor releases the `flock`).
    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        close(descriptor)
        descriptor = -1
    }

    /// The holder written in the lock file, when there is one.
    static func holder(in fd: Int32) -> LockHolder? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let lines = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n")
        guard let first = lines.first, let pid = Int32(first) else { return nil }
        return LockHolder(pid: pid, since: lines.count > 1 ? String(lines[1]) : "an unknown time")
    }

    private static func error() -> String { String(cString: strerror(errno)) }
}
