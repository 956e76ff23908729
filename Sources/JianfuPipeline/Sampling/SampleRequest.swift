/// What `jianfu sample` is asked for (SPEC §7 随机调研).
package struct SampleRequest: Sendable, Equatable {
    /// `-n`: how many units, at least 1.
    package var count: Int
    /// `--seed`: the generator's seed (`Xoshiro256StarStar(seed:)`).
    package var seed: UInt64
    /// `--exclude-recent K`: leave out the units drawn for the K bulletin months before this
    /// one; `nil` when not given.
    package var excludeRecent: Int?
    /// `--include-rollups`: units with descendants may be drawn too (else leaf units only).
    package var includeRollups: Bool

    package init(count: Int, seed: UInt64, excludeRecent: Int? = nil, includeRollups: Bool = false) {
        self.count = count
        self.seed = seed
        self.excludeRecent = excludeRecent
        self.includeRollups = includeRollups
    }
}

/// Why `jianfu sample` cannot draw as asked: bad arguments for this pipeline (exit 2).
package enum SampleError: Error, Sendable, Equatable {
    /// `-n` below 1.
    case countBelowOne(Int)
    /// `--exclude-recent` below 1.
    case excludeRecentBelowOne(Int)
    /// `--exclude-recent` with `state: none`: no earlier lists are kept.
    case excludeRecentWithoutState(pipeline: String)
    /// Every unit that could be drawn was drawn in the months `--exclude-recent` leaves out.
    case nothingEligible(pipeline: String, units: Int, months: String)
    /// `--output` names a file that is not a list jianfu wrote.
    case outputNotOurs(path: String)
}

extension SampleError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .countBelowOne(let n):
            return "-n must be at least 1, found \(n)"
        case .excludeRecentBelowOne(let k):
            return "--exclude-recent must be at least 1 (months), found \(k)"
        case .excludeRecentWithoutState(let pipeline):
            return "--exclude-recent needs the lists drawn in earlier months, which are kept in the state store, "
                + "but pipeline \(pipeline) has state: none; give it a state store (state: PATH) or leave --exclude-recent out"
        case .nothingEligible(let pipeline, let units, let months):
            return "no unit of pipeline \(pipeline) is left to draw: all \(units) were drawn for \(months); "
                + "give a smaller --exclude-recent"
        case .outputNotOurs(let path):
            return "\(path) exists and is not a sample list jianfu wrote (its first line is not "
                + "\(SampleCSVWriter.header.joined(separator: ","))); jianfu does not overwrite it: choose another --output"
        }
    }
}
