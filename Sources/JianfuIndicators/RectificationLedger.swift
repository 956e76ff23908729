import JianfuModel

/// The rectification ledger (整改台账, SPEC §6 `alerts.csv` `first_seen,months_open,status`):
/// each alert of this bulletin set against the alerts of the earlier bulletins the store kept.
///
/// An alert is known across bulletins by its `Key` — unit, metric, rule. Walking back from this
/// bulletin through the earlier bulletins in month order, an alert stays open as long as each
/// one raised it: `first_seen` is the month of the earliest bulletin of that unbroken run,
/// `months_open` the number of bulletins in it (this one included). It is `new` when the
/// previous bulletin did not raise it, `persisting` when it did; an alert of the previous
/// bulletin that this one does not raise is `resolved` (listed once, with the run it closed).
/// A month without a stored bulletin is no break: the chain follows the bulletins issued.
package enum RectificationLedger {
    /// An alert's identity from one bulletin to the next.
    package struct Key: Hashable, Sendable, Comparable {
        package let unitID: String
        /// The metric id; empty for `stale`.
        package let metric: String
        package let rule: Alert.Rule

        package init(unitID: String, metric: String, rule: Alert.Rule) {
            self.unitID = unitID
            self.metric = metric
            self.rule = rule
        }

        package static func < (a: Key, b: Key) -> Bool {
            (a.unitID, a.metric, a.rule.rawValue) < (b.unitID, b.metric, b.rule.rawValue)
        }
    }

    /// The alerts an earlier bulletin raised: its month (the evaluation window's last month, as
    /// a month ordinal) and their keys.
    package struct Bulletin: Sendable, Equatable {
        package let month: Int
        package let alerts: Set<Key>

        package init(month: Int, alerts: Set<Key>) {
            self.month = month
            self.alerts = alerts
        }
    }

    package enum Status: String, Sendable {
        case new, persisting, resolved
    }

    /// One line of the ledger.
    package struct Entry: Sendable, Equatable {
        package let key: Key
        /// The month ordinal of the first bulletin of the unbroken run that raised it.
        package let firstSeen: Int
        /// Bulletins in that run, this one included (for `resolved`: up to the previous one).
        package let monthsOpen: Int
        package let status: Status

        package init(key: Key, firstSeen: Int, monthsOpen: Int, status: Status) {
            self.key = key
            self.firstSeen = firstSeen
            self.monthsOpen = monthsOpen
            self.status = status
        }
    }

    /// The ledger of this bulletin's alerts.
    package struct Result: Sendable, Equatable {
        /// One per current alert, in the order given.
        package let open: [Entry]
        /// The previous bulletin's alerts this one no longer raises, sorted by key.
        package let resolved: [Entry]
        /// The previous bulletin's month, if the store had one.
        package let previousMonth: Int?
    }

    /// One earlier bulletin as the ledger asks about it (`compare(current:month:earlier:)`):
    /// its month, which of the keys asked about it raised, and — asked of the previous
    /// bulletin only — the keys it raised besides, those this bulletin no longer raises.
    package struct Match: Sendable, Equatable {
        package let month: Int
        /// One per key asked about, in the order asked.
        package let raised: [Bool]
        /// The bulletin's keys not among those asked about (any order); empty unless asked.
        package let others: [Key]

        package init(month: Int, raised: [Bool], others: [Key]) {
            self.month = month
            self.raised = raised
            self.others = others
        }
    }

    /// Sets `current` (this bulletin's alerts, for `month`) against `history` (any bulletins;
    /// those of `month` or later are not looked at, so a re-run or an `--as-of` run of an
    /// earlier month reads only what came before it).
    package static func compare(current: [Key], month: Int, history: [Bulletin]) -> Result {
        compare(current: current, month: month) { before, keys, others in
            guard let bulletin = history.filter({ $0.month < before }).max(by: { $0.month < $1.month }) else { return nil }
            return Match(
                month: bulletin.month, raised: keys.map { bulletin.alerts.contains($0) },
                others: others ? Array(bulletin.alerts.subtracting(keys)) : [])
        }
    }

    /// Sets `current` (this bulletin's alerts, for `month`) against the earlier bulletins,
    /// read walking back: `earlier(before, keys, others)` is the newest bulletin before month
    /// `before` set against `keys` (with its other keys when `others`), `nil` when there is none.
    ///
    /// The previous bulletin is asked about every current key and gives the resolved ones;
    /// each older one only about the keys whose chain is still unbroken (raised by every
    /// bulletin read so far), and the walk stops when none is left: a store with years of
    /// bulletins is read only as far back as some alert has stayed open.
    package static func compare(
        current: [Key], month: Int, earlier: (_ before: Int, _ keys: [Key], _ others: Bool) throws -> Match?
    ) rethrows -> Result {
        guard let previous = try earlier(month, current, true) else {
            return Result(
                open: current.map { Entry(key: $0, firstSeen: month, monthsOpen: 1, status: .new) }, resolved: [], previousMonth: nil)
        }
        // Every key followed back: the current ones, then the previous bulletin's others (the
        // resolved). `count` bulletins in a row raised it, the earliest in month `first`.
        let followed = current + previous.others
        var count = [Int](repeating: 0, count: followed.count)
        var first = [Int](repeating: month, count: followed.count)
        var open: [Int] = []
        for i in followed.indices where i >= current.count || previous.raised[i] {
            count[i] = 1
            first[i] = previous.month
            open.append(i)
        }
        var before = previous.month
        while !open.isEmpty, let bulletin = try earlier(before, open.map { followed[$0] }, false) {
            var still: [Int] = []
            for (n, i) in open.enumerated() where bulletin.raised[n] {
                count[i] += 1
                first[i] = bulletin.month
                still.append(i)
            }
            open = still
            before = bulletin.month
        }
        let entries = current.indices.map { i in
            Entry(key: current[i], firstSeen: first[i], monthsOpen: count[i] + 1, status: count[i] > 0 ? .persisting : .new)
        }
        let resolved = (current.count..<followed.count).sorted { followed[$0] < followed[$1] }.map { i in
            Entry(key: followed[i], firstSeen: first[i], monthsOpen: count[i], status: .resolved)
        }
        return Result(open: entries, resolved: resolved, previousMonth: previous.month)
    }

    /// The keys of an evaluation's alerts, in its order.
    package static func keys(of evaluation: Evaluation) -> [Key] {
        evaluation.alerts.map { alert in
            Key(unitID: evaluation.units[alert.unitIndex].unit.id,
                metric: alert.metricIndex.map { evaluation.metrics[$0].id } ?? "", rule: alert.rule)
        }
    }
}
