/// A calendar month, quarter or year (SPEC §1 "Periods").
///
/// Periods are stored as one integer `ordinal` per granularity so that windows are integer
/// ranges and "the next period" is `ordinal + 1`:
/// month = `year * 12 + (month - 1)`, quarter = `year * 4 + (quarter - 1)`, year = `year`.
/// A month ordinal divided by 3 (or 12) is the ordinal of the quarter (or year) holding it.
package struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    package let granularity: Granularity
    package let ordinal: Int

    package init(_ granularity: Granularity, ordinal: Int) {
        self.granularity = granularity
        self.ordinal = ordinal
    }

    package init(year: Int, month: Int) {
        self.init(.month, ordinal: year * 12 + month - 1)
    }

    package init(year: Int, quarter: Int) {
        self.init(.quarter, ordinal: year * 4 + quarter - 1)
    }

    package init(year: Int) {
        self.init(.year, ordinal: year)
    }

    package var year: Int {
        switch granularity {
        case .month: ordinal / 12
        case .quarter: ordinal / 4
        case .year: ordinal
        }
    }

    /// The month ordinal of this period's first month.
    package var firstMonthOrdinal: Int { ordinal * granularity.monthsPerPeriod }

    /// The month ordinal of this period's last month.
    package var lastMonthOrdinal: Int { firstMonthOrdinal + granularity.monthsPerPeriod - 1 }

    /// The ordinal at `granularity` of the period holding the month with ordinal `month`.
    package static func ordinal(ofMonth month: Int, at granularity: Granularity) -> Int {
        month / granularity.monthsPerPeriod
    }

    package static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.firstMonthOrdinal, lhs.granularity) < (rhs.firstMonthOrdinal, rhs.granularity)
    }

    /// The canonical spelling used in every output: `2024-03`, `2024Q1`, `2024`.
    package var description: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maximumSpellingLength) { buffer in
            let start = buffer.baseAddress!
            return String(decoding: UnsafeBufferPointer(start: start, count: put(at: start) - start), as: UTF8.self)
        }
    }

    /// The most bytes `put(at:)` stores.
    package static let maximumSpellingLength = DecimalDigits.maximumCount + 3

    /// Stores the canonical spelling (`description`) at `p` as bytes, for the writers that
    /// spell a period per output line; returns the pointer past it. The one home of the rule.
    @inlinable
    package func put(at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var q = DecimalDigits.put(year, at: p)
        switch granularity {
        case .month:
            q[0] = UInt8(ascii: "-")
            q = DecimalDigits.put(ordinal % 12 + 1, minimumWidth: 2, at: q + 1)
        case .quarter:
            q[0] = UInt8(ascii: "Q")
            q = DecimalDigits.put(ordinal % 4 + 1, at: q + 1)
        case .year:
            break
        }
        return q
    }
}
