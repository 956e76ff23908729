import JianfuModel
import JianfuStore

/// The observation table of a pipeline built from its state store (SPEC §8): the units
/// interned first — the declared ones in the units sources' order, or else the ones the data
/// named in the order they first reached the store — then every stored value of the
/// pipeline's observation sources, source after source in pipeline order (SPEC §5: the later
/// source wins a key).
enum StoredTable {
    /// The table, and per observation source the keys it took over from an earlier one.
    /// `observed` is `store.observedUnits` of the pipeline's observation sources; `only` keeps
    /// just these unit ids (`jianfu unit`: a unit and its descendants).
    static func build(
        _ config: PipelineConfig, store: any ObservationStore, declared: [MonitoredUnit]?, observed: [ObservedUnit],
        only: Set<UnitKey>? = nil
    ) throws -> (table: ObservationTable, overrides: [String: Int]) {
        let sources = observationSources(config)
        var table = ObservationTable(metrics: config.settings.metrics)
        var index: [UnitKey: Int32] = [:]
        for unit in declared ?? [] where only?.contains(UnitKey(unit.id)) ?? true { index[UnitKey(unit.id)] = table.unitIndex(unit.id) }
        var unitIndex = [Int32](repeating: -1, count: Int(observed.map(\.storeID).max() ?? 0) + 1)
        for unit in observed where only?.contains(UnitKey(unit.id)) ?? true {
            if declared == nil {
                unitIndex[Int(unit.storeID)] = table.unitIndex(unit.id)
            } else if let i = index[UnitKey(unit.id)] {
                unitIndex[Int(unit.storeID)] = i
            }
        }
        let overrides = try store.load(sources: sources, into: &table, unitIndex: unitIndex)
        return (table, Dictionary(uniqueKeysWithValues: zip(sources.map(\.name), overrides)))
    }

    /// The pipeline's observation sources with their positions (the table's source index).
    static func observationSources(_ config: PipelineConfig) -> [(name: String, index: UInt16)] {
        config.sources.enumerated().filter { $0.element.kind == .observations }.map { ($0.element.name, UInt16($0.offset)) }
    }
}
