import JianfuModel
import JianfuStore

/// The observation table of a pipeline built from its state store (SPEC §8): the units
/// interned first — the declared ones in the units sources' order, or else the ones the data
/// named in the order they first reached the store — then every stored value of the
/// pipeline's observation sources, source after source in pipeline order (SPEC §5: the later
/// source wins a key).
///
/// In a store shared by several pipelines, a pipeline with a units source also evaluates its
/// declared units with the values other pipelines wrote (a province pipeline whose only source
/// is the province's units file reads what the county pipelines stored). Those are laid down
/// first, the source read longest ago first, so that a key given by several pipelines takes
/// the value of the source read last, and the pipeline's own sources, laid down after them,
/// win a key over any other pipeline's. A pipeline without a units source evaluates what its
/// own sources gave, as it would alone.
enum StoredTable {
    /// The table, and per observation source the keys it took over from an earlier one.
    /// `observed` is `store.observedUnits` of the pipeline's observation sources; `only` keeps
    /// just these unit ids (`jianfu unit`: a unit and its descendants).
    static func build(
        _ config: PipelineConfig, store: any ObservationStore, declared: [MonitoredUnit]?, observed: [ObservedUnit],
        only: Set<UnitKey>? = nil
    ) throws -> (table: ObservationTable, overrides: [String: Int]) {
        var table = ObservationTable(metrics: config.settings.metrics)
        var index: [UnitKey: Int32] = [:]
        for unit in declared ?? [] where only?.contains(UnitKey(unit.id)) ?? true { index[UnitKey(unit.id)] = table.unitIndex(unit.id) }

        /// Store unit number → table unit (-1: not evaluated) of one pipeline's units, and the
        /// store numbers to ask for when `only` narrows them.
        func unitMap(_ observed: [ObservedUnit]) -> (map: [Int32], wanted: [Int32]?) {
            var map = [Int32](repeating: -1, count: Int(observed.map(\.storeID).max() ?? 0) + 1)
            for unit in observed where only?.contains(UnitKey(unit.id)) ?? true {
                if declared == nil {
                    map[Int(unit.storeID)] = table.unitIndex(unit.id)
                } else if let i = index[UnitKey(unit.id)] {
                    map[Int(unit.storeID)] = i
                }
            }
            return (map, only == nil ? nil : observed.filter { map[Int($0.storeID)] >= 0 }.map(\.storeID).sorted())
        }

        // Other pipelines' sources first (only for declared units), then the pipeline's own.
        // The table numbers the pipeline's observation sources from 0 in order, then the other
        // pipelines'; lines are not kept (no report reads them from a stored table), so values
        // of the first source cost the grid no origin (`CellStorage`).
        let ownSources = observationSources(config)
        var origins: [(pipeline: String?, name: String, index: UInt16)] = []
        var maps: [String: (map: [Int32], wanted: [Int32]?)] = [:]
        if declared != nil {
            let shared = try store.sharedSources()
            for (k, source) in shared.enumerated() {
                origins.append((source.pipeline, source.name, UInt16(clamping: ownSources.count + k)))
            }
            for pipeline in Set(shared.map(\.pipeline)) {
                let units = try store.observedUnits(of: pipeline, sources: shared.filter { $0.pipeline == pipeline }.map(\.name))
                maps[pipeline] = unitMap(units)
            }
        }
        let own = unitMap(observed)
        origins += ownSources.enumerated().map { (nil, $1.name, UInt16($0)) }

        var overrides: [String: Int] = [:]
        for origin in origins {
            let (unitIndex, wanted) = origin.pipeline.flatMap { maps[$0] } ?? own
            var taken = 0
            var mapped: [Int32] = []
            for (m, metric) in config.settings.metrics.enumerated() {
                try store.readValues(of: origin.pipeline, source: origin.name, metric: metric, units: wanted) { batch in
                    mapped.removeAll(keepingCapacity: true)
                    mapped.append(contentsOf: batch.units.lazy.map { id in Int(id) < unitIndex.count ? unitIndex[Int(id)] : -1 })
                    // A batch in key order: a run of values per period.
                    var start = 0
                    while start < batch.count {
                        var end = start + 1
                        while end < batch.count, batch.periods[end] == batch.periods[start] { end += 1 }
                        taken += mapped.withUnsafeBufferPointer { units in
                            batch.values.withUnsafeBufferPointer { values in
                                table.insert(
                                    metric: m, ordinal: batch.periods[start], units: UnsafeBufferPointer(rebasing: units[start..<end]),
                                    values: UnsafeBufferPointer(rebasing: values[start..<end]), lines: nil, source: origin.index)
                            }
                        }
                        start = end
                    }
                }
            }
            if origin.pipeline == nil { overrides[origin.name] = taken }
        }
        for unit in observed where !unit.name.isEmpty {
            let id = Int(unit.storeID)
            if own.map[id] >= 0 { table.noteName(unit.name, unit: own.map[id]) }
        }
        return (table, overrides)
    }

    /// The pipeline's observation sources with their positions (the table's source index).
    static func observationSources(_ config: PipelineConfig) -> [(name: String, index: UInt16)] {
        config.sources.enumerated().filter { $0.element.kind == .observations }.map { ($0.element.name, UInt16($0.offset)) }
    }
}

extension ObservationBatch {
    /// The values source `source` gave in `table`, as the store records them. The table's first
    /// `declaredUnits` units were interned from the units sources before the read: of those,
    /// only the ones the source gave a value or a name count as named by it.
    init(_ table: ObservationTable, source: UInt16, declaredUnits: Int) {
        var named = (0..<table.unitCount).map { $0 >= declaredUnits || table.hasName(unit: Int32($0)) }
        var values: [StoredValues] = []
        for m in table.metrics.indices {
            var columns = StoredValues()
            table.forEachValue(metric: m, source: source) { u, entry in
                columns.append(period: entry.ordinal, unit: Int32(u), value: entry.value, line: entry.line)
                named[u] = true
            }
            values.append(columns)
        }
        self.init(units: (0..<table.unitCount).map { table.unitID(Int32($0)) }, names: table.observedNames, named: named,
                  metrics: table.metrics, values: values)
    }
}
