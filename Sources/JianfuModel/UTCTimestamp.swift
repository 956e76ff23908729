import Foundation

/// The one spelling of a moment for machines — the run log, `summary.json`, JSON log lines, the
/// HTTP cache, the spot-check log: ISO 8601 in UTC to the second, `2026-11-25T17:00:26Z`. Times
/// a person reads go through `LocalTime` in the bulletin's time zone instead.
package enum UTCTimestamp {
    /// `date` as `YYYY-MM-DDTHH:MM:SSZ`.
    package static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The moment an ISO 8601 time (as `string` writes it, or with another offset) names.
    package static func date(_ text: String) -> Date? {
        ISO8601DateFormatter().date(from: text)
    }
}
