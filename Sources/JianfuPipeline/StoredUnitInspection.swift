import JianfuIndicators
import JianfuModel
import JianfuReports
import JianfuStore

/// `jianfu unit` from the state store (see `UnitInspection`): the store as the last successful
/// run left it (`StoredEvaluation`), loading only the unit's part of the hierarchy.
struct StoredUnitInspection {
    let stored: StoredEvaluation
    /// The unit the query named, an index into `stored.units`.
    let unit: Int

    /// `nil` when no run has succeeded yet: the caller reads the sources instead.
    init?(runner: PipelineRunner, store: any ObservationStore, query: String) throws {
        guard let stored = try StoredEvaluation(runner: runner, store: store) else { return nil }
        unit = try UnitInspection.find(query, in: stored.units, pipeline: runner.config.name)
        self.stored = stored
    }

    var notes: [String] { stored.notes }

    /// The evaluation of the unit: of its part of the hierarchy (itself, its descendants, its
    /// parent for the name) with the rank from the last run's stored composites, or of every
    /// unit when `wholeCategory` or when those composites do not fit (another pipeline file,
    /// `--as-of`).
    func evaluate(wholeCategory: Bool) throws -> (evaluation: Evaluation, unit: Int, hierarchy: Hierarchy, run: RunInfo, ranking: (rank: Int?, ranked: Int)?) {
        let (units, hierarchy, last) = (stored.units, stored.hierarchy, stored.last)
        let config = stored.runner.config
        let scores = try stored.store.scores()
        let ranks = config.settings.asOf == nil && !wholeCategory && scores?.run == last.number
            && last.start.pipelineSHA256 == config.fileSHA256
        var wanted: [Int] = [unit]
        if ranks {
            var i = 0
            while i < wanted.count {
                wanted += hierarchy.children[wanted[i]]
                i += 1
            }
            if let parent = hierarchy.parent[unit] { wanted.append(parent) }
        }
        let (evaluation, ingestion, run) = try stored.evaluate(only: ranks ? Set(wanted.map { UnitKey(units[$0].id) }) : nil)
        let index = ingestion.units.firstIndex { $0.id.sameUnitID(as: units[unit].id) }!
        var ranking: (rank: Int?, ranked: Int)?
        if ranks, let scores = scores?.scores {
            let me = evaluation.units[index]
            let peers = scores.filter { $0.category == me.unit.category && $0.composite != nil }
            let rank = me.composite.map { mine in 1 + peers.filter { !$0.unitID.sameUnitID(as: me.unit.id) && $0.composite! > mine }.count }
            ranking = (rank, peers.count)
        }
        return (evaluation, index, ingestion.hierarchy, run, ranking)
    }
}
