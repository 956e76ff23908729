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
    /// One sorted series per (unit, metric), at `unit * metrics.count + metric`: one flat level
    /// of arrays, so an append touches one array header, not three.
    private var storage: [[Entry]] = []

    public init(metrics: [Metric]) {
        self.metrics = metrics
    }

    public var unitCount: Int { units.count }

    /// The series of every metric and unit: `series[metric][unit]`, sorted by ordinal.
    public var series: SeriesView { SeriesView(storage: storage, metricCount: metrics.count, unitCount: units.count) }

    /// Read access to the series as `series[metric][unit]`.
    public struct SeriesView: RandomAccessCollection, Sendable {
        let storage: [[Entry]]
        let metricCount: Int
        let unitCount: Int

        public var startIndex: Int { 0 }
        public var endIndex: Int { metricCount }

        public subscript(metric: Int) -> MetricSeries {
            MetricSeries(storage: storage, metricCount: metricCount, metric: metric, unitCount: unitCount)
        }
    }

    /// The series of one metric, by unit index.
    public struct MetricSeries: RandomAccessCollection, Sendable {
        let storage: [[Entry]]
        let metricCount: Int
        let metric: Int
        let unitCount: Int

        public var startIndex: Int { 0 }
        public var endIndex: Int { unitCount }
        public subscript(unit: Int) -> [Entry] { storage[unit * metricCount + metric] }
    }

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
        storage.append(contentsOf: repeatElement([], count: metrics.count))
    }

    /// Stores one value. Within a source the first occurrence of a key is kept; across sources
    /// the later source wins.
    public mutating func insert(metric: Int, unit: Int32, ordinal: Int32, value: Double, source: UInt16, line: Int) -> InsertOutcome {
        let entry = Entry(ordinal: ordinal, line: UInt32(truncatingIfNeeded: line), source: source, value: value)
        let k = Int(unit) &* metrics.count &+ metric
        guard let last = storage[k].last, last.ordinal >= ordinal else {
            storage[k].append(entry)  // the common case: files come sorted by period
            return .added
        }
        let position = Self.lowerBound(storage[k], ordinal)
        if position < storage[k].count, storage[k][position].ordinal == ordinal {
            let existing = storage[k][position]
            if existing.source == source { return .duplicate(firstLine: Int(existing.line)) }
            storage[k][position] = entry
            return .overrode
        }
        storage[k].insert(entry, at: position)
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
