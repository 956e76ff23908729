import JianfuModel
import Testing

/// The bulletin's 期号 (SPEC §6): issues counted by month from `first_issue`.
@Suite struct BulletinIssueTests {
    @Test func issuesAreCountedByMonthFromTheFirst() throws {
        let first = Period(year: 2024, month: 1)
        // 2024-01 is issue 1 itself; 2024-12 is 11 months later: 1 + 11 = 12;
        // 2025-02 is 12 + 1 = 13 months later: 1 + 13 = 14.
        #expect(IssueNumber(month: Period(year: 2024, month: 1), firstIssue: first)?.value == 1)
        #expect(IssueNumber(month: Period(year: 2024, month: 12), firstIssue: first)?.value == 12)
        #expect(IssueNumber(month: Period(year: 2025, month: 2), firstIssue: first)?.value == 14)
        #expect(IssueNumber(month: Period(year: 2024, month: 12), firstIssue: first)?.description == "第12期")
        // A first issue in the middle of a year: 2023-07 → 2024-12 is 17 months later: 第18期.
        #expect(IssueNumber(month: Period(year: 2024, month: 12), firstIssue: Period(year: 2023, month: 7))?.value == 18)
    }

    @Test func aMonthBeforeTheFirstIssueHasNoNumber() {
        let first = Period(year: 2024, month: 1)
        #expect(IssueNumber(month: Period(year: 2023, month: 12), firstIssue: first) == nil)
        #expect(IssueNumber(month: Period(year: 2020, month: 6), firstIssue: first) == nil)
    }

    @Test func theBulletinMonthIsAMonthOrdinal() {
        let bulletin = Bulletin(issuer: "减负办", firstIssue: Period(year: 2024, month: 1))
        // Month ordinals are year * 12 + month - 1: 2024-12 → 24299.
        #expect(bulletin.issue(forMonth: 2024 * 12 + 11)?.value == 12)
        #expect(Bulletin().issue(forMonth: 2024 * 12 + 11) == nil, "no first_issue: no number")
    }
}
