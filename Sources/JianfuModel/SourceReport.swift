/// What reading one source found: the per-source data-quality totals of SPEC §5.
public struct SourceReport: Sendable, Equatable {
    public var name: String
    public var path: String
    public var kind: SourceKind
    public var encoding: SourceEncoding = .auto
    /// Data rows read (header and blank lines excluded).
    public var rowsRead = 0
    /// Rows of which no observation was kept.
    public var rowsRejected = 0
    /// Single wide cells rejected in rows that kept at least one observation (a row that kept
    /// nothing counts in `rowsRejected` instead).
    public var cellsRejected = 0
    public var blankLines = 0
    /// Threads that read the source: 1 is one sequential pass.
    public var threads = 1
    /// Observations stored from this source.
    public var observations = 0
    /// Keys this source gave that an earlier source had given too (the later wins).
    public var overrides = 0
    /// Distinct periods (canonical spelling) seen, per metric id.
    public var firstPeriod: [String: String] = [:]
    public var lastPeriod: [String: String] = [:]

    public init(name: String, path: String, kind: SourceKind) {
        self.name = name
        self.path = path
        self.kind = kind
    }

    /// Adds `other`'s row and value counts (not its name, encoding, threads or periods): the
    /// totals of two stretches of one read, or of a run's sources. The one list of the counters.
    public mutating func add(countsOf other: SourceReport) {
        rowsRead += other.rowsRead
        rowsRejected += other.rowsRejected
        cellsRejected += other.cellsRejected
        blankLines += other.blankLines
        observations += other.observations
        overrides += other.overrides
    }
}
