/// How long one period of a metric is (SPEC §3): every observation of a metric is of its
/// granularity, and quarter or year values are never spread over months.
package enum Granularity: String, Sendable, CaseIterable, Comparable {
    case month, quarter, year

    /// Calendar months in one period of this granularity.
    package var monthsPerPeriod: Int {
        switch self {
        case .month: 1
        case .quarter: 3
        case .year: 12
        }
    }

    package static func < (lhs: Granularity, rhs: Granularity) -> Bool {
        lhs.monthsPerPeriod < rhs.monthsPerPeriod
    }
}
