import Foundation
import Glibc
import JianfuIndicators
import JianfuModel
import JianfuReports
import JianfuStore

/// The state store as the last successful run left it, read without the lock (a run may be
/// writing meanwhile): its units and their tree, and the indicators of all or part of them
/// with that run's windows. `jianfu unit` (`StoredUnitInspection`) and `jianfu sample` read
/// the store through it.
struct StoredEvaluation {
    let runner: PipelineRunner
    let store: any ObservationStore
    /// The last successful run.
    let last: RunRecord
    /// Every unit of the store, in table order.
    let units: [MonitoredUnit]
    let declared: [MonitoredUnit]?
    let observed: [ObservedUnit]
    let hierarchy: Hierarchy
    /// What changed since the last successful run, which these figures do not show.
    let notes: [String]

    /// `nil` when no run has succeeded yet: the caller reads the sources instead.
    init?(runner: PipelineRunner, store: any ObservationStore) throws {
        guard let last = try store.recentRuns(limit: 1000).first(where: { $0.outcome == .ok }) else { return nil }
        let config = runner.config
        var lists: [[MonitoredUnit]] = []
        for source in config.sources where source.kind == .units { lists.append(try store.declaredUnits(source: source.name)) }
        let declared = config.sources.contains { $0.kind == .units } ? Ingestion.merge(lists) : nil
        let observed = try store.observedUnits(sources: StoredTable.observationSources(config).map(\.name))
        var units: [MonitoredUnit]
        if var named = declared {
            let names = Dictionary(observed.map { (UnitKey($0.id), $0.name) }, uniquingKeysWith: { a, _ in a })
            for i in named.indices where named[i].name.isEmpty { named[i].name = names[UnitKey(named[i].id)] ?? "" }
            units = named
        } else {
            units = observed.map { MonitoredUnit(id: $0.id, name: $0.name) }
        }
        do {
            hierarchy = try Hierarchy(units: units, deriveFromCodes: config.deriveParents)
        } catch let error as Hierarchy.CycleError {
            throw RunError.hierarchy(error.description)
        }
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

    /// The pipeline's settings for reading the store: without `--as-of`, a `{months: N}`
    /// window ends where the last run's did (without reading every value for its latest month).
    var config: PipelineConfig {
        var config = runner.config
        if config.settings.asOf == nil, case .lastMonths = config.settings.evaluation, let latest = last.end?.latestMonth {
            config.settings.asOf = latest
        }
        return config
    }

    /// The indicators of the units `only` names (by id; every unit when `nil`), from the
    /// stored values, with the last run's sources and rejections.
    func evaluate(only: Set<UnitKey>?) throws -> (evaluation: Evaluation, ingestion: Ingestion, run: RunInfo) {
        let config = config
        let (table, overrides, _) = try StoredTable.build(config, store: store, declared: declared, observed: observed, only: only)
        var reports: [SourceReport] = []
        var rejections: [Rejection] = []
        for source in config.sources {
            guard var report = try store.source(named: source.name)?.report else { continue }
            report.overrides = overrides[source.name] ?? 0
            reports.append(report)
            rejections += try store.rejections(source: source.name)
        }
        let ingestion = try Ingestion.assemble(
            table: table, declared: declared?.filter { only?.contains(UnitKey($0.id)) ?? true }, reports: reports, rejections: rejections,
            config: config)
        let scoped = PipelineRunner(config: config, logger: runner.logger, now: runner.now)
        return (try scoped.evaluate(ingestion), ingestion, scoped.makeRunInfo(ingestion))
    }
}
