/// The spot-check lists `jianfu sample` drew (SPEC §7 随机调研), kept in the state store so
/// that `--exclude-recent K` can leave out the units drawn in the months before. A second small
/// interface beside `ObservationStore`: the draws are not observations, and a store on a
/// server would implement both.
package protocol SampleLog: AnyObject {
    /// Records a drawn list and returns its number (increasing).
    func recordSample(_ sample: RecordedSample) throws -> Int64
    /// The units of `pipeline`'s lists drawn for the bulletin months `months`: for each month,
    /// those of the last list drawn for it (a redraw of a month replaces its list; the earlier
    /// ones stay in the log). Ordered by month, then position.
    func sampledUnits(pipeline: String, months: ClosedRange<Int>) throws -> [SampledUnit]
}

/// A unit drawn in an earlier list.
package struct SampledUnit: Sendable, Equatable {
    package let unitID: String
    /// The bulletin month (month ordinal) the list was drawn for.
    package let month: Int
    /// The list's number.
    package let sample: Int64
    /// Why it was drawn: `RecordedSample.Unit.reason` (`category:village`, `parent:ID`, `weighted`).
    package let reason: String

    package init(unitID: String, month: Int, sample: Int64, reason: String = "") {
        self.unitID = unitID
        self.month = month
        self.sample = sample
        self.reason = reason
    }
}

/// A drawn list as the store keeps it: enough to redraw it (seed, count, options, the run it
/// drew from) and to see what came out.
package struct RecordedSample: Sendable {
    /// One unit of the list, in the order drawn.
    package struct Unit: Sendable, Equatable {
        package let unitID: String
        package let weight: Double
        /// `SpotCheckReason.code`.
        package let reason: String

        package init(unitID: String, weight: Double, reason: String) {
            self.unitID = unitID
            self.weight = weight
            self.reason = reason
        }
    }

    package var pipeline: String
    /// The bulletin month (month ordinal: year × 12 + month − 1) the list is for: the last
    /// month of the evaluation window it was drawn from.
    package var month: Int
    package var seed: UInt64
    /// The `-n` asked for.
    package var requested: Int
    /// When it was drawn, ISO 8601 UTC.
    package var drawnAt: String
    /// The store run whose figures it was drawn from; `nil` when from the sources read then.
    package var run: Int64?
    /// `--exclude-recent`, 0 when not given.
    package var excludeRecent: Int
    package var includeRollups: Bool
    package var jianfuVersion: String
    package var units: [Unit]

    package init(
        pipeline: String, month: Int, seed: UInt64, requested: Int, drawnAt: String, run: Int64?, excludeRecent: Int,
        includeRollups: Bool, jianfuVersion: String, units: [Unit]
    ) {
        self.pipeline = pipeline
        self.month = month
        self.seed = seed
        self.requested = requested
        self.drawnAt = drawnAt
        self.run = run
        self.excludeRecent = excludeRecent
        self.includeRollups = includeRollups
        self.jianfuVersion = jianfuVersion
        self.units = units
    }
}
