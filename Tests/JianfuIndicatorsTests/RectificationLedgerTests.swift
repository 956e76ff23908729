import JianfuIndicators
import Testing

/// The rectification ledger (SPEC §6 `first_seen,months_open,status`) on hand-made bulletins.
/// Months are ordinals (year × 12 + month − 1): 2024-01 = 24288.
@Suite struct RectificationLedgerTests {
    typealias Key = RectificationLedger.Key
    static let jan = 2024 * 12, feb = jan + 1, mar = jan + 2, apr = jan + 3
    let a = Key(unitID: "A", metric: "documents", rule: .rebound)
    let b = Key(unitID: "B", metric: "meetings", rule: .yoyIncrease)
    let c = Key(unitID: "C", metric: "", rule: .stale)

    @Test func withoutHistoryEveryAlertIsNew() {
        let ledger = RectificationLedger.compare(current: [a, b], month: Self.mar, history: [])
        #expect(ledger.open.map(\.status) == [.new, .new])
        #expect(ledger.open.map(\.firstSeen) == [Self.mar, Self.mar])
        #expect(ledger.open.map(\.monthsOpen) == [1, 1])
        #expect(ledger.resolved.isEmpty && ledger.previousMonth == nil)
    }

    @Test func threeBulletinsInARow() {
        // Jan raised A; Feb raised A and B; Mar raises A and C.
        let history = [
            RectificationLedger.Bulletin(month: Self.jan, alerts: [a]),
            RectificationLedger.Bulletin(month: Self.feb, alerts: [a, b]),
        ]
        let ledger = RectificationLedger.compare(current: [a, c], month: Self.mar, history: history)
        // A: open since Jan, three bulletins; C: new this month.
        #expect(ledger.open == [
            .init(key: a, firstSeen: Self.jan, monthsOpen: 3, status: .persisting),
            .init(key: c, firstSeen: Self.mar, monthsOpen: 1, status: .new),
        ])
        // B was raised in Feb only and is gone now: resolved, open one bulletin since Feb.
        #expect(ledger.resolved == [.init(key: b, firstSeen: Self.feb, monthsOpen: 1, status: .resolved)])
        #expect(ledger.previousMonth == Self.feb)
    }

    @Test func aBreakRestartsTheCount() {
        // A in Jan, not in Feb, again in Mar: open one bulletin, new.
        let history = [
            RectificationLedger.Bulletin(month: Self.jan, alerts: [a]),
            RectificationLedger.Bulletin(month: Self.feb, alerts: [b]),
        ]
        let ledger = RectificationLedger.compare(current: [a], month: Self.mar, history: history)
        #expect(ledger.open == [.init(key: a, firstSeen: Self.mar, monthsOpen: 1, status: .new)])
    }

    @Test func laterBulletinsAreNotLookedAt() {
        // Re-running March after April was issued: April's alerts do not count.
        let history = [
            RectificationLedger.Bulletin(month: Self.feb, alerts: [a]),
            RectificationLedger.Bulletin(month: Self.mar, alerts: [a, b]),
            RectificationLedger.Bulletin(month: Self.apr, alerts: [a, b, c]),
        ]
        let ledger = RectificationLedger.compare(current: [a], month: Self.mar, history: history)
        #expect(ledger.open == [.init(key: a, firstSeen: Self.feb, monthsOpen: 2, status: .persisting)])
        #expect(ledger.resolved.isEmpty, "B of March's own stored bulletin is not 'previous'")
        #expect(ledger.previousMonth == Self.feb)
    }
}
