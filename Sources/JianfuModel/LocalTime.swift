/// An instant as the clock on the wall of a time zone shows it (SPEC §6: times a person reads
/// are in the bulletin's zone, `Bulletin.timeZone`; machine fields stay UTC).
///
/// The offset is looked up by the caller (Foundation's `TimeZone`, in the pipeline target), so
/// this value and its spellings are plain arithmetic on the proleptic Gregorian calendar.
package struct LocalTime: Sendable, Equatable {
    package let year: Int, month: Int, day: Int
    package let hour: Int, minute: Int, second: Int
    /// Seconds east of UTC in force at the instant (`28800` for Asia/Shanghai).
    package let utcOffset: Int
    /// The zone's IANA identifier, as the pipeline names it (`UTC` by default).
    package let zone: String

    /// The wall-clock time `utcOffset` seconds east of UTC at `epochSeconds` (seconds since
    /// 1970-01-01T00:00:00Z).
    package init(epochSeconds: Int, utcOffset: Int, zone: String) {
        let local = epochSeconds + utcOffset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        self.utcOffset = utcOffset
        self.zone = zone
    }

    /// `+08:00`, `+00:00`, `-03:30`: never `Z`, so the offset is always explicit.
    package var offset: String {
        let sign = utcOffset < 0 ? "-" : "+"
        let minutes = abs(utcOffset) / 60
        return sign + Self.two(minutes / 60) + ":" + Self.two(minutes % 60)
    }

    /// ISO 8601 with the offset, for machine fields: `2026-11-25T23:10:00+08:00`.
    package var iso8601: String {
        "\(Self.four(year))-\(Self.two(month))-\(Self.two(day))T\(Self.two(hour)):\(Self.two(minute)):\(Self.two(second))" + offset
    }

    /// The date as a bulletin states it: `2026年11月25日`.
    package var chineseDate: String { "\(year)年\(month)月\(day)日" }

    /// To the minute, without the zone: `2026-11-25 23:10`.
    package var clock: String {
        "\(Self.four(year))-\(Self.two(month))-\(Self.two(day)) \(Self.two(hour)):\(Self.two(minute))"
    }

    /// For a person, to the minute, with the zone: `2026-11-25 23:10（Asia/Shanghai）`.
    package var reading: String { clock + "（\(zone)）" }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
    private static func four(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }
}

extension LocalTime {
    /// The civil date (proleptic Gregorian) `days` days after 1970-01-01 (negative: before).
    /// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil's inverse:
    /// eras of 400 years starting 0000-03-01.
    package static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
    }
}
