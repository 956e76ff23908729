import JianfuModel

/// How a source's content is recognised from one run to the next (SPEC §8): its size and
/// SHA-256, plus what the server said of it (HTTP `ETag`, `Last-Modified`) or the file's
/// modification time. Two reads of the same content have the same `size` and `sha256`; the
/// rest is kept for people (and the run manifest in `summary.json`).
package struct SourceFingerprint: Sendable, Equatable {
    package var size: Int64
    /// Nanoseconds since the epoch (files only).
    package var modified: Int64?
    /// Lowercase hex.
    package var sha256: String
    package var etag: String?
    package var lastModified: String?

    package init(size: Int64, modified: Int64? = nil, sha256: String, etag: String? = nil, lastModified: String? = nil) {
        self.size = size
        self.modified = modified
        self.sha256 = sha256
        self.etag = etag
        self.lastModified = lastModified
    }

    /// The same bytes (the modification time and the HTTP validators may differ).
    package func sameContent(as other: SourceFingerprint) -> Bool {
        size == other.size && sha256 == other.sha256
    }
}

/// One read of a source, as the store records it.
package struct SourceRead: Sendable {
    package var fingerprint: SourceFingerprint
    /// A digest of how the source was read (its pipeline keys, the metrics, the declared
    /// units): a source whose content is unchanged is read again when this changes.
    package var readKey: String
    /// The latest month a period could be (later ones were rejected as `future_period`).
    package var currentMonth: Int
    /// Its totals; `overrides` is not kept (it depends on the other sources, SPEC §5).
    package var report: SourceReport
    package var rejections: [Rejection]

    package init(fingerprint: SourceFingerprint, readKey: String, currentMonth: Int, report: SourceReport, rejections: [Rejection]) {
        self.fingerprint = fingerprint
        self.readKey = readKey
        self.currentMonth = currentMonth
        self.report = report
        self.rejections = rejections
    }
}

/// What the store knows of a source from its last read.
package struct StoredSource: Sendable {
    package var fingerprint: SourceFingerprint
    package var readKey: String
    package var currentMonth: Int
    package var report: SourceReport
    /// The run that read it last, and when that run started (ISO 8601 UTC).
    package var readRun: Int64
    package var readAt: String
}

/// Values of one source and one metric as parallel columns, in key order: by period, then unit.
package struct StoredValues: Sendable, Equatable {
    /// Period ordinals at the metric's granularity (`Period.ordinal`).
    package var periods: [Int32] = []
    /// In an `ObservationBatch`, an index into `ObservationBatch.units`; from
    /// `ObservationStore.values`, the store's unit number (`ObservedUnit.storeID`).
    package var units: [Int32] = []
    package var values: [Double] = []
    /// The physical line of the source the value came from (0 when not known).
    package var lines: [UInt32] = []

    package init() {}

    package var count: Int { periods.count }

    package mutating func append(period: Int32, unit: Int32, value: Double, line: UInt32) {
        periods.append(period)
        units.append(unit)
        values.append(value)
        lines.append(line)
    }

    package mutating func reserveCapacity(_ n: Int) {
        periods.reserveCapacity(n)
        units.reserveCapacity(n)
        values.reserveCapacity(n)
        lines.reserveCapacity(n)
    }

    package mutating func append(contentsOf other: StoredValues) {
        periods.append(contentsOf: other.periods)
        units.append(contentsOf: other.units)
        values.append(contentsOf: other.values)
        lines.append(contentsOf: other.lines)
    }

    /// Empties the columns, keeping their storage for the next batch.
    package mutating func removeAll() {
        periods.removeAll(keepingCapacity: true)
        units.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
    }

    /// (period, unit) packed so that integer order is key order.
    @inline(__always) package func key(_ i: Int) -> Int64 { Int64(periods[i]) << 32 | Int64(UInt32(bitPattern: units[i])) }

    /// Sorts by key; one pass and no change when the values are in key order already.
    package mutating func sortByKey() {
        guard (1..<max(count, 1)).contains(where: { key($0 - 1) > key($0) }) else { return }
        let order = (0..<count).sorted { key($0) < key($1) }
        periods = order.map { periods[$0] }
        units = order.map { units[$0] }
        values = order.map { values[$0] }
        lines = order.map { lines[$0] }
    }
}

