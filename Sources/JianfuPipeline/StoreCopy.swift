import Foundation
import JianfuStore

/// `jianfu store copy FROM TO` (issue 14.7, SPEC §8): every pipeline of one store copied into
/// another — an SQLite file into a PostgreSQL database or back — with its run log, sources and
/// fingerprints, values, corrections' history, scores, bulletins and spot-check lists, so that an
/// office that outgrows one machine keeps its history and its next night reads nothing again.
///
/// `FROM` is only read. `TO` may hold other pipelines, never one of those being copied: that is
/// checked for every pipeline before anything is written, and each pipeline is then written in
/// one transaction. Run it while no run writes `FROM` (stop the nightly timer): the copy takes no
/// run lock, as a store that another pipeline file locks by another name could not be guarded.
package enum StoreCopy {
    /// What was copied of one pipeline.
    package struct Copied: Sendable {
        package var pipeline: String
        package var runs: Int
        package var sources: Int
        package var values: Int
        package var corrections: Int
    }

    /// A store named on the command line: a postgresql:// URL, or an SQLite file's path
    /// (relative to the working folder).
    package static func place(_ text: String) throws -> StateLocation {
        if PostgreSQLLocation.isURL(text) {
            switch PostgreSQLLocation.parse(text) {
            case .success(let place): return .postgresql(place)
            case .failure(.password): throw CopyError.badPlace(text: "a postgresql:// URL with a password (not shown)", why: "the password comes from PGPASSWORD or ~/.pgpass, never from the command line")
            case .failure(.malformed(let why)): throw CopyError.badPlace(text: text, why: why)
            }
        }
        guard !text.isEmpty else { throw CopyError.badPlace(text: text, why: "it is empty") }
        let path = URL(fileURLWithPath: text, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        return .sqlite(path, lock: SQLiteStore.lockPath(for: path))
    }

    /// Copies every pipeline of `from` into `to`.
    package static func copy(from: StateLocation, to: StateLocation) throws -> [Copied] {
        guard from.description != to.description else { throw CopyError.same(from.description) }
        guard let names = try (from.openForReading(pipeline: "") as? any CopyableStore)?.pipelineNames(), !names.isEmpty else {
            throw CopyError.nothing(from.description)
        }
        // Every pipeline checked absent from `to` before anything is written.
        if let target = try to.openForReading(pipeline: "") as? any CopyableStore {
            let held = Set(try target.pipelineNames())
            if let name = names.first(where: held.contains) { throw StoreError.notEmpty(path: target.location, pipeline: name) }
        }
        var copied: [Copied] = []
        for name in names {
            guard let source = try from.openForReading(pipeline: name) as? any CopyableStore,
                  let target = try to.openForWriting(pipeline: name) as? any CopyableStore
            else { throw CopyError.nothing(from.description) }
            let dump = try source.dump()
            try target.load(dump)
            copied.append(Copied(
                pipeline: name, runs: dump.runs.count, sources: dump.sources.count, values: dump.valueCount, corrections: dump.history.count))
        }
        return copied
    }
}

/// Why `jianfu store copy` did nothing (exit 2: the command line names the wrong stores).
package enum CopyError: Error, CustomStringConvertible {
    case badPlace(text: String, why: String)
    case same(String)
    case nothing(String)

    package var description: String {
        switch self {
        case .badPlace(let text, let why): "\(text) is not a store to copy: \(why)"
        case .same(let place): "\(place) is both FROM and TO: a store is copied into another one"
        case .nothing(let place): "\(place) holds no pipeline's runs: nothing to copy"
        }
    }
}
