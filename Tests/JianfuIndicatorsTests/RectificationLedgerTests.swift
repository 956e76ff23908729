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

    @Test func theWalkAsksEachOlderBulletinOnlyAboutTheAlertsStillOpenAndStops() {
        // Bulletins Jan {a, b, c}, Feb {a, b}, Mar {a, c}; April raises a and b.
        let bulletins = [Self.mar: Set([a, c]), Self.feb: Set([a, b]), Self.jan: Set([a, b, c])]
        let history = bulletins.map { RectificationLedger.Bulletin(month: $0.key, alerts: $0.value) }
        var asked: [(before: Int, keys: [Key], others: Bool)] = []
        let walked = RectificationLedger.compare(current: [a, b], month: Self.apr) { before, keys, others in
            asked.append((before, keys, others))
            guard let month = bulletins.keys.filter({ $0 < before }).max(), let alerts = bulletins[month] else { return nil }
            return RectificationLedger.Match(month: month, raised: keys.map(alerts.contains), others: others ? Array(alerts.subtracting(keys)) : [])
        }
        // March is asked about a and b, and gives c (resolved now); February about what March
        // raised (a, then c); January about a only (c's chain broke in February). January
        // raised a, and there is nothing before it.
        #expect(asked.map(\.before) == [Self.apr, Self.mar, Self.feb, Self.jan])
        #expect(asked.map(\.keys) == [[a, b], [a, c], [a], [a]])
        #expect(asked.map(\.others) == [true, false, false, false])
        // a: Jan, Feb, Mar and now: four bulletins; b: new (March did not raise it); c: raised
        // in March only, resolved.
        #expect(walked.open == [
            .init(key: a, firstSeen: Self.jan, monthsOpen: 4, status: .persisting),
            .init(key: b, firstSeen: Self.apr, monthsOpen: 1, status: .new),
        ])
        #expect(walked.resolved == [.init(key: c, firstSeen: Self.mar, monthsOpen: 1, status: .resolved)])
        #expect(walked.previousMonth == Self.mar)
        #expect(RectificationLedger.compare(current: [a, b], month: Self.apr, history: history) == walked)
    }

    @Test func theWalkStopsAtTheFirstBulletinThatRaisedNoneOfTheOpenAlerts() {
        // Feb raised b only; Mar raised a: a's chain stops at Feb, which is the last asked.
        let bulletins = [Self.mar: Set([a]), Self.feb: Set([b]), Self.jan: Set([a])]
        var asked: [Int] = []
        let ledger = RectificationLedger.compare(current: [a], month: Self.apr) { before, keys, others in
            asked.append(before)
            guard let month = bulletins.keys.filter({ $0 < before }).max(), let alerts = bulletins[month] else { return nil }
            return RectificationLedger.Match(month: month, raised: keys.map(alerts.contains), others: others ? Array(alerts.subtracting(keys)) : [])
        }
        #expect(asked == [Self.apr, Self.mar])
        #expect(ledger.open == [.init(key: a, firstSeen: Self.mar, monthsOpen: 2, status: .persisting)])
        #expect(ledger.resolved.isEmpty && ledger.previousMonth == Self.mar)
    }

    @Test func resolvedAlertsAreSortedByKeyWithTheirWholeChain() {
        // Jan and Feb raised c and b; Mar raises neither: both resolved after two bulletins,
        // listed b before c whatever order the store gave them in.
        let history = [
            RectificationLedger.Bulletin(month: Self.jan, alerts: [c, b]),
            RectificationLedger.Bulletin(month: Self.feb, alerts: [c, b]),
        ]
        let ledger = RectificationLedger.compare(current: [a], month: Self.mar, history: history)
        #expect(ledger.open == [.init(key: a, firstSeen: Self.mar, monthsOpen: 1, status: .new)])
        #expect(ledger.resolved == [
            .init(key: b, firstSeen: Self.jan, monthsOpen: 2, status: .resolved),
            .init(key: c, firstSeen: Self.jan, monthsOpen: 2, status: .resolved),
        ])
    }
}
