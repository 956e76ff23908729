/// The data-quality counters of SPEC §5 — rows read, rows rejected (no observation kept), cells
/// rejected, blank lines, observations, overrides — the one list of them: one source's
/// (`SourceReport.counts`), a run's totals over its observation sources (`init(sources:)`,
/// `summary.json` `data_quality`), and the run log's (`RunEnd.quality`).
package struct DataQuality: Sendable, Equatable {
    /// Data rows read (header and blank lines excluded).
    package var rowsRead = 0
    /// Rows of which no observation was kept.
    package var rowsRejected = 0
    /// Single wide cells rejected in rows that kept at least one observation (a row that kept
    /// nothing counts in `rowsRejected` instead).
    package var cellsRejected = 0
    package var blankLines = 0
    /// Observations kept.
    package var observations = 0
    /// Keys a source gave that an earlier source had given too (the later wins).
    package var overrides = 0

    package init(
        rowsRead: Int = 0, rowsRejected: Int = 0, cellsRejected: Int = 0, blankLines: Int = 0, observations: Int = 0,
        overrides: Int = 0
    ) {
        self.rowsRead = rowsRead
        self.rowsRejected = rowsRejected
        self.cellsRejected = cellsRejected
        self.blankLines = blankLines
        self.observations = observations
        self.overrides = overrides
    }

    /// The run's totals (SPEC §5): the counters of `sources`' observation sources summed (a
    /// units source's rows are not observations, and do not count).
    package init(sources: [SourceReport]) {
        for source in sources where source.kind == .observations { add(source.counts) }
    }

    /// Adds `other`'s counters: the totals of two stretches of one read, or of a run's sources.
    package mutating func add(_ other: DataQuality) {
        rowsRead += other.rowsRead
        rowsRejected += other.rowsRejected
        cellsRejected += other.cellsRejected
        blankLines += other.blankLines
        observations += other.observations
        overrides += other.overrides
    }

    /// The share that `max_rejected` is compared with (SPEC §5): rejected rows and cells over
    /// rows read.
    package var rejectedShare: Double {
        rowsRead == 0 ? 0 : Double(rowsRejected + cellsRejected) / Double(rowsRead)
    }
}
