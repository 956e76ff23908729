import JianfuIndicators
import JianfuModel

/// What the writers need besides the evaluation: the run and its data quality (SPEC §5, §6).
/// The pipeline's evaluate stage fills it in (`PipelineRunner.evaluate(_:store:)`); it lives with
/// the writers that read it, since it holds the ledger (`JianfuIndicators`), which Model cannot.
package struct RunInfo: Sendable {
    package var runID: String
    /// ISO 8601 UTC.
    package var startedAt: String
    /// Seconds since the epoch.
    package var startedAtEpoch: Double
    package var pipelineName: String
    package var pipelineFile: String
    package var jianfuVersion: String
    package var sources: [SourceReport]
    package var rejections: [Rejection]
    package var maxRejected: Double?
    /// SHA-256 of the pipeline file (empty when not known).
    package var pipelineSHA256 = ""
    /// The state store's path, or `none` (SPEC §8).
    package var state = "none"
    /// `--as-of`, as `YYYY-MM`.
    package var asOf: String?
    /// Per source name: its fingerprint and whether it was read again.
    package var manifest: [String: SourceManifest] = [:]
    /// The issue header (`bulletin:`, SPEC §6): issuer, 期号, time zone.
    package var bulletin = Bulletin()
    /// The run's start in the bulletin's time zone: the date of issue, and every time the
    /// pages show a person. Set with `bulletin` (UTC until then).
    package var issuedAt: LocalTime
    /// The spot-check list (随机调研) drawn for this bulletin's month with `jianfu sample`, for
    /// the written bulletin's 五、下月随机调研名单; `nil` when none was drawn (or no store).
    package var spotCheck: [SpotCheckEntry]?
    /// The rectification ledger (整改台账) of this bulletin's alerts against the earlier ones
    /// (SPEC §6 `alerts.csv` `first_seen,months_open,status`); `nil` when not computed (the
    /// ledger columns are then empty).
    package var ledger: RectificationLedger.Result?
    /// The stored values this run replaced (SPEC §6 `corrections.csv`); empty with `state: none`.
    package var replacedValues: [Correction] = []

    package init(
        runID: String, startedAt: String, startedAtEpoch: Double, pipelineName: String, pipelineFile: String,
        jianfuVersion: String, sources: [SourceReport], rejections: [Rejection], maxRejected: Double?
    ) {
        self.runID = runID
        self.startedAt = startedAt
        self.startedAtEpoch = startedAtEpoch
        self.pipelineName = pipelineName
        self.pipelineFile = pipelineFile
        self.jianfuVersion = jianfuVersion
        self.sources = sources
        self.rejections = rejections
        self.maxRejected = maxRejected
        issuedAt = LocalTime(epochSeconds: Int(startedAtEpoch), utcOffset: 0, zone: Bulletin.defaultTimeZone)
    }

    /// The 期号 of this run's bulletin: its month is the evaluation window's last month.
    package func issue(_ evaluation: Evaluation) -> IssueNumber? {
        bulletin.issue(forMonth: evaluation.windows.current.last)
    }

    /// Run totals over the observation sources (SPEC §5).
    package var quality: DataQuality { DataQuality(sources: sources) }

    /// Stored values this run's reads changed (SPEC §5 corrections).
    package var corrections: Int { manifest.corrections }
}

/// One unit of the spot-check list a bulletin names (SPEC §7 `jianfu sample`), in draw order.
package struct SpotCheckEntry: Sendable, Equatable {
    package var unitID: String
    /// Why it was drawn, in words (`SpotCheckReason`).
    package var reason: String

    package init(unitID: String, reason: String) {
        self.unitID = unitID
        self.reason = reason
    }
}
