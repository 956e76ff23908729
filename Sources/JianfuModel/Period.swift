/// A calendar month, quarter or year (SPEC §1 "Periods").
///
/// Periods are stored as one integer `ordinal` per granularity so that windows are integer
/// ranges and "the next period" is `ordinal + 1`:
/// month = `year * 12 + (month - 1)`, quarter = `year * 4 + (quarter - 1)`, year = `year`.
/// A month ordinal divided by 3 (or 12) is the ordinal of the quarter (or year) holding it.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let granularity: Granularity
    public let ordinal: Int

    public init(_ granularity: Granularity, ordinal: Int) {
        self.granularity = granularity
        self.ordinal = ordinal
    }

    public init(year: Int, month: Int) {
        self.init(.month, ordinal: year * 12 + month - 1)
    }

    public init(year: Int, quarter: Int) {
        self.init(.quarter, ordinal: year * 4 + quarter - 1)
    }

    public init(year: Int) {
        self.init(.year, ordinal: year)
    }

    public var year: Int {
        switch granularity {
        case .month: ordinal / 12
        case .quarter: ordinal / 4
        case .year: ordinal
        }
    }

    /// The month ordinal of this period's first month.
    public var firstMonthOrdinal: Int { ordinal * granularity.monthsPerPeriod }

    /// The month ordinal of this period's last month.
    public var lastMonthOrdinal: Int { firstMonthOrdinal + granularity.monthsPerPeriod - 1 }

    /// The ordinal at `granularity` of the period holding the month with ordinal `month`.
    public static func ordinal(ofMonth month: Int, at granularity: Granularity) -> Int {
        month / granularity.monthsPerPeriod
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.firstMonthOrdinal, lhs.granularity) < (rhs.firstMonthOrdinal, rhs.granularity)
    }

    /// The canonical spelling used in every output: `2024-03`, `2024Q1`, `2024`.
    public var description: String {
        switch granularity {
        case .month:
            let m = ordinal % 12 + 1
            return "\(year)-" + (m < 10 ? "0\(m)" : "\(m)")
        case .quarter:
            return "\(year)Q\(ordinal % 4 + 1)"
        case .year:
            return "\(year)"
        }
    }
}
