import Foundation

/// A fresh temporary folder for one test (`FileManager.temporaryDirectory` + UUID); the test
/// removes it with `defer { dir.remove() }`.
public struct TempDir: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    /// The URL of `name` inside the folder.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` as UTF-8 (no BOM) to `name` inside the folder and returns its URL.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> URL { try write(name, Data(text.utf8)) }

    /// Writes `bytes` to `name` inside the folder, making its parent folders, and returns its URL.
    @discardableResult
    public func write(_ name: String, _ bytes: Data) throws -> URL {
        let target = file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: target)
        return target
    }

    /// A fresh folder holding `files` (name → text) and `pipeline` as `p.yml`: the set-up of an
    /// end-to-end test. Returns the folder and the pipeline file's URL.
    public static func withPipeline(_ pipeline: String, files: [String: String]) throws -> (TempDir, URL) {
        let dir = try TempDir()
        for (name, text) in files { try dir.write(name, text) }
        return (dir, try dir.write("p.yml", pipeline))
    }

    /// Whether `name` exists inside the folder.
    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }

    /// Every regular file below the folder, by path relative to it, with its bytes.
    public func allFiles() throws -> [(String, Data)] {
        var files: [(String, Data)] = []
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        while let item = enumerator?.nextObject() as? URL {
            guard (try item.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            files.append((String(item.path.dropFirst(url.path.count + 1)), try Data(contentsOf: item)))
        }
        return files
    }

    /// Deletes the folder and everything in it.
    public func remove() { try? FileManager.default.removeItem(at: url) }
}
