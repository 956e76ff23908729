import Foundation

/// The last successful fetch of each HTTP source of a pipeline, kept beside the pipeline file so
/// that the next run can ask the server "changed since?" (SPEC §1: conditional GET, so an
/// unchanged source is not re-read) and use the kept copy on 304 Not Modified.
///
/// Layout, beside the pipeline file: `.jianfu/PIPELINE.http-cache.json` maps each source name
/// to the URL, `ETag`, `Last-Modified`, `Content-Type` and time of its last successful fetch;
/// `.jianfu/cache/PIPELINE.SOURCE.body` is that fetch's body. The state store (SPEC §8) will
/// take this over.
///
/// Invariant: an entry is in the index only while its body file is the one it describes. A
/// new body replaces the old one only between removing the entry and writing the new one, so a
/// crash in between leaves no entry (the next fetch is unconditional), never a wrong one.
struct HTTPCache: Sendable {
    /// `.jianfu` beside the pipeline file.
    let directory: String
    /// The pipeline file's base name.
    let pipeline: String

    struct Entry: Codable, Sendable, Equatable {
        var url: String
        var etag: String?
        var lastModified: String?
        var contentType: String?
        /// ISO 8601, UTC.
        var fetchedAt: String

        enum CodingKeys: String, CodingKey {
            case url, etag, lastModified = "last_modified", contentType = "content_type", fetchedAt = "fetched_at"
        }
    }

    var indexPath: String { "\(directory)/\(pipeline).http-cache.json" }
    private var bodies: String { "\(directory)/cache" }

    /// Where the body of `source`'s last successful fetch is kept.
    func bodyPath(_ source: String) -> String { "\(bodies)/\(pipeline).\(Self.fileName(source)).body" }

    /// Where a fetch of `source` downloads to, beside the body it may replace (same folder, so
    /// the replacement is a `rename`).
    func downloadPath(_ source: String) -> String { "\(bodies)/\(pipeline).\(Self.fileName(source)).download" }

    /// The entry of `source` when it was fetched from `url` and its body is still there.
    func entry(for source: String, url: String) -> Entry? {
        guard let entry = index()[source], entry.url == url, FileManager.default.fileExists(atPath: bodyPath(source)) else {
            return nil
        }
        return entry
    }

    /// Creates the folders.
    func prepare(for source: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: bodies, withIntermediateDirectories: true)
        } catch {
            throw FetchError.cache(source: source, path: bodies, reason: error.localizedDescription)
        }
    }

    /// Makes the file at `download` the kept body of `source`, described by `entry`.
    func keep(_ download: String, as entry: Entry, for source: String) throws {
        var index = index()
        index[source] = nil
        try write(index, for: source)
        guard rename(download, bodyPath(source)) == 0 else {
            throw FetchError.cache(source: source, path: bodyPath(source), reason: String(cString: strerror(errno)))
        }
        index[source] = entry
        try write(index, for: source)
    }

    /// The index; an unreadable one is treated as empty (every fetch is then unconditional).
    private func index() -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: indexPath),
              let index = try? JSONDecoder().decode([String: Entry].self, from: data) else { return [:] }
        return index
    }

    private func write(_ index: [String: Entry], for source: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(index).write(to: URL(fileURLWithPath: indexPath), options: .atomic)
        } catch {
            throw FetchError.cache(source: source, path: indexPath, reason: error.localizedDescription)
        }
    }

    /// A source name made safe as part of a file name: ASCII letters, digits, `-`, `_` and
    /// any non-ASCII character are kept, other ASCII becomes `%XX`.
    static func fileName(_ source: String) -> String {
        var name = ""
        for scalar in source.unicodeScalars {
            if !scalar.isASCII || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" {
                name.unicodeScalars.append(scalar)
            } else {
                name += "%" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return name
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
