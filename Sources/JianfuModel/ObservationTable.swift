/// Every accepted observation of a run, kept as one sorted series per (metric, unit).
///
/// Units are dense indices (see `ByteInterner`), metrics are their index in the pipeline's
/// declaration order, periods are ordinals at the metric's granularity. A series is appended to
/// in the common case (files come sorted by period) and binary-searched otherwise, so ingest
/// allocates per series, not per row.
public struct ObservationTable: Sendable {
    /// One value of a series, with where it came from (for duplicate and override accounting).
    public struct Entry: Sendable, Equatable {
        public var ordinal: Int32
        public var line: UInt32
        public var source: UInt16
        public var value: Double

        public init(ordinal: Int32, line: UInt32 = 0, source: UInt16 = 0, value: Double) {
            self.ordinal = ordinal
            self.line = line
            self.source = source
            self.value = value
        }
    }

    /// What `insert` did with a value.
    public enum InsertOutcome: Equatable {
        case added
        /// A later source gave a key an earlier source had given: its value wins (SPEC §5).
        case overrode
        /// The same source gave the key twice: the first value is kept (SPEC §5).
        case duplicate(firstLine: Int)
    }

    public let metrics: [Metric]
    /// Unit ids as interned bytes; a unit's index is its position.
    public private(set) var units = ByteInterner()
    /// The first non-empty name a source gave each unit, by unit index.
    public private(set) var observedNames: [String] = []
    /// `series[metric][unit]`, sorted by ordinal.
    public private(set) var series: [[[Entry]]]

    public init(metrics: [Metric]) {
        self.metrics = metrics
        self.series = Array(repeating: [], count: metrics.count)
    }

    public var unitCount: Int { units.count }

    /// The index of a unit id, adding it if new.
    public mutating func unitIndex(_ id: UnsafeBufferPointer<UInt8>) -> Int32 {
        let index = units.intern(id)
        if Int(index) == observedNames.count { addUnitSlot() }
        return index
    }

    public mutating func unitIndex(_ id: String) -> Int32 {
        let index = units.intern(id)
        if Int(index) == observedNames.count { addUnitSlot() }
        return index
    }

    public func unitID(_ index: Int32) -> String { units.string(at: index) }

    /// Records a unit name seen in a data row, when none is known yet.
    public mutating func noteName(_ name: String, unit: Int32) {
        if observedNames[Int(unit)].isEmpty { observedNames[Int(unit)] = name }
    }

    public func hasName(unit: Int32) -> Bool { !observedNames[Int(unit)].isEmpty }

    private mutating func addUnitSlot() {
        observedNames.append("")
        for m in series.indices { series[m].append([]) }
    }

    /// Stores one value. Within a source the first occurrence of a key is kept; across sources
    /// the later source wins.
    public mutating func insert(metric: Int, unit: Int32, ordinal: Int32, value: Double, source: UInt16, line: Int) -> InsertOutcome {
        let entry = Entry(ordinal: ordinal, line: UInt32(truncatingIfNeeded: line), source: source, value: value)
        let u = Int(unit)
        if let last = series[metric][u].last, last.ordinal >= ordinal {
            let position = Self.lowerBound(series[metric][u], ordinal)
            if position < series[metric][u].count, series[metric][u][position].ordinal == ordinal {
                let existing = series[metric][u][position]
                if existing.source == source { return .duplicate(firstLine: Int(existing.line)) }
                series[metric][u][position] = entry
                return .overrode
            }
            series[metric][u].insert(entry, at: position)
        } else {
            series[metric][u].append(entry)
        }
        return .added
    }

    /// Index of the first entry with `ordinal >= target`.
    public static func lowerBound(_ entries: [Entry], _ target: Int32) -> Int {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].ordinal < target { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
