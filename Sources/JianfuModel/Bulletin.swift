/// The issue header of the monthly bulletin (月通报, SPEC §6): who issues it, from which month
/// the issues are numbered, and the time zone its readers live in (pipeline key `bulletin:`,
/// every sub-key optional).
///
/// The bulletin month of a run is the last month of its evaluation window; its 期号 is counted
/// from `firstIssue` (`IssueNumber`). Times a person reads (the HTML pages, `jianfu unit`) are
/// shown in `timeZone`; machine fields (`summary.json`'s `run.started_at`, the log) stay UTC.
package struct Bulletin: Sendable, Equatable {
    /// The time zone when the pipeline names none: UTC, so that the same run gives the same
    /// pages on any machine; the pages say "UTC" beside every time.
    package static let defaultTimeZone = "UTC"

    /// The issuing office (发文机关), e.g. 示例县减轻基层负担工作专班办公室; `nil`: not stated.
    package var issuer: String?
    /// The month of issue 1 (第1期); `nil`: issues are not numbered.
    package var firstIssue: Period?
    /// An IANA time zone identifier such as `Asia/Shanghai`, checked when the pipeline is read.
    package var timeZone: String

    package init(issuer: String? = nil, firstIssue: Period? = nil, timeZone: String = Bulletin.defaultTimeZone) {
        self.issuer = issuer
        self.firstIssue = firstIssue
        self.timeZone = timeZone
    }

    /// The 期号 of the bulletin whose month is `month` (a month ordinal, as `MonthWindow`'s);
    /// `nil` without `firstIssue` or when `month` comes before it.
    package func issue(forMonth month: Int) -> IssueNumber? {
        firstIssue.flatMap { IssueNumber(month: Period(.month, ordinal: month), firstIssue: $0) }
    }
}

/// A bulletin's 期号 (SPEC §6): issues are monthly, issue 1 being the month `first_issue`, so the
/// number is the count of months from `first_issue` to the bulletin month, both included —
/// first_issue 2024-01: 2024-01 → 第1期, 2024-12 → 第12期, 2025-02 → 第14期.
///
/// A month before `first_issue` has no number (the bulletin is a rerun of the time before
/// numbering began, e.g. with `--as-of`); it is not an error.
package struct IssueNumber: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// 1 for the first issue.
    package let value: Int

    /// `nil` when `month` is before `firstIssue`. Both are months (a quarter or year counts
    /// from its first month).
    package init?(month: Period, firstIssue: Period) {
        let value = month.firstMonthOrdinal - firstIssue.firstMonthOrdinal + 1
        guard value >= 1 else { return nil }
        self.value = value
    }

    package static func < (lhs: IssueNumber, rhs: IssueNumber) -> Bool { lhs.value < rhs.value }

    /// `第12期`.
    package var description: String { "第\(value)期" }
}