/// One read of an observations source, as the store records it (`recordObservations`).
package struct ObservationBatch: Sendable {
    /// The unit codes the read knows (declared units first, then those the data named);
    /// `StoredValues.units` index into it.
    package var units: [String]
    /// The name the source gave each unit, parallel to `units` ("" for none).
    package var names: [String]
    /// Parallel to `units`: whether the source named the unit — gave it a value or a name, or
    /// named it in a row (rejected or not) without its being declared. Only these units are
    /// recorded as the source's (`observedUnits`).
    package var named: [Bool]
    /// The pipeline's metrics, and parallel to them each metric's values (in key order, or
    /// not: the store sorts them).
    package var metrics: [Metric]
    package var values: [StoredValues]

    package init(units: [String], names: [String], named: [Bool], metrics: [Metric], values: [StoredValues]) {
        self.units = units
        self.names = names
        self.named = named
        self.metrics = metrics
        self.values = values
    }
}

/// What recording a read changed (SPEC §5 "corrections").
package struct MergeCount: Sendable, Equatable {
    /// Keys the store did not hold for this source.
    package var added = 0
    /// Keys whose stored value changed; the old value is in the history.
    package var corrections = 0

    package init(added: Int = 0, corrections: Int = 0) {
        self.added = added
        self.corrections = corrections
    }
}

/// A unit that observation rows named, with the store's number for it.
package struct ObservedUnit: Sendable, Equatable {
    package var storeID: Int32
    package var id: String
    /// The first non-empty name the sources gave it (in the order they were asked for).
    package var name: String

    package init(storeID: Int32, id: String, name: String = "") {
        self.storeID = storeID
        self.id = id
        self.name = name
    }
}

/// A unit's composite in a run, for ranking one unit without evaluating all (`jianfu unit`).
package struct UnitScore: Sendable, Equatable {
    package var unitID: String
    package var category: String
    package var composite: Double?

    package init(unitID: String, category: String, composite: Double?) {
        self.unitID = unitID
        self.category = category
        self.composite = composite
    }
}

/// Who holds (or held) the run lock.
package struct LockHolder: Sendable, Equatable {
    package var pid: Int32
    /// ISO 8601 UTC.
    package var since: String
    /// The machine it runs on, when the lock says (a lock file written before it did, or a
    /// holder not yet read back, does not).
    package var host: String?

    package init(pid: Int32, since: String, host: String? = nil) {
        self.pid = pid
        self.since = since
        self.host = host
    }
}

/// How a run ended, in the run log.
package enum RunOutcome: String, Sendable, CaseIterable {
    case running
    case ok
    /// Stopped by an error (exit 1 or 2).
    case failed
    /// Data quality over `max_rejected` (exit 3).
    case dataQuality = "data_quality"
    /// Found `running` by a later run: the process died (kill -9, power loss) before its
    /// data was committed; nothing of it was kept.
    case interrupted
    /// The run's data is committed and its reports are being put in place (logged in the
    /// same transaction as the data). Found so by a later run: the process died, or could not
    /// log its end (a full disk), after the commit; it is settled to `ok` when the reports in
    /// place are the run's, else to `committed_reports_failed` (`RunRecord.settled`).
    case committed
    /// The run's data is committed to the store, but its reports could not be put in place
    /// (exit 1): the previous reports stay until the next run that succeeds.
    case committedReportsFailed = "committed_reports_failed"
}

