import Foundation
import JianfuModel

/// Reads `bulletin:` (SPEC §6, the issue header): `issuer` (the issuing office's name),
/// `first_issue` (the month of 第1期, `YYYY-MM`) and `timezone` (an IANA name such as
/// `Asia/Shanghai`, checked against the system's time zone database). Every key is optional;
/// without `timezone` times are shown in UTC (`Bulletin.defaultTimeZone`).
enum BulletinSection {
    static let keys = ["issuer", "first_issue", "timezone"]

    static func read(_ node: ConfigNode?) throws -> Bulletin {
        guard let node else { return Bulletin() }
        let settings = try node.mapping("{issuer: OFFICE, first_issue: YYYY-MM, timezone: Asia/Shanghai}")
        try settings.allowOnly(keys)
        var bulletin = Bulletin()
        if let issuer = settings["issuer"] {
            let text = try issuer.text("the issuing office's name")
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw issuer.invalid("the issuing office's name") }
            bulletin.issuer = text
        }
        if let first = settings["first_issue"] {
            let expected = "the month of issue 1, such as 2024-01"
            guard let month = PeriodParser.parse(try first.text(expected)), month.granularity == .month else {
                throw first.invalid(expected)
            }
            bulletin.firstIssue = month
        }
        if let zone = settings["timezone"] {
            let expected = "an IANA time zone name such as Asia/Shanghai or UTC"
            let name = try zone.text(expected)
            guard TimeZone(identifier: name) != nil else { throw zone.invalid(expected) }
            bulletin.timeZone = name
        }
        return bulletin
    }

    /// The wall-clock time of `date` in `bulletin`'s zone (checked when the pipeline was read).
    static func localTime(_ date: Date, _ bulletin: Bulletin) -> LocalTime {
        let zone = TimeZone(identifier: bulletin.timeZone) ?? TimeZone(secondsFromGMT: 0)!
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        return LocalTime(epochSeconds: seconds, utcOffset: zone.secondsFromGMT(for: date), zone: bulletin.timeZone)
    }

    /// A stored ISO 8601 UTC time (a run's `started_at`) as a person reads it in `bulletin`'s
    /// zone: `2026-11-25 23:10 Asia/Shanghai`; the stored text itself when it does not parse.
    static func reading(utc: String, _ bulletin: Bulletin) -> String {
        guard let date = UTCTimestamp.date(utc) else { return utc }
        let local = localTime(date, bulletin)
        return local.clock + " " + local.zone
    }
}
