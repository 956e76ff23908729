import JianfuModel

/// A window's level (SPEC §3): the mean of the values of the periods in the window that have an
/// observation, and how many periods that is. Missing periods are missing, never zero.
package struct Level: Sendable, Equatable {
    package let mean: Double?
    package let periods: Int

    /// The level of `series` (sorted by ordinal) over the ordinals `range`.
    package init(_ series: [ObservationTable.Entry], over range: ClosedRange<Int>) {
        var i = ObservationTable.lowerBound(series, Int32(clamping: range.lowerBound))
        var sum = 0.0
        var count = 0
        let upper = Int32(clamping: range.upperBound)
        while i < series.count, series[i].ordinal <= upper {
            sum += series[i].value
            count += 1
            i += 1
        }
        mean = count > 0 ? sum / Double(count) : nil
        periods = count
    }
}
