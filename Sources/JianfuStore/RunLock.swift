import Glibc

/// The run lock of a store on one machine: `flock(LOCK_EX | LOCK_NB)` on a file beside the
/// store, holding the holder's pid and start time (SPEC §7: exit 4 when another run holds it).
///
/// The kernel releases a `flock` when its holder exits, however it exits (kill -9 included), so
/// a lock file whose lock can be taken belongs to no live run. A holder writes its pid when it
/// takes the lock and empties the file when it releases it; a file found non-empty by a new
/// holder was left by a process that died, and is taken over. The file itself is never
/// removed: removing it while another process waits on it would let two runs hold two
/// different files. Nor is a file that is not a lock file taken over: one that holds anything
/// else than a holder, is not a regular file, or is the store itself is refused.
package final class RunLock {
    package let path: String
    /// The store the lock guards: a lock file that is that file (a link to it) is refused.
    package let store: String?
    private var descriptor: Int32 = -1

    package init(path: String, store: String? = nil) {
        self.path = path
        self.store = store
    }

    deinit { release() }

    /// Takes the lock for `holder`. Returns the previous holder when the lock was left by a
    /// process that died; throws `StoreError.locked` when a live process holds it, and
    /// `StoreError.foreignLock` when the file is not a jianfu lock file (`check`).
    ///
    /// The file is opened with `O_CREAT` and without `O_TRUNC`, and emptied only once its
    /// content was found to be a holder's: jianfu never truncates a file it did not write.
    package func acquire(_ holder: LockHolder) throws -> LockHolder? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.unusable(path: path, reason: "cannot open the lock file: \(Self.error())") }
        if let problem = problem(fd) {
            close(fd)
            throw StoreError.foreignLock(lockFile: path, reason: problem)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = Self.error()
            let current = Self.holder(in: fd)
            close(fd)
            if busy { throw StoreError.locked(holder: current, lockFile: path) }
            throw StoreError.unusable(path: path, reason: "cannot lock: \(reason)")
        }
        // Under the lock the content cannot change: check it again before emptying the file.
        if let problem = problem(fd) {
            close(fd)
            throw StoreError.foreignLock(lockFile: path, reason: problem)
        }
        let stale = Self.holder(in: fd)
        let text = "\(holder.pid)\n\(holder.since)\n\(Self.host)\n"
        guard ftruncate(fd, 0) == 0, pwrite(fd, text, text.utf8.count, 0) == text.utf8.count else {
            let reason = Self.error()
            close(fd)
            throw StoreError.unusable(path: path, reason: "cannot write the lock file: \(reason)")
        }
        descriptor = fd
        return stale
    }

    /// Checks an existing lock file without taking the lock or changing it (the store checks it
    /// before it creates or opens anything): throws `StoreError.foreignLock` when it is not a
    /// jianfu lock file. A missing file is fine: `acquire` creates it.
    package func check() throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return }
        defer { close(fd) }
        if let problem = problem(fd) { throw StoreError.foreignLock(lockFile: path, reason: problem) }
    }

    /// Empties the file and releases the lock (closing the descriptor releases the `flock`).
    package func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        close(descriptor)
        descriptor = -1
    }

    /// Why the open file `fd` is not a jianfu lock file, or `nil` when it is one: a regular file,
    /// not the store itself, empty or holding a holder as `acquire` writes it.
    private func problem(_ fd: Int32) -> String? {
        var lockStat = stat()
        guard fstat(fd, &lockStat) == 0 else { return "cannot look at it: \(Self.error())" }
        guard lockStat.st_mode & S_IFMT == S_IFREG else { return "it is not a regular file" }
        var storeStat = stat()
        if let store, stat(store, &storeStat) == 0, storeStat.st_dev == lockStat.st_dev, storeStat.st_ino == lockStat.st_ino {
            return "it is the store itself (a link to \(store))"
        }
        guard lockStat.st_size > 0 else { return nil }
        guard lockStat.st_size <= Self.maxSize, let content = Self.content(fd), Self.parse(content) != nil else {
            return "it holds \(lockStat.st_size) bytes that are not a run's pid and start time"
        }
        return nil
    }

    /// The most a holder's pid and start time take.
    static let maxSize = 256

    /// The file's bytes, up to `maxSize`.
    private static func content(_ fd: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maxSize)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { return nil }
        return Array(buffer[0..<n])
    }

    /// The holder written in the lock file, when there is one.
    static func holder(in fd: Int32) -> LockHolder? {
        content(fd).flatMap(parse)
    }

    /// A holder as `acquire` writes it: `PID\nSINCE\nHOST\n` (or `PID\nSINCE\n`, as jianfu wrote it
    /// before it named the host), the pid decimal digits, `SINCE` and `HOST` one line of
    /// printable text each; `nil` for any other content.
    static func parse(_ bytes: [UInt8]) -> LockHolder? {
        guard bytes.last == 0x0A, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        func printable(_ line: Substring) -> Bool { !line.isEmpty && line.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } }
        guard lines.count == 2 || lines.count == 3, !lines[0].isEmpty, lines[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let pid = Int32(lines[0]), lines.dropFirst().allSatisfy(printable)
        else { return nil }
        return LockHolder(pid: pid, since: String(lines[1]), host: lines.count == 3 ? String(lines[2]) : nil)
    }

    /// This machine's name, as the lock file records it (`gethostname`).
    static let host: String = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "unknown" }
        let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty || text.contains("\n") ? "unknown" : text
    }()

    private static func error() -> String { String(cString: strerror(errno)) }
}
