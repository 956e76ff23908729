import JianfuModel

/// Where a pipeline's observations live between runs (SPEC §8): the units and values every
/// source gave, what each source looked like when it was last read, and the log of runs.
///
/// A run talks to the store in this order:
/// 1. `lockForRun` — one run at a time (SPEC §7 exit 4);
/// 2. `beginRun` — the run is logged as `running` (a run found `running` later was killed);
/// 3. `beginChanges`, then `source(named:)` for each source, `recordUnits` /
///    `recordObservations` for those read again, `observedUnits` and `readValues` to build the
///    table the indicators are computed from, `saveScores`; then `commitChanges`, or `rollbackChanges` when the run
///    fails — one transaction per run, so a crash at any moment leaves the store as the last
///    successful run left it;
/// 4. `finishRun` with the outcome and exit code, then `unlockRun`. A successful run logs
///    `committed` in its transaction, then `ok` once its reports are in place.
///
/// Everything crosses this protocol as plain values (`ObservationBatch` in, `StoredValues`
/// out, records of runs and sources): the pipeline builds its grid from what the store
/// returns, and never hands a store its in-memory table. Ingest and indicators never see an
/// implementation: `SQLiteStore` is the embedded one; a shared server (PostgreSQL, with an
/// advisory lock in place of the lock file) is a second implementation of the same methods,
/// and one conformance suite runs against both.
///
/// A run may call its store from more than one thread (the ledger's read of earlier bulletins
/// beside `recordBulletin` and `saveScores`, while the reports are written): an implementation
/// lets one call in at a time (`SQLiteStore` through GRDB's queue, `PostgreSQLStore` through a
/// lock around its connection).
package protocol ObservationStore: AnyObject {
    /// Where the store is, as logs and `summary.json` (`run.state`) name it.
    var location: String { get }

    // MARK: The run

    /// Takes the store's run lock, or throws `StoreError.locked` naming the live holder. A lock
    /// left by a process that died is taken over; the returned holder is then that process.
    func lockForRun(_ holder: LockHolder) throws -> LockHolder?
    /// Releases the run lock.
    func unlockRun()
    /// Logs a run as `running` and returns its number. Runs from before that did not log their
    /// end are settled (`RunRecord.settled`): `running` ones (killed before their commit)
    /// become `interrupted`; `committed` ones `ok` when `reportsRunID` — the run whose reports
    /// are in place — is theirs, else `committed_reports_failed`.
    func beginRun(_ run: RunStart, reportsRunID: String?) throws -> Int64
    /// Logs how the run ended; with `committed`, inside the run's transaction, just before
    /// `commitChanges`, so that the log says the data was kept exactly when it was.
    func finishRun(_ number: Int64, _ end: RunEnd) throws
    /// The latest runs, newest first.
    func recentRuns(limit: Int) throws -> [RunRecord]

    // MARK: The run's changes, one transaction

    func beginChanges() throws
    func commitChanges() throws
    func rollbackChanges()
    /// Makes the stored metrics those of the pipeline. A metric whose granularity changed loses
    /// its stored values and their history (their period ordinals meant other periods) when it
    /// is in `dropping`; otherwise nothing is changed and `StoreError.granularityChanged` names
    /// every such metric. Returns the changes made.
    func syncMetrics(_ metrics: [Metric], dropping: Set<String>) throws -> [GranularityChange]

    // MARK: Sources

    /// What the store knows of a source from its last read, or `nil` when it was never read.
    func source(named name: String) throws -> StoredSource?
    /// The rejections of a source's last read, in file order.
    func rejections(source name: String) throws -> [Rejection]
    /// The units a units source held at its last read, in file order.
    func declaredUnits(source name: String) throws -> [MonitoredUnit]
    /// Records a read of a units source: replaces its units, rejections and totals.
    func recordUnits(_ units: [MonitoredUnit], read: SourceRead, run: Int64) throws
    /// Records a read of an observations source: its totals and rejections replace the last
    /// read's, and every value in `batch` is stored — a key stored before gets the new value,
    /// the old one kept in the history when it differs (a correction, SPEC §5), keys the read
    /// did not give stay as they were (a nightly file of the latest month adds to the months
    /// before it). The units `batch.named` marks are recorded as named by the source (with
    /// the name it gave, when it gave one). Returns what changed.
    func recordObservations(_ batch: ObservationBatch, read: SourceRead, run: Int64) throws -> MergeCount

    // MARK: Reading back

    /// The units the observation sources `sources` named (including rows rejected for other
    /// reasons), in the order they first reached the store, each with the first non-empty
    /// name the sources gave it in the order of `sources`.
    func observedUnits(sources: [String]) throws -> [ObservedUnit]
    /// The stored values of source `source` of pipeline `pipeline` (`nil`: this store's own)
    /// for `metric` (matched by id and granularity), handed to `body` in batches in key order
    /// (period, then unit) — a store hands a period, or a few, at a time, so a night's reading
    /// never holds all its values twice — with `StoredValues.units` holding that pipeline's
    /// store unit numbers (`ObservedUnit.storeID`). A batch is only valid during the call.
    /// `units` (ascending store numbers) keeps only those units — `jianfu unit` asks for a
    /// few, and a store may then look them up rather than read every value; `nil` reads all.
    /// `periods` keeps only the periods in it (ordinals at the metric's granularity; `nil`:
    /// all) — a night whose outputs read no series reads only what its windows need.
    /// A source never read, or a metric it never gave, has no values (`body` is not called).
    func readValues(
        of pipeline: String?, source: String, metric: Metric, units: [Int32]?, periods: ClosedRange<Int32>?,
        _ body: (StoredValues) throws -> Void) throws
    /// The periods (ascending ordinals at the metric's granularity) for which source `source` of
    /// pipeline `pipeline` (`nil`: this store's own) holds a value of `metric`: what
    /// `readValues` would hand on, without reading a value.
    func periods(of pipeline: String?, source: String, metric: Metric) throws -> [Int32]

    // MARK: Other pipelines' values (a store shared by several pipelines, SPEC §8)

    /// The observation sources the other pipelines of the store wrote, the one read longest
    /// ago first (a key given by several pipelines takes the value of the source read last).
    func sharedSources() throws -> [SharedSource]
    /// `observedUnits(sources:)` of another pipeline's sources, with that pipeline's store
    /// numbers (those `values(of:source:metric:units:)` gives for the same pipeline).
    func observedUnits(of pipeline: String, sources: [String]) throws -> [ObservedUnit]
    // MARK: Scores of the last successful run (`jianfu unit`)

    /// Replaces the stored composites with those of this run.
    func saveScores(_ scores: [UnitScore], run: Int64) throws
    /// The composites of the last run that saved them, with that run.
    func scores() throws -> (run: Int64, scores: [UnitScore])?

    // MARK: Bulletins (the rectification ledger, SPEC §6 `alerts.csv` `first_seen,months_open,status`)

    /// Records the alerts of pipeline `pipeline`'s bulletin for `month` (a month ordinal),
    /// issued by `run`, replacing what an earlier run recorded for the same month. Part of the
    /// run's transaction: call it between `beginChanges` and `commitChanges`, so a failed run
    /// records nothing.
    func recordBulletin(pipeline: String, month: Int, alerts: [StoredAlert], run: Int64) throws
    /// The newest bulletin of `pipeline` before `month`, set against `alerts` (`BulletinMatch`:
    /// its month and run, which of `alerts` it raised and, when `others`, its alerts not among
    /// them); `nil` when there is none. Reads that one bulletin, in its key order, without
    /// hashing its alerts: the ledger walks back one bulletin at a time, asking each older one
    /// only about the alerts still open.
    func bulletin(pipeline: String, before month: Int, matching alerts: [StoredAlert], others: Bool) throws -> BulletinMatch?

    // MARK: Corrections (SPEC §5, §6 `corrections.csv`)

    /// The stored values run `run` replaced, from `observation_history`: by source (in the
    /// order the store first saw them), metric, period, unit.
    func corrections(run: Int64) throws -> [Correction]
}

extension ObservationStore {
    /// Every stored value of the store's own source `source` for `metric` (`readValues`) in one
    /// `StoredValues`.
    package func values(source: String, metric: Metric, units: [Int32]?) throws -> StoredValues {
        try values(of: nil, source: source, metric: metric, units: units)
    }

    /// `values(source:metric:units:)` of pipeline `pipeline`'s source (`nil`: the store's own).
    package func values(of pipeline: String?, source: String, metric: Metric, units: [Int32]?) throws -> StoredValues {
        var all = StoredValues()
        try readValues(of: pipeline, source: source, metric: metric, units: units, periods: nil) { all.append(contentsOf: $0) }
        return all
    }

    /// `beginRun` with no report of a run in place.
    @discardableResult
    package func beginRun(_ run: RunStart) throws -> Int64 { try beginRun(run, reportsRunID: nil) }
}
