import JianfuModel

/// Why the store cannot be used. The CLI maps `locked` to exit 4 (SPEC §7), the rest to 1.
package enum StoreError: Error, Sendable {
    /// Another live process holds the run lock.
    case locked(holder: LockHolder?, lockFile: String)
    /// The store file cannot be opened, created or written.
    case unusable(path: String, reason: String)
    /// The store was written by a newer jianfu, whose tables this one does not know.
    case newerSchema(path: String, found: Int, known: Int)
    /// The file at the store's place is not a jianfu store (another application's SQLite
    /// database, or no database at all); jianfu leaves it as it is. `reason` says what it is.
    case notAStore(path: String, reason: String)
    /// The file at the lock file's place is not a jianfu run lock (other content, not a regular
    /// file, or the store itself); jianfu neither takes nor changes it.
    case foreignLock(lockFile: String, reason: String)
    /// A metric's granularity changed in the pipeline, which would drop its stored values (their
    /// period ordinals meant other periods), and the run was not told to (`--drop-stored`).
    case granularityChanged([GranularityChange])
    /// `jianfu store copy` into a store that holds runs or sources of the pipeline already.
    case notEmpty(path: String, pipeline: String)
}

/// A metric whose granularity differs from the one its stored values were written with.
package struct GranularityChange: Sendable, Equatable {
    package let metric: String
    package let stored: String
    package let now: String

    package init(metric: String, stored: String, now: String) {
        self.metric = metric
        self.stored = stored
        self.now = now
    }
}

extension GranularityChange {
    /// The metrics whose granularity differs from the one their values were stored with
    /// (`stored`: metric id → granularity); throws `StoreError.granularityChanged` naming those
    /// the run was not told to drop (`dropping`, `--drop-stored`). One rule for every store.
    static func changes(_ metrics: [Metric], stored: [String: String], dropping: Set<String>) throws -> [GranularityChange] {
        let changes = metrics.compactMap { metric in
            stored[metric.id].flatMap { $0 == metric.granularity.rawValue ? nil : GranularityChange(
                metric: metric.id, stored: $0, now: metric.granularity.rawValue) }
        }
        let refused = changes.filter { !dropping.contains($0.metric) }
        guard refused.isEmpty else { throw StoreError.granularityChanged(refused) }
        return changes
    }
}

extension StoreError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .locked(let holder, let lockFile):
            let who = holder.map { "pid \($0.pid) since \($0.since)" + ($0.host.map { " on host \($0)" } ?? "") }
                ?? "a process that has not written its pid yet"
            return "another run holds the lock: \(who) (\(lockFile)); this run did nothing"
        case .unusable(let path, let reason):
            return "the state store \(path) cannot be used: \(reason)"
        case .newerSchema(let path, let found, let known):
            return "the state store \(path) has schema version \(found), newer than this jianfu's \(known); use a newer jianfu"
        case .notAStore(let path, let reason):
            return "\(path) is not a jianfu state store: \(reason); jianfu leaves it as it is: point `state:` at a new file, or at a store jianfu wrote"
        case .foreignLock(let lockFile, let reason):
            return "\(lockFile) is not a jianfu lock file: \(reason); jianfu neither uses nor changes it: move it away, or point `state:` at a store in another place (the lock file is NAME.lock beside the store NAME.sqlite)"
        case .granularityChanged(let changes):
            let what = changes.map { "metric \($0.metric): its granularity changed from \($0.stored) to \($0.now)" }.joined(separator: "; ")
            let options = changes.map { "--drop-stored \($0.metric)" }.joined(separator: " ")
            return "\(what), and its stored values (their periods are \(changes.count == 1 ? "" : "each ")at the old granularity) would be dropped with their history; the store is unchanged. Run with \(options) to drop them (the sources are read again, but months a nightly file no longer holds are lost), or restore the old granularity"
        case .notEmpty(let path, let pipeline):
            return "the state store \(path) holds runs or sources of the pipeline \(pipeline) already: a copy goes into a store that holds nothing of the pipelines it copies, so that no history is mixed or overwritten; nothing was written"
        }
    }
}
