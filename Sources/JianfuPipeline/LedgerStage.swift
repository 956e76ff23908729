import JianfuIndicators
import JianfuModel
import JianfuReports
import JianfuStore
import Logging

/// The rectification ledger (整改台账) and the corrections audit of a run (SPEC §6 `alerts.csv`
/// `first_seen,months_open,status`, `corrections.csv`): what the run reads from the store
/// before the reports are written, and the bulletin it records in the run's transaction.
///
/// Bulletins are kept per pipeline name (as the run log is, SPEC §8) and per bulletin month
/// (the evaluation window's last month): a run of a month that was issued before (a re-run,
/// or `--as-of`) replaces that month's alerts and reads only the months before it.
struct LedgerStage {
    let pipeline: String
    let logger: Logger

    /// Corrections named in the log line; the rest are in `corrections.csv`.
    static let correctionsLogged = 5

    /// The ledger of `evaluation`'s alerts against the store's earlier bulletins; without a
    /// store (`state: none`) there is no history and every alert is `new`, said once in the log.
    func ledger(_ evaluation: Evaluation, store: (any ObservationStore)?) throws -> RectificationLedger.Result {
        let month = evaluation.windows.current.last
        let keys = RectificationLedger.keys(of: evaluation)
        guard let store else {
            if !keys.isEmpty {
                logger.info("state: none: no earlier bulletins are kept, so every alert is new (alerts.csv first_seen = this month, months_open 1)")
            }
            return RectificationLedger.compare(current: keys, month: month, history: [])
        }
        // Walking back one stored bulletin at a time, each asked only about the alerts still open.
        let result = try RectificationLedger.compare(current: keys, month: month) { before, keys, others in
            try store.bulletin(pipeline: pipeline, before: before, matching: keys.map(Self.stored), others: others).map {
                RectificationLedger.Match(month: $0.month, raised: $0.raised, others: $0.others.compactMap(Self.key))
            }
        }
        if let previous = result.previousMonth {
            let persisting = result.open.filter { $0.status == .persisting }.count
            logger.info("rectification ledger against the bulletin of \(Period(.month, ordinal: previous)): \(result.open.count - persisting) new, \(persisting) persisting, \(result.resolved.count) resolved")
        } else if !keys.isEmpty {
            logger.info("rectification ledger: no earlier bulletin of \(pipeline) in the store, so every alert is new")
        }
        return result
    }

    /// Records `evaluation`'s alerts as the bulletin of its month, issued by run `run`.
    func record(_ evaluation: Evaluation, in store: any ObservationStore, run: Int64) throws {
        let alerts = RectificationLedger.keys(of: evaluation).map(Self.stored)
        try store.recordBulletin(pipeline: pipeline, month: evaluation.windows.current.last, alerts: alerts, run: run)
    }

    /// The values run `run` replaced, named in the log (the first few).
    func corrections(in store: any ObservationStore, run: Int64) throws -> [Correction] {
        let corrections = try store.corrections(run: run)
        guard !corrections.isEmpty else { return [] }
        let named = corrections.prefix(Self.correctionsLogged).map { c in
            "\(c.unitID) \(c.metric) \(c.period) \(NumberFormat.format(c.oldValue)) → \(NumberFormat.format(c.newValue))"
        }.joined(separator: ", ")
        let more = corrections.count > Self.correctionsLogged ? ", … (all in corrections.csv)" : ""
        logger.info("\(corrections.count) corrections: stored values replaced by a re-sent period: \(named)\(more); the old values are kept in the store's observation_history")
        return corrections
    }

    /// The stored form of a ledger key (the rule as `alerts.csv` spells it).
    static func stored(_ key: RectificationLedger.Key) -> StoredAlert {
        StoredAlert(unitID: key.unitID, metric: key.metric, rule: key.rule.rawValue)
    }

    /// The ledger's key of a stored alert; `nil` for a rule this version does not know.
    static func key(_ alert: StoredAlert) -> RectificationLedger.Key? {
        Alert.Rule(rawValue: alert.rule).map { RectificationLedger.Key(unitID: alert.unitID, metric: alert.metric, rule: $0) }
    }
}
