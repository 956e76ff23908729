import JianfuIndicators
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
    /// Which stored periods a build reads.
    enum Reading {
        /// Every stored value: `jianfu unit`, and a run whose outputs read the series
        /// (`series.csv`, the HTML charts).
        case all
        /// What the indicators of `settings` read, so that a night's cost follows its windows
        /// and not the length of the history: the periods of `Windows.periodsRead`, and the
        /// periods two sources both hold (the keys one took over from the other are counted as
        /// a whole read counts them). A unit's `lastReportedMonth` is its latest value up to
        /// the window's end: for a unit with none in the periods read, earlier periods are read,
        /// latest first, until it has one or none are left. The table then gives the same
        /// indicators, alerts and figures as one with every period.
        case evaluation(EvaluationSettings)
    }

    /// The table, per observation source the keys it took over from an earlier one, and the
    /// latest month with data (`Windows.latestMonth` of the table every period would make).
    /// `observed` is `store.observedUnits` of the pipeline's observation sources; `only` keeps
    /// just these unit ids (`jianfu unit`: a unit and its descendants).
    static func build(
        _ config: PipelineConfig, store: any ObservationStore, declared: [MonitoredUnit]?, observed: [ObservedUnit],
        only: Set<UnitKey>? = nil, reading: Reading = .all
    ) throws -> (table: ObservationTable, overrides: [String: Int], latestMonth: Int?) {
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
        var origins: [Origin] = []
        var maps: [String: (map: [Int32], wanted: [Int32]?)] = [:]
        if declared != nil {
            let shared = try store.sharedSources()
            for (k, source) in shared.enumerated() {
                origins.append(Origin(pipeline: source.pipeline, name: source.name, index: UInt16(clamping: ownSources.count + k)))
            }
            for pipeline in Set(shared.map(\.pipeline)) {
                let units = try store.observedUnits(of: pipeline, sources: shared.filter { $0.pipeline == pipeline }.map(\.name))
                maps[pipeline] = unitMap(units)
            }
        }
        let own = unitMap(observed)
        origins += ownSources.map { Origin(pipeline: nil, name: $0.name, index: $0.index) }
        for k in origins.indices {
            (origins[k].unitIndex, origins[k].wanted) = origins[k].pipeline.flatMap { maps[$0] } ?? own
        }

        var loader = Loader(store: store, metrics: config.settings.metrics)
        switch reading {
        case .all:
            for origin in origins {
                for m in config.settings.metrics.indices { try loader.load(origin, metric: m, periods: nil, into: &table) }
            }
        case .evaluation(let settings):
            try loader.loadEvaluated(origins, settings: settings, into: &table)
        }
        for unit in observed where !unit.name.isEmpty {
            let id = Int(unit.storeID)
            if own.map[id] >= 0 { table.noteName(unit.name, unit: own.map[id]) }
        }
        return (table, loader.overrides, loader.latestMonth ?? Windows.latestMonth(in: table))
    }

    /// One observation source a table is built from: its pipeline (`nil`: the pipeline's own),
    /// name, index in the table, and how its store unit numbers map to table units.
    struct Origin {
        let pipeline: String?
        let name: String
        let index: UInt16
        var unitIndex: [Int32] = []
        var wanted: [Int32]?
    }

    /// Reads stored values into a table, counting the keys each own source took over.
    private struct Loader {
        let store: any ObservationStore
        let metrics: [Metric]
        var overrides: [String: Int] = [:]
        /// Set by `loadEvaluated`, which knows it before reading values.
        var latestMonth: Int?
        /// Per table unit, when `tracking`: the month of its latest value read up to the
        /// window's end, as `Evaluator` sets `lastReportedMonth` (-1: none).
        var reported: [Int] = []
        var tracking: (endMonth: Int, endOrdinals: [Int32])?
        private var mapped: [Int32] = []

        init(store: any ObservationStore, metrics: [Metric]) {
            self.store = store
            self.metrics = metrics
        }

        /// The values of `origin` for metric `m` in `periods` (`nil`: all) into `table`.
        mutating func load(_ origin: Origin, metric m: Int, periods: ClosedRange<Int32>?, into table: inout ObservationTable) throws {
            var taken = 0
            try store.readValues(of: origin.pipeline, source: origin.name, metric: metrics[m], units: origin.wanted, periods: periods) { batch in
                let count = batch.count
                if mapped.count < count { mapped = [Int32](repeating: -1, count: count) }
                // Store unit numbers to table units, through pointers: a value per unit and
                // period read is the cost of a night.
                mapped.withUnsafeMutableBufferPointer { mapped in
                    origin.unitIndex.withUnsafeBufferPointer { table in
                        batch.units.withUnsafeBufferPointer { ids in
                            for i in 0..<count {
                                let id = Int(ids[i])
                                mapped[i] = id >= 0 && id < table.count ? table[id] : -1
                            }
                        }
                    }
                }
                // A batch in key order: a run of values per period (a slab is one run).
                var runs: [(period: Int32, range: Range<Int>)] = []
                batch.periods.withUnsafeBufferPointer { periods in
                    var start = 0
                    while start < count {
                        var end = start + 1
                        while end < count, periods[end] == periods[start] { end += 1 }
                        runs.append((periods[start], start..<end))
                        start = end
                    }
                }
                for (period, range) in runs {
                    taken += mapped.withUnsafeBufferPointer { units in
                        batch.values.withUnsafeBufferPointer { values in
                            table.insert(
                                metric: m, ordinal: period, units: UnsafeBufferPointer(rebasing: units[range]),
                                values: UnsafeBufferPointer(rebasing: values[range]), lines: nil, source: origin.index)
                        }
                    }
                    if let tracking, period <= tracking.endOrdinals[m] {
                        let month = min(Period(metrics[m].granularity, ordinal: Int(period)).lastMonthOrdinal, tracking.endMonth)
                        mapped.withUnsafeBufferPointer { units in
                            reported.withUnsafeMutableBufferPointer { reported in
                                for i in range where units[i] >= 0 && reported[Int(units[i])] < month { reported[Int(units[i])] = month }
                            }
                        }
                    }
                }
            }
            if origin.pipeline == nil { overrides[origin.name, default: 0] += taken }
        }

        /// `Reading.evaluation`: the latest month first, from the latest stored periods (a
        /// period of another pipeline's source may hold no value of a unit evaluated here, so
        /// each is checked), then the windows' periods, then, for units with no value there,
        /// earlier periods down to their latest value.
        mutating func loadEvaluated(_ origins: [Origin], settings: EvaluationSettings, into table: inout ObservationTable) throws {
            // stored[k][m]: the periods origin k holds of metric m.
            let stored = try origins.map { origin in
                try metrics.map { try store.periods(of: origin.pipeline, source: origin.name, metric: $0) }
            }
            let latest = try metrics.indices.map { m in try latestPeriod(metric: m, origins: origins, stored: stored) }
            latestMonth = Windows.latestMonth(metrics: metrics) { latest[$0] }
            guard let windows = Windows(settings: settings, latestMonth: latestMonth) else {
                for origin in origins {
                    for m in metrics.indices { try load(origin, metric: m, periods: nil, into: &table) }
                }
                return
            }
            // What each metric reads: the windows' periods, and those two sources both hold.
            var read: [[ClosedRange<Int32>]] = []
            for (m, metric) in metrics.enumerated() {
                var holders: [Int32: Int] = [:]
                for k in origins.indices { for p in stored[k][m] { holders[p, default: 0] += 1 } }
                let shared = holders.filter { $0.value > 1 }.keys.map { Int($0)...Int($0) }
                read.append((windows.periodsRead(of: metric, rebound: settings.rebound) + shared).coalesced().map {
                    Int32(clamping: $0.lowerBound)...Int32(clamping: $0.upperBound)
                })
            }
            let endMonth = windows.current.last
            let endOrdinals = metrics.map { Int32(clamping: Period.ordinal(ofMonth: endMonth, at: $0.granularity)) }
            tracking = (endMonth, endOrdinals)
            reported = [Int](repeating: -1, count: table.unitCount)
            for m in metrics.indices where !read[m].isEmpty {
                table.reserve(metric: m, ordinals: read[m].first!.lowerBound...read[m].last!.upperBound)
            }
            for origin in origins {
                for m in metrics.indices {
                    for span in read[m] { try load(origin, metric: m, periods: span, into: &table) }
                }
            }
            // lastReportedMonth: the periods not read up to the window's end, latest first, read
            // while a unit a source named may have its latest value in one of them.
            var evaluated = [Bool](repeating: false, count: table.unitCount)
            for origin in origins { for u in origin.unitIndex where u >= 0 { evaluated[Int(u)] = true } }
            var unread: [(month: Int, metric: Int, period: Int32)] = []
            for (m, metric) in metrics.enumerated() {
                let periods = Set(stored.flatMap { $0[m] }).filter { p in
                    p <= endOrdinals[m] && !read[m].contains { $0.contains(p) }
                }
                for p in periods {
                    unread.append((min(Period(metric.granularity, ordinal: Int(p)).lastMonthOrdinal, endMonth), m, p))
                }
            }
            unread.sort { ($0.month, $0.metric, $0.period) > ($1.month, $1.metric, $1.period) }
            var pending = evaluated.indices.filter { evaluated[$0] }
            for slab in unread {
                pending.removeAll { reported[$0] >= slab.month }
                if pending.isEmpty { break }
                for (k, origin) in origins.enumerated() where stored[k][slab.metric].contains(slab.period) {
                    try load(origin, metric: slab.metric, periods: slab.period...slab.period, into: &table)
                }
            }
        }

        /// The latest period of metric `m` holding a value of a unit this table evaluates.
        private func latestPeriod(metric m: Int, origins: [Origin], stored: [[[Int32]]]) throws -> Int32? {
            for period in Set(stored.flatMap { $0[m] }).sorted(by: >) {
                for (k, origin) in origins.enumerated() where stored[k][m].contains(period) {
                    var found = false
                    try store.readValues(
                        of: origin.pipeline, source: origin.name, metric: metrics[m], units: origin.wanted, periods: period...period
                    ) { batch in
                        found = found || batch.units.contains { Int($0) < origin.unitIndex.count && origin.unitIndex[Int($0)] >= 0 }
                    }
                    if found { return period }
                }
            }
            return nil
        }
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