/// A run as it starts.
package struct RunStart: Sendable {
    /// The run id of `summary.json`.
    package var runID: String
    /// ISO 8601 UTC.
    package var startedAt: String
    package var pid: Int32
    package var pipelineSHA256: String
    package var jianfuVersion: String
    /// `--as-of`, as `YYYY-MM`.
    package var asOf: String?

    package init(runID: String, startedAt: String, pid: Int32, pipelineSHA256: String, jianfuVersion: String, asOf: String?) {
        self.runID = runID
        self.startedAt = startedAt
        self.pid = pid
        self.pipelineSHA256 = pipelineSHA256
        self.jianfuVersion = jianfuVersion
        self.asOf = asOf
    }
}

/// A run's totals and how it ended.
package struct RunEnd: Sendable {
    package var outcome: RunOutcome
    package var exitCode: Int32
    /// ISO 8601 UTC.
    package var finishedAt: String
    package var message: String?
    /// Sources read again (not unchanged).
    package var sourcesRead = 0
    /// The run's data-quality totals (SPEC §5). The run log keeps rows read, rows and cells
    /// rejected and observations; blank lines and overrides are not kept (0 when read back).
    package var quality = DataQuality()
    package var corrections = 0
    /// The latest month with data in the whole store, which ends `{months: N}` windows.
    package var latestMonth: Int?

    package init(outcome: RunOutcome, exitCode: Int32, finishedAt: String, message: String? = nil) {
        self.outcome = outcome
        self.exitCode = exitCode
        self.finishedAt = finishedAt
        self.message = message
    }
}

/// One line of the run log (`jianfu history`).
package struct RunRecord: Sendable {
    package var number: Int64
    package var start: RunStart
    package var end: RunEnd?
    /// `running` while `end` is nil.
    package var outcome: RunOutcome { end?.outcome ?? .running }

    /// The outcome of a run that did not log its end, judged after it: `running` → `interrupted`
    /// (nothing was kept), `committed` → `ok` when `reportsRunID` (the run whose reports are in
    /// place, from the report folder's marker) is this run, else `committed_reports_failed`.
    /// `live`: the run's process still runs, so a `committed` run is still putting its reports
    /// in place. Any other outcome is the one logged.
    package func settled(reportsRunID: String?, live: Bool = false) -> RunOutcome {
        switch outcome {
        case .running: live ? .running : .interrupted
        case .committed: start.runID == reportsRunID ? .ok : live ? .committed : .committedReportsFailed
        default: outcome
        }
    }
}

/// One alert of a stored bulletin (the rectification ledger, SPEC §6): its unit, metric (empty
/// for `stale`) and rule, as `alerts.csv` spells them.
package struct StoredAlert: Sendable, Hashable {
    package var unitID: String
    package var metric: String
    package var rule: String

    package init(unitID: String, metric: String, rule: String) {
        self.unitID = unitID
        self.metric = metric
        self.rule = rule
    }
}

/// The alerts a bulletin raised: its month (the evaluation window's last month, as a month
/// ordinal), the run that issued it, and its alerts (possibly none).
package struct StoredBulletin: Sendable, Equatable {
    package var month: Int
    package var run: Int64
    package var alerts: Set<StoredAlert>

    package init(month: Int, run: Int64, alerts: Set<StoredAlert>) {
        self.month = month
        self.run = run
        self.alerts = alerts
    }
}

/// An observation source that another pipeline wrote into a store shared by several pipelines
/// (SPEC §8): a pipeline evaluates its declared units with the values of every pipeline.
package struct SharedSource: Sendable, Equatable {
    /// The `name:` of the pipeline that reads it.
    package var pipeline: String
    /// The source's name in that pipeline.
    package var name: String
    /// That pipeline's run that last read it, and when (ISO 8601 UTC).
    package var readRun: Int64
    package var readAt: String

    package init(pipeline: String, name: String, readRun: Int64, readAt: String) {
        self.pipeline = pipeline
        self.name = name
        self.readRun = readRun
        self.readAt = readAt
    }
}
