import JianfuModel

/// Everything a store holds of one pipeline, as plain values: what `jianfu store copy` moves
/// from one store to another (SQLite to PostgreSQL or back; SPEC §8), so that an office that
/// outgrows one machine keeps its history — the run log, the sources with their fingerprints,
/// rejections and declared units, every stored value with its line and the run that stored it,
/// the corrections' history, the scores, the bulletins' alerts and the spot-check lists.
///
/// Numbers are those of the store it was read from: `units` index the unit codes, run numbers
/// are the store's. A store that loads a dump numbers units and runs its own way and changes
/// every reference to them accordingly.
package struct PipelineDump: Sendable {
    package var pipeline: String
    /// The run log, oldest first.
    package var runs: [RunRecord] = []
    /// The metrics' ids and granularities (`Granularity.rawValue`).
    package var metrics: [(name: String, granularity: String)] = []
    /// Unit codes; every unit number below is an index into it.
    package var units: [String] = []
    package var sources: [DumpedSource] = []
    /// Every stored value, a slab per (source, metric, period), ordered by unit number.
    package var slabs: [DumpedSlab] = []
    /// Every replaced value (`observation_history`).
    package var history: [DumpedCorrection] = []
    /// The composites of the last run that saved them, and that run.
    package var scores: (run: Int64, scores: [UnitScore])?
    package var bulletins: [StoredBulletin] = []
    /// The spot-check lists, in the order drawn.
    package var samples: [RecordedSample] = []

    package init(pipeline: String) { self.pipeline = pipeline }

    /// How many values the slabs hold.
    package var valueCount: Int { slabs.reduce(0) { $0 + $1.units.count } }
}

/// A source as its last read left it.
package struct DumpedSource: Sendable {
    /// Its fingerprint, how it was read, its totals (`read.report`, whose `name` and `kind` are
    /// the source's) and its rejections.
    package var read: SourceRead
    /// The run that read it last.
    package var readRun: Int64
    /// What a units source held, in file order.
    package var declared: [MonitoredUnit]
    /// The units an observations source named, with the name it gave ("" for none).
    package var named: [(unit: Int32, name: String)]

    package init(read: SourceRead, readRun: Int64, declared: [MonitoredUnit], named: [(unit: Int32, name: String)]) {
        self.read = read
        self.readRun = readRun
        self.declared = declared
        self.named = named
    }
}

/// The values of one source, metric and period, in parallel arrays ordered by unit number.
package struct DumpedSlab: Sendable {
    package var source: String
    package var metric: String
    package var period: Int32
    package var units: [Int32]
    package var values: [Double]
    package var lines: [UInt32]
    /// The run that stored each value.
    package var runs: [Int32]

    package init(source: String, metric: String, period: Int32, units: [Int32], values: [Double], lines: [UInt32], runs: [Int32]) {
        self.source = source
        self.metric = metric
        self.period = period
        self.units = units
        self.values = values
        self.lines = lines
        self.runs = runs
    }
}

/// A value a later run replaced: a row of `observation_history`.
package struct DumpedCorrection: Sendable {
    package var source: String
    package var metric: String
    package var period: Int32
    package var unit: Int32
    package var value: Double
    package var line: Int64
    package var run: Int64
    package var replacedBy: Int64
    package var newValue: Double
    package var newLine: Int64?

    package init(
        source: String, metric: String, period: Int32, unit: Int32, value: Double, line: Int64, run: Int64, replacedBy: Int64,
        newValue: Double, newLine: Int64?
    ) {
        self.source = source
        self.metric = metric
        self.period = period
        self.unit = unit
        self.value = value
        self.line = line
        self.run = run
        self.replacedBy = replacedBy
        self.newValue = newValue
        self.newLine = newLine
    }
}

/// A store that can be copied: every pipeline it holds read out as a `PipelineDump`, and a dump
/// written into it (`jianfu store copy`).
package protocol CopyableStore: ObservationStore {
    /// The `name:` of every pipeline with a run in the store.
    func pipelineNames() throws -> [String]
    /// Everything the store holds of its pipeline (the one it was opened for), read in one
    /// consistent snapshot.
    func dump() throws -> PipelineDump
    /// Writes `dump` as its pipeline's (the one it was opened for), in one transaction: all of
    /// it or, when anything fails, nothing. Throws `StoreError.notEmpty` when the store holds a
    /// run or a source of that pipeline already: a copy never mixes into or overwrites a history.
    func load(_ dump: PipelineDump) throws
}

extension PipelineDump {
    /// The dump's number of the store's unit `id` (whose code `codes` gives), numbering the
    /// units in the order met: `numbers` keeps those given so far.
    package mutating func unit(_ id: Int64, codes: [Int64: String], numbers: inout [Int64: Int32]) -> Int32 {
        if let n = numbers[id] { return n }
        let n = Int32(units.count)
        units.append(codes[id] ?? "")
        numbers[id] = n
        return n
    }

    /// A slab array's little-endian bytes (as both stores keep them) as an array.
    package static func array<T>(_ bytes: UnsafeRawBufferPointer) -> [T] {
        let count = bytes.count / MemoryLayout<T>.stride
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<(count * MemoryLayout<T>.stride)]))
            initialized = count
        }
    }

    /// Old run number → new one, for a store that numbers runs its own way.
    package func remap(_ runs: [Int64: Int64], _ run: Int64) -> Int64 { runs[run] ?? run }

    /// The slab with its units numbered by `units` (dump number → store number) and reordered
    /// by the new numbers, its runs by `runs`.
    package static func renumber(_ slab: DumpedSlab, units: [Int32], runs: [Int64: Int64]) -> DumpedSlab {
        var out = slab
        let order = slab.units.indices.sorted { units[Int(slab.units[$0])] < units[Int(slab.units[$1])] }
        out.units = order.map { units[Int(slab.units[$0])] }
        out.values = order.map { slab.values[$0] }
        out.lines = order.map { slab.lines[$0] }
        out.runs = order.map { Int32(truncatingIfNeeded: runs[Int64(slab.runs[$0])] ?? Int64(slab.runs[$0])) }
        return out
    }
}
