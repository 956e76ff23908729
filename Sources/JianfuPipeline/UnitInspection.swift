import Foundation
import Glibc
import JianfuIndicators
import JianfuModel
import JianfuReports
import JianfuStore

/// `jianfu unit ID-or-name -p PIPELINE` (SPEC §7): the ad hoc evaluation of one unit. It
/// computes the indicators like a run but writes no output folder and applies no
/// `max_rejected` gate: nothing is published.
///
/// With a state store that a successful run has filled, the figures come from the store as
/// that run left it (the store is only read: a run may be writing meanwhile), and only the unit
/// and its descendants are loaded; the windows end where that run's did, and the rank is the
/// unit's place among the composites that run stored for its category (SPEC §3: ranks need the
/// whole category). Sources changed since that run are named in `notes`. Without a store
/// (`state: none`, or no successful run yet), the sources are read as `validate` reads them.
package struct UnitInspection {
    package let evaluation: Evaluation
    /// The unit's index in `evaluation.units`.
    package let unitIndex: Int
    package let hierarchy: Hierarchy
    package let run: RunInfo
    /// The unit's rank in its category, and how many units of the category are ranked.
    package let rank: Int?
    package let ranked: Int
    /// What the reader should know about where the figures come from (a stale store).
    package let notes: [String]

    /// Finds the unit (throwing `UnitLookupError` when the query does not name exactly one
    /// unit), then evaluates. `wholeCategory` evaluates every unit even from a store (the HTML
    /// page lists them).
    package init(runner: PipelineRunner, query: String, wholeCategory: Bool = false) throws {
        if let store = try runner.config.state.openForReading(pipeline: runner.config.name),
           let stored = try StoredUnitInspection(runner: runner, store: store, query: query) {
            let part = try stored.evaluate(wholeCategory: wholeCategory)
            self.init(part.evaluation, unit: part.unit, hierarchy: part.hierarchy, run: part.run, ranking: part.ranking, notes: stored.notes)
            return
        }
        let ingestion = try runner.ingest()
        let index = try Self.find(query, in: ingestion.units, pipeline: runner.config.name)
        let evaluation = try runner.evaluate(ingestion)
        self.init(evaluation, unit: index, hierarchy: ingestion.hierarchy, run: runner.makeRunInfo(ingestion), notes: [])
    }

    init(
        _ evaluation: Evaluation, unit: Int, hierarchy: Hierarchy, run: RunInfo, ranking: (rank: Int?, ranked: Int)? = nil,
        notes: [String]
    ) {
        self.evaluation = evaluation
        unitIndex = unit
        self.hierarchy = hierarchy
        self.run = run
        let me = evaluation.units[unit]
        rank = ranking.map(\.rank) ?? me.rank
        ranked = ranking?.ranked ?? evaluation.units.filter { $0.unit.category == me.unit.category && $0.composite != nil }.count
        self.notes = notes
    }

    /// The index of the one unit `query` names.
    static func find(_ query: String, in units: [MonitoredUnit], pipeline: String) throws -> Int {
        let outcome = UnitLookup.find(query, in: units)
        guard case .found(let index) = outcome else {
            throw UnitLookupError(query: query, pipeline: pipeline, outcome: outcome, units: units)
        }
        return index
    }

    package var unit: UnitEvaluation { evaluation.units[unitIndex] }

    /// The terminal view: indicators, sparklines, alerts; ANSI colour when `colour`.
    package func terminalText(colour: Bool) -> String {
        UnitTerminalReport(self, style: TerminalStyle(enabled: colour)).text
    }

    /// Writes the unit's page alone (self-contained, no links to other pages) to `path`,
    /// through a temporary file beside it, so a reader never sees half a page.
    package func writeHTML(to path: String) throws {
        let out = OutputBuffer()
        UnitPageWriter.standalone(evaluation, unit: unitIndex, hierarchy: hierarchy).write(evaluation, run: run, to: out)
        try WholeFile.write(out.bytes, to: path)
    }
}
