import JianfuModel

/// The figures a monthly bulletin (月通报) states for a count metric (SPEC §6 "Bulletin
/// figures"): the bulletin month's value and its 环比, the 1—M月累计 and its 累计同比. The
/// bulletin month is the evaluation window's last month.
///
/// Only monthly `aggregate: sum` metrics have them: a mean (a survey score) has no total, and a
/// quarterly or yearly metric has no value for a month, so its figures are empty rather than
/// spread over months. Missing months are missing, never zero: `ytd` sums the months that have
/// a value and `ytd_months` says how many that is.
package struct BulletinFigures: Sendable, Equatable {
    /// The bulletin month's value (`month_value`).
    package let monthValue: Double?
    /// The month before's value, the divisor of `momRate`.
    package let previousMonthValue: Double?
    /// January to the bulletin month of its year, summed over the months with a value (`ytd`).
    package let ytd: Double?
    /// The same sum over the same months one year earlier (`ytd_prior`).
    package let ytdPrior: Double?
    /// The months from January to the bulletin month (M of 1—M月).
    package let spanMonths: Int
    /// Which months of the span have a value: bit k for January + k, this year and a year
    /// earlier.
    let monthsWithValue: UInt16
    let priorMonthsWithValue: UInt16

    /// How many months of the span have a value (`ytd_months`).
    package var ytdMonths: Int { monthsWithValue.nonzeroBitCount }
    /// How many months of the earlier span have a value.
    package var ytdPriorMonths: Int { priorMonthsWithValue.nonzeroBitCount }

    /// The figures of `series` (sorted by month ordinal) for the bulletin month with ordinal
    /// `month`.
    package init(_ series: [ObservationTable.Entry], bulletinMonth month: Int) {
        func value(_ ordinal: Int) -> Double? {
            let i = ObservationTable.lowerBound(series, Int32(clamping: ordinal))
            return i < series.count && Int(series[i].ordinal) == ordinal ? series[i].value : nil
        }
        func sum(_ range: ClosedRange<Int>) -> (Double?, UInt16) {
            var i = ObservationTable.lowerBound(series, Int32(clamping: range.lowerBound))
            var total = 0.0, present: UInt16 = 0
            while i < series.count, Int(series[i].ordinal) <= range.upperBound {
                total += series[i].value
                present |= 1 << UInt16(Int(series[i].ordinal) - range.lowerBound)
                i += 1
            }
            return (present != 0 ? total : nil, present)
        }
        let spans = Self.spans(bulletinMonth: month)
        monthValue = value(month)
        previousMonthValue = value(month - 1)
        spanMonths = spans.year.count
        (ytd, monthsWithValue) = sum(spans.year)
        (ytdPrior, priorMonthsWithValue) = sum(spans.priorYear)
    }

    /// The months the figures of bulletin month `month` read: January to `month` of its year,
    /// the same months a year earlier; and the month before `month` (环比), which is December
    /// of the year before for a January bulletin.
    package static func spans(bulletinMonth month: Int) -> (year: ClosedRange<Int>, priorYear: ClosedRange<Int>, previousMonth: Int) {
        let january = month - monthOfYear(month) + 1
        return (january...month, (january - 12)...(month - 12), month - 1)
    }

    /// The figures of a whole made of `parts` (for one bulletin month): each month's value is
    /// the sum over the parts that have one — a part without a value for a month is left out,
    /// never counted as zero — and a month has a value when any part has one. `nil` without
    /// parts.
    package init?(combining parts: [BulletinFigures]) {
        guard let first = parts.first else { return nil }
        func total(_ values: [Double?]) -> Double? {
            let present = values.compactMap { $0 }
            return present.isEmpty ? nil : present.reduce(0, +)
        }
        monthValue = total(parts.map(\.monthValue))
        previousMonthValue = total(parts.map(\.previousMonthValue))
        ytd = total(parts.map(\.ytd))
        ytdPrior = total(parts.map(\.ytdPrior))
        spanMonths = first.spanMonths
        monthsWithValue = parts.reduce(0) { $0 | $1.monthsWithValue }
        priorMonthsWithValue = parts.reduce(0) { $0 | $1.priorMonthsWithValue }
    }

    /// SPEC §6 `mom_rate` (环比): `(month_value - previous month) / previous month`; empty when
    /// either is missing or the previous month is 0.
    package var momRate: Double? { Rates.change(monthValue, from: previousMonthValue) }

    /// SPEC §6 `ytd_rate` (累计同比): `(ytd - ytd_prior) / ytd_prior`, only when both years have a
    /// value in every month of the span; empty too when `ytd_prior` is 0.
    package var ytdRate: Double? {
        guard ytdMonths == spanMonths, ytdPriorMonths == spanMonths else { return nil }
        return Rates.change(ytd, from: ytdPrior)
    }

    /// 1 to 12: the calendar month of a month ordinal (`year * 12 + month - 1`).
    package static func monthOfYear(_ month: Int) -> Int {
        let m = month % 12
        return (m < 0 ? m + 12 : m) + 1
    }

    /// Whether `metric` has bulletin figures: monthly count (`aggregate: sum`) metrics only.
    package static func applies(to metric: Metric) -> Bool {
        metric.aggregate == .sum && metric.granularity == .month
    }
}
