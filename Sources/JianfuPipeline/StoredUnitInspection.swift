import Foundation
import Glibc
import JianfuIndicators
import JianfuModel
import JianfuReports
import JianfuStore

/// `jianfu unit` from the state store (see `UnitInspection`): the store as the last successful
/// run left it, read without the lock, loading only the unit's part of the hierarchy.
struct StoredUnitInspection {
    let runner: PipelineRunner
    let store: any ObservationStore
    /// The last successful run.
    let last: RunRecord
    /// Every unit of the store, in table order, and which the query named.
    let units: [MonitoredUnit]
    let declared: [MonitoredUnit]?
    let observed: [ObservedUnit]
    let hierarchy: Hierarchy
    let unit: Int
    let notes: [String]

    /// `nil` when no run has succeeded yet: the caller reads the sources instead.
    init?(runner: PipelineRunner, store: any ObservationStore, query: String) throws {
        guard let last = try store.recentRuns(limit: 1000).first(where: { $0.outcome == .ok }) else { return nil }
        let config = runner.config
        var lists: [[MonitoredUnit]] = []
        for source in config.sources where source.kind == .units { lists.append(try store.declaredUnits(source: source.name)) }
        let declared = config.sources.contains { $0.kind == .units } ? Ingestion.merge(lists) : nil
        let observed = try store.observedUnits(sources: StoredTable.observationSources(config).map(\.name))
        var units: [MonitoredUnit]
        if var named = declared {
            let names = Dictionary(observed.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            for i in named.indices where named[i].name.isEmpty { named[i].name = names[named[i].id] ?? "" }
            units = named
        } else {
            units = observed.map { MonitoredUnit(id: $0.id, name: $0.name) }
        }
        do {
            hierarchy = try Hierarchy(units: units, deriveFromCodes: config.deriveParents)
        } catch let error as Hierarchy.CycleError {
            throw RunError.hierarchy(error.description)
        }
        unit = try UnitInspection.find(query, in: units, pipeline: config.name)
        self.runner = runner
        self.store = store
        self.last = last
        self.units = units
        self.declared = declared
        self.observed = observed
        notes = try Self.staleness(config, store: store, last: last)
    }

    /// What changed since the last successful run, which these figures do not show.
    static func staleness(_ config: PipelineConfig, store: any ObservationStore, last: RunRecord) throws -> [String] {
        let when = "run \(last.number) (started \(BulletinSection.reading(utc: last.start.startedAt, config.bulletin)))"
        var notes: [String] = []
        if last.start.pipelineSHA256 != config.fileSHA256 {
            notes.append("the pipeline file has changed since \(when); these figures apply the file as it is now to the values stored then")
        }
        for source in config.sources {
            guard let stored = try store.source(named: source.name) else {
                notes.append("source \(source.name) is not in the store yet; `jianfu run` reads it")
                continue
            }
            // A local file that looks different (size or time); HTTP sources are not fetched here.
            guard stored.fingerprint.modified != nil else { continue }
            var info = stat()
            let changed = stat(source.path, &info) != 0 || Int64(info.st_size) != stored.fingerprint.size
                || Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec) != stored.fingerprint.modified
            if changed {
                notes.append("source \(source.name) has changed since \(when); these figures are that run's — `jianfu run` takes the change in")
            }
        }
        return notes
    }

    /// The evaluation of the unit: of its part of the hierarchy (itself, its descendants, its
    /// parent for the name) with the rank from the last run's stored composites, or of every
    /// unit when `wholeCategory` or when those composites do not fit (another pipeline file,
    /// `--as-of`).
    func evaluate(wholeCategory: Bool) throws -> (evaluation: Evaluation, unit: Int, hierarchy: Hierarchy, run: RunInfo, ranking: (rank: Int?, ranked: Int)?) {
        var config = runner.config
        let asOf = config.settings.asOf
        if asOf == nil, case .lastMonths = config.settings.evaluation, let latest = last.end?.latestMonth {
            config.settings.asOf = latest  // the windows of the last run, without reading every value for its latest month
        }
        let scores = try store.scores()
        let ranks = asOf == nil && !wholeCategory && scores?.run == last.number && last.start.pipelineSHA256 == config.fileSHA256
        var wanted: [Int] = [unit]
        if ranks {
            var i = 0
            while i < wanted.count {
                wanted += hierarchy.children[wanted[i]]
                i += 1
            }
            if let parent = hierarchy.parent[unit] { wanted.append(parent) }
        }
        let only = ranks ? Set(wanted.map { units[$0].id }) : nil
        let (table, overrides) = try StoredTable.build(config, store: store, declared: declared, observed: observed, only: only)
        var reports: [SourceReport] = []
        var rejections: [Rejection] = []
        for source in config.sources {
            guard var report = try store.source(named: source.name)?.report else { continue }
            report.overrides = overrides[source.name] ?? 0
            reports.append(report)
            rejections += try store.rejections(source: source.name)
        }
        let ingestion = try Ingestion.assemble(
            table: table, declared: declared?.filter { only?.contains($0.id) ?? true }, reports: reports, rejections: rejections,
            config: config)
        let scoped = PipelineRunner(config: config, logger: runner.logger, now: runner.now)
        let evaluation = try scoped.evaluate(ingestion)
        let index = ingestion.units.firstIndex { $0.id == units[unit].id }!
        var ranking: (rank: Int?, ranked: Int)?
        if ranks, let scores = scores?.scores {
            let me = evaluation.units[index]
            let peers = scores.filter { $0.category == me.unit.category && $0.composite != nil }
            ranking = (me.composite.map { mine in 1 + peers.filter { $0.unitID != me.unit.id && $0.composite! > mine }.count }, peers.count)
        }
        return (evaluation, index, ingestion.hierarchy, scoped.makeRunInfo(ingestion), ranking)
    }
}
