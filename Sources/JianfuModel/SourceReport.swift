/// What reading one source found: the per-source data-quality totals of SPEC §5.
package struct SourceReport: Sendable, Equatable {
    package var name: String
    package var path: String
    package var kind: SourceKind
    package var encoding: SourceEncoding = .auto
    /// Data rows read (header and blank lines excluded).
    package var rowsRead = 0
    /// Rows of which no observation was kept.
    package var rowsRejected = 0
    /// Single wide cells rejected in rows that kept at least one observation (a row that kept
    /// nothing counts in `rowsRejected` instead).
    package var cellsRejected = 0
    package var blankLines = 0
    /// Threads that read the source: 1 is one sequential pass.
    package var threads = 1
    /// Observations stored from this source.
    package var observations = 0
    /// Keys this source gave that an earlier source had given too (the later wins).
    package var overrides = 0
    /// Distinct periods (canonical spelling) seen, per metric id.
    package var firstPeriod: [String: String] = [:]
    package var lastPeriod: [String: String] = [:]

    package init(name: String, path: String, kind: SourceKind) {
        self.name = name
        self.path = path
        self.kind = kind
    }

    /// Adds `other`'s row and value counts (not its name, encoding, threads or periods): the
    /// totals of two stretches of one read, or of a run's sources. The one list of the counters.
    package mutating func add(countsOf other: SourceReport) {
        rowsRead += other.rowsRead
        rowsRejected += other.rowsRejected
        cellsRejected += other.cellsRejected
        blankLines += other.blankLines
        observations += other.observations
        overrides += other.overrides
    }
}
