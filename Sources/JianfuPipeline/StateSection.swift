import Foundation
import JianfuStore

/// `state:` (SPEC §8): where the observations live between runs.
///
/// - `none`: every run reads every source and keeps nothing;
/// - a file path, relative to the pipeline file: an SQLite store (by default
///   `.jianfu/NAME.sqlite` beside the pipeline file);
/// - `postgresql://USER@HOST:PORT/DATABASE` (`?sslmode=…`, `?schema=…`): a PostgreSQL store,
///   shared by many pipelines and machines; or the mapping `{url: postgresql://…,
///   password_env: NAME}` to take the password from the variable `NAME` rather than
///   `PGPASSWORD` or `~/.pgpass`. A password written in the URL is refused, and never repeated.
enum StateSection {
    /// The keys of the mapping form.
    static let keys = ["url", "password_env"]

    static let expected = "none, the state store's file path relative to the pipeline file (such as .jianfu/demo.sqlite), or postgresql://USER@HOST:PORT/DATABASE"

    static func read(_ node: ConfigNode?, location: PipelineLocation) throws -> StateLocation {
        guard let node else { return sqlite(location.resolve(".jianfu/\(location.baseName).sqlite"), location) }
        if case .mapping = node.node {
            let settings = try node.mapping("{url: postgresql://USER@HOST:PORT/DATABASE, password_env: NAME}")
            try settings.allowOnly(keys)
            let url = try settings.required("url")
            var place = try postgresql(url)
            if let variable = settings["password_env"] {
                let expected = "the name of an environment variable that holds the password, such as JIANFU_PGPASSWORD"
                let name = try variable.text(expected)
                guard isVariableName(name) else { throw variable.invalid(expected) }
                place.passwordVariable = name
            }
            return .postgresql(place)
        }
        let text = try node.text(expected)
        guard !text.isEmpty else { throw node.invalid(expected) }
        guard text != "none" else { return .none }
        if PostgreSQLLocation.isURL(text) { return .postgresql(try postgresql(node)) }
        let path = location.resolve(text)
        // The run lock is NAME.lock beside the store NAME.*: a store named *.lock would be its own lock.
        guard SQLiteStore.lockPath(for: path) != path else {
            throw node.invalid("a state store file whose name does not end in .lock (the store's run lock is NAME.lock beside it), such as .jianfu/demo.sqlite")
        }
        return sqlite(path, location)
    }

    /// The SQLite store at `path` with the run lock of the pipeline at `location`.
    private static func sqlite(_ path: String, _ location: PipelineLocation) -> StateLocation {
        .sqlite(path, lock: SQLiteStore.lockPath(for: path, pipelineFile: location.baseName))
    }

    /// The PostgreSQL URL of `node`; a URL with a password is refused without showing it.
    private static func postgresql(_ node: ConfigNode) throws -> PostgreSQLLocation {
        let expected = "postgresql://USER@HOST:PORT/DATABASE, optionally with ?sslmode=… and ?schema=…"
        let text = try node.text(expected)
        switch PostgreSQLLocation.parse(text) {
        case .success(let place):
            return place
        case .failure(.password):
            throw node.invalid(
                "a postgresql:// URL without a password: jianfu takes the password from PGPASSWORD or ~/.pgpass (or the variable that state's password_env names), never from the pipeline file",
                found: "a URL with a password (not shown)")
        case .failure(.malformed(let why)):
            throw node.invalid("\(expected) (\(why))")
        }
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == 0x5F || (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first) else { return false }
        return name.utf8.allSatisfy { $0 == 0x5F || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }
}

extension StateLocation {
    /// The store a run (or `jianfu sample`'s list) writes to: created, or its schema upgraded,
    /// when needed; `nil` with `state: none`. `pipeline` is the pipeline's `name`, which keys
    /// its runs and sources in a shared PostgreSQL store.
    func openForWriting(pipeline: String) throws -> (any ObservationStore & SampleLog)? {
        switch self {
        case .none: nil
        case .sqlite(let path, let lock): try SQLiteStore(path: path, pipeline: pipeline, lockPath: lock)
        case .postgresql(let place): try PostgreSQLStore(place, pipeline: pipeline)
        }
    }

    /// The store read without the run lock (`jianfu unit`, `history`, `sample`'s figures), in
    /// one consistent snapshot on PostgreSQL; `nil` with `state: none` or when nothing was ever
    /// stored there (no SQLite file, no jianfu schema on the server).
    func openForReading(pipeline: String) throws -> (any ObservationStore & SampleLog)? {
        switch self {
        case .none:
            return nil
        case .sqlite(let path, let lock):
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return try SQLiteStore(path: path, pipeline: pipeline, lockPath: lock, readOnly: true)
        case .postgresql(let place):
            let store = try PostgreSQLStore(place, pipeline: pipeline, readOnly: true)
            return store.hasSchema ? store : nil
        }
    }
}
