/// Why the store cannot be used. The CLI maps `locked` to exit 4 (SPEC §7), the rest to 1.
public enum StoreError: Error, Sendable {
    /// Another live process holds the run lock.
    case locked(holder: LockHolder?, lockFile: String)
    /// The store file cannot be opened, created or written.
    case unusable(path: String, reason: String)
    /// The store was written by a newer jianfu, whose tables this one does not know.
    case newerSchema(path: String, found: Int, known: Int)
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .locked(let holder, let lockFile):
            let who = holder.map { "pid \($0.pid) since \($0.since)" } ?? "a process that has not written its pid yet"
            return "another run holds the lock: \(who) (\(lockFile)); this run did nothing"
        case .unusable(let path, let reason):
            return "the state store \(path) cannot be used: \(reason)"
        case .newerSchema(let path, let found, let known):
            return "the state store \(path) has schema version \(found), newer than this jianfu's \(known); use a newer jianfu"
        }
    }
}
