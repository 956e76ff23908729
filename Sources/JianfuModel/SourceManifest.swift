/// What a run knew of one source besides its rows (SPEC §8, the run manifest of
/// `summary.json`): the fingerprint of its bytes and whether this run read it again or took
/// its values from the state store.
package struct SourceManifest: Sendable, Equatable {
    package var size: Int64?
    /// The file's modification time, ISO 8601 UTC (files only).
    package var modified: String?
    package var sha256: String?
    package var etag: String?
    package var lastModified: String?
    /// False when the source was unchanged since an earlier run and its values came from the
    /// store.
    package var reread: Bool
    /// Stored values this read changed (SPEC §5 corrections).
    package var corrections: Int

    package init(
        size: Int64? = nil, modified: String? = nil, sha256: String? = nil, etag: String? = nil, lastModified: String? = nil,
        reread: Bool = true, corrections: Int = 0
    ) {
        self.size = size
        self.modified = modified
        self.sha256 = sha256
        self.etag = etag
        self.lastModified = lastModified
        self.reread = reread
        self.corrections = corrections
    }
}

extension Dictionary where Key == String, Value == SourceManifest {
    /// Stored values the run's reads changed (SPEC §5 corrections), over every source.
    package var corrections: Int { values.reduce(0) { $0 + $1.corrections } }

    /// Sources the run read again (not unchanged since an earlier run).
    package var sourcesReread: Int { values.filter(\.reread).count }
}
