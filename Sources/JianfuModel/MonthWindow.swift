/// A closed range of calendar months, read at any granularity (SPEC §3 "Windows").
///
/// Windows are kept in months; a metric reads them at its own granularity, where a month window
/// covers every quarter or year it touches (`2018-01...2018-12` is `2018` for a yearly metric).
package struct MonthWindow: Sendable, Equatable, CustomStringConvertible {
    /// Month ordinals (`year * 12 + month - 1`) of the first and last month.
    package let first: Int
    package let last: Int

    package init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }

    /// The window from the first month of `from` to the last month of `to`: a bound coarser than
    /// a month is read as the whole period (`from: 2018` is 2018-01, `to: 2018` is 2018-12).
    package init(from: Period, to: Period) {
        self.init(first: from.firstMonthOrdinal, last: to.lastMonthOrdinal)
    }

    /// The `count` calendar months ending at the month with ordinal `lastMonth`.
    package init(months count: Int, endingAt lastMonth: Int) {
        self.init(first: lastMonth - count + 1, last: lastMonth)
    }

    /// The same window one year earlier (同比: the prior window, `baseline: previous_year`).
    package var previousYear: MonthWindow { MonthWindow(first: first - 12, last: last - 12) }

    /// The ordinals of the periods of `granularity` this window touches.
    package func ordinals(at granularity: Granularity) -> ClosedRange<Int> {
        Period.ordinal(ofMonth: first, at: granularity)...Period.ordinal(ofMonth: last, at: granularity)
    }

    package var firstMonth: Period { Period(.month, ordinal: first) }
    package var lastMonth: Period { Period(.month, ordinal: last) }

    package var description: String { "\(firstMonth)..\(lastMonth)" }
}

extension Array where Element == ClosedRange<Int> {
    /// The same ordinals as ascending, disjoint ranges, adjacent ones joined.
    package func coalesced() -> [ClosedRange<Int>] {
        var merged: [ClosedRange<Int>] = []
        for span in sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, span.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...Swift.max(last.upperBound, span.upperBound)
            } else {
                merged.append(span)
            }
        }
        return merged
    }
}
