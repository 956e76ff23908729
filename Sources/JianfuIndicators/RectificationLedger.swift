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

    /// Sets `current` (this bulletin's alerts, for `month`) against `history` (any bulletins;
    /// those of `month` or later are not looked at, so a re-run or an `--as-of` run of an
    /// earlier month reads only what came before it).
    package static func compare(current: [Key], month: Int, history: [Bulletin]) -> Result {
        let earlier = history.filter { $0.month < month }.sorted { $0.month > $1.month }
        func chain(_ key: Key, from bulletins: ArraySlice<Bulletin>) -> (count: Int, first: Int?) {
            var count = 0
            var first: Int?
            for b in bulletins {
                guard b.alerts.contains(key) else { break }
                count += 1
                first = b.month
            }
            return (count, first)
        }
        let open = current.map { key -> Entry in
            let past = chain(key, from: earlier[...])
            return Entry(key: key, firstSeen: past.first ?? month, monthsOpen: past.count + 1, status: past.count > 0 ? .persisting : .new)
        }
        guard let previous = earlier.first else { return Result(open: open, resolved: [], previousMonth: nil) }
        let now = Set(current)
        let resolved = previous.alerts.subtracting(now).sorted().map { key -> Entry in
            let past = chain(key, from: earlier[...])
            return Entry(key: key, firstSeen: past.first ?? previous.month, monthsOpen: past.count, status: .resolved)
        }
        return Result(open: open, resolved: resolved, previousMonth: previous.month)
    }

    /// The keys of an evaluation's alerts, in its order.
    package static func keys(of evaluation: Evaluation) -> [Key] {
        evaluation.alerts.map { alert in
            Key(unitID: evaluation.units[alert.unitIndex].unit.id,
                metric: alert.metricIndex.map { evaluation.metrics[$0].id } ?? "", rule: alert.rule)
        }
    }
}
