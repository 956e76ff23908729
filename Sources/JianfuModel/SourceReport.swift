/// What reading one source found: the per-source data-quality totals of SPEC §5.
package struct SourceReport: Sendable, Equatable {
    package var name: String
    package var path: String
    package var kind: SourceKind
    package var encoding: SourceEncoding = .auto
    /// What the read counted (SPEC §5); the properties below name them one by one.
    package var counts = DataQuality()
    /// Threads that read the source: 1 is one sequential pass.
    package var threads = 1
    /// Distinct periods (canonical spelling) seen, per metric id.
    package var firstPeriod: [String: String] = [:]
    package var lastPeriod: [String: String] = [:]

    package init(name: String, path: String, kind: SourceKind) {
        self.name = name
        self.path = path
        self.kind = kind
    }

    /// Adds `other`'s counters (not its name, encoding, threads or periods): the totals of two
    /// stretches of one read.
    package mutating func add(countsOf other: SourceReport) {
        counts.add(other.counts)
    }

    // The counters of `counts`, by name (the readers count into them row by row).

    /// Data rows read (header and blank lines excluded).
    @inlinable package var rowsRead: Int {
        get { counts.rowsRead }
        set { counts.rowsRead = newValue }
    }
    /// Rows of which no observation was kept.
    @inlinable package var rowsRejected: Int {
        get { counts.rowsRejected }
        set { counts.rowsRejected = newValue }
    }
    /// Single wide cells rejected in rows that kept at least one observation.
    @inlinable package var cellsRejected: Int {
        get { counts.cellsRejected }
        set { counts.cellsRejected = newValue }
    }
    @inlinable package var blankLines: Int {
        get { counts.blankLines }
        set { counts.blankLines = newValue }
    }
    /// Observations stored from this source.
    @inlinable package var observations: Int {
        get { counts.observations }
        set { counts.observations = newValue }
    }
    /// Keys this source gave that an earlier source had given too (the later wins).
    @inlinable package var overrides: Int {
        get { counts.overrides }
        set { counts.overrides = newValue }
    }
}
