import Foundation
import JianfuIndicators
import JianfuModel
import JianfuStore

/// `jianfu sample -p PIPELINE -n N --seed S` (SPEC §7): the random spot-check list for 随机调研.
///
/// The units are evaluated as `jianfu unit` evaluates them — from the state store as the last
/// successful run left it, or from the sources when there is no store or no such run yet —
/// then weighted (`SpotCheckWeight`), and drawn (`SpotCheckDraw`). The list is for the
/// bulletin month, the last month of the evaluation window (`--as-of` moves it). With a state
/// store, the list is recorded there (`SampleLog`), and `--exclude-recent K` leaves out the
/// units of the lists drawn for the K months before.
///
/// The same figures (the same run of the same store, or the same sources) and the same seed,
/// count and options give the same list, on any machine.
package struct SpotCheckSample: Sendable {
    /// One unit of the list, in the order drawn.
    package struct Row: Sendable {
        package let unit: MonitoredUnit
        /// Its parent in the unit tree (上级), when it has one.
        package let parent: MonitoredUnit?
        package let isRollup: Bool
        package let composite: Double?
        /// Its rows in `alerts.csv`.
        package let alerts: Int
        package let weight: Double
        package let reason: SpotCheckReason
    }

    /// Where the figures drawn from came from.
    package enum Basis: Sendable, Equatable {
        /// The store, as this run (number, run id, start) left it.
        case run(number: Int64, runID: String, startedAt: String)
        /// The sources, read now; `why` says why not the store.
        case sources(why: String)
    }

    package let pipeline: String
    package let request: SampleRequest
    /// The bulletin month (month ordinal) the list is for.
    package let month: Int
    package let basis: Basis
    /// The units that could be drawn before `--exclude-recent` (leaf units, or every unit).
    package let candidates: Int
    /// Those left out by `--exclude-recent`, with the month they were drawn for.
    package let excluded: [SampledUnit]
    package let rows: [Row]
    /// The list's number in the store, when recorded.
    package let recorded: Int64?
    /// What the reader should know: a stale store, a list shorter than asked.
    package let notes: [String]

    /// The units drawn from: the candidates less the excluded.
    package var eligible: Int { candidates - excluded.count }

    /// Evaluates, draws and (with a state store) records the list.
    package static func draw(runner: PipelineRunner, request: SampleRequest) throws -> SpotCheckSample {
        let config = runner.config
        guard request.count >= 1 else { throw SampleError.countBelowOne(request.count) }
        if let k = request.excludeRecent, k < 1 { throw SampleError.excludeRecentBelowOne(k) }
        if config.state == .none, request.excludeRecent != nil { throw SampleError.excludeRecentWithoutState(pipeline: config.name) }
        // Creates the store, or adds the samples tables, when needed.
        let log = try config.state.openForWriting(pipeline: config.name)

        // The figures, as `jianfu unit` finds them.
        let evaluation: Evaluation
        let hierarchy: Hierarchy
        let basis: Basis
        var notes: [String] = []
        if let store = try config.state.openForReading(pipeline: config.name),
           let stored = try StoredEvaluation(runner: runner, store: store) {
            let evaluated = try stored.evaluate(only: nil)
            (evaluation, hierarchy) = (evaluated.evaluation, evaluated.ingestion.hierarchy)
            basis = .run(number: stored.last.number, runID: stored.last.start.runID, startedAt: stored.last.start.startedAt)
            notes += stored.notes
        } else {
            let ingestion = try runner.ingest()
            (evaluation, hierarchy) = (try runner.evaluate(ingestion), ingestion.hierarchy)
            basis = .sources(why: log == nil ? "state: none" : "no successful run in the store yet")
        }
        let month = evaluation.windows.current.last

        // Who may be drawn, and how heavily.
        var alerts = [Int](repeating: 0, count: evaluation.units.count)
        for alert in evaluation.alerts { alerts[alert.unitIndex] += 1 }
        var excluded: [SampledUnit] = []
        if let k = request.excludeRecent, let log {
            excluded = try log.sampledUnits(pipeline: config.name, months: (month - k)...(month - 1))
        }
        let left = Dictionary(excluded.map { (UnitKey($0.unitID), $0) }, uniquingKeysWith: { first, _ in first })
        var units: [Int] = []
        var kept: [SampledUnit] = []  // the candidates left out, with the first month they were drawn for
        for (i, unit) in evaluation.units.enumerated() where request.includeRollups || !unit.isRollup {
            if let drawn = left[UnitKey(unit.unit.id)] {
                kept.append(drawn)
            } else {
                units.append(i)
            }
        }
        let candidates = units.count + kept.count
        guard !units.isEmpty else {
            throw SampleError.nothingEligible(pipeline: config.name, units: candidates, months: Self.months(month, back: request.excludeRecent ?? 0))
        }
        let pool = units.map { i in
            SpotCheckCandidate(
                unitID: evaluation.units[i].unit.id, category: evaluation.units[i].unit.category,
                parentID: hierarchy.parent[i].map { evaluation.units[$0].unit.id },
                weight: SpotCheckWeight.weight(composite: evaluation.units[i].composite, alerts: alerts[i]))
        }

        // The draw.
        let rows = SpotCheckDraw.draw(pool, count: request.count, seed: request.seed).map { pick in
            let i = units[pick.candidate]
            let unit = evaluation.units[i]
            return Row(
                unit: unit.unit, parent: hierarchy.parent[i].map { evaluation.units[$0].unit }, isRollup: unit.isRollup,
                composite: unit.composite, alerts: alerts[i], weight: pool[pick.candidate].weight, reason: pick.reason)
        }
        if rows.count < request.count {
            notes.append("only \(rows.count) unit\(rows.count == 1 ? " is" : "s are") eligible, fewer than the \(request.count) asked: the list holds all of them")
        }

        // The record.
        var recorded: Int64?
        if let log {
            var run: Int64?
            if case .run(let number, _, _) = basis { run = number }
            recorded = try log.recordSample(RecordedSample(
                pipeline: config.name, month: month, seed: request.seed, requested: request.count,
                drawnAt: UTCTimestamp.string(runner.now), run: run, excludeRecent: request.excludeRecent ?? 0,
                includeRollups: request.includeRollups, jianfuVersion: PipelineRunner.version,
                units: rows.map { RecordedSample.Unit(unitID: $0.unit.id, weight: $0.weight, reason: $0.reason.code) }))
        }
        return SpotCheckSample(
            pipeline: config.name, request: request, month: month, basis: basis, candidates: candidates, excluded: kept,
            rows: rows, recorded: recorded, notes: notes)
    }

    /// `2024-09..2024-11`: the `back` months before `month`.
    static func months(_ month: Int, back: Int) -> String {
        let first = Period(.month, ordinal: month - back), last = Period(.month, ordinal: month - 1)
        return back == 1 ? "\(last)" : "\(first)..\(last)"
    }
}
