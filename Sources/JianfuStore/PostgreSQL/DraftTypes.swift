// TEMPORARY: the plain-value types of the lead's protocol draft, until "Store protocol of plain values" lands in main (then this file is deleted).
import JianfuModel

/// Values of one source and one metric as parallel columns, in key order: by period, then unit.
public struct StoredValues: Sendable, Equatable {
    /// Period ordinals at the metric's granularity (`Period.ordinal`).
    public var periods: [Int32] = []
    /// In an `ObservationBatch`, an index into `ObservationBatch.units`; from
    /// `ObservationStore.values`, the store's unit number (`ObservedUnit.storeID`).
    public var units: [Int32] = []
    public var values: [Double] = []
    /// The physical line of the source the value came from (0 when not known).
    public var lines: [UInt32] = []

    public init() {}

    public var count: Int { periods.count }

    public mutating func append(period: Int32, unit: Int32, value: Double, line: UInt32) {
        periods.append(period)
        units.append(unit)
        values.append(value)
        lines.append(line)
    }

    public mutating func reserveCapacity(_ n: Int) {
        periods.reserveCapacity(n)
        units.reserveCapacity(n)
        values.reserveCapacity(n)
        lines.reserveCapacity(n)
    }

    /// (period, unit) packed so that integer order is key order.
    @inline(__always) public func key(_ i: Int) -> Int64 { Int64(periods[i]) << 32 | Int64(UInt32(bitPattern: units[i])) }

    /// Sorts by key; one pass and no change when the values are in key order already.
    public mutating func sortByKey() {
        guard (1..<max(count, 1)).contains(where: { key($0 - 1) > key($0) }) else { return }
        let order = (0..<count).sorted { key($0) < key($1) }
        periods = order.map { periods[$0] }
        units = order.map { units[$0] }
        values = order.map { values[$0] }
        lines = order.map { lines[$0] }
    }
}

/// One read of an observations source, as the store records it (`recordObservations`).
public struct ObservationBatch: Sendable {
    /// The unit codes the read knows (declared units first, then those the data named);
    /// `StoredValues.units` index into it.
    public var units: [String]
    /// The name the source gave each unit, parallel to `units` ("" for none).
    public var names: [String]
    /// Parallel to `units`: whether the source named the unit — gave it a value or a name, or
    /// named it in a row (rejected or not) without its being declared. Only these units are
    /// recorded as the source's (`observedUnits`).
    public var named: [Bool]
    /// The pipeline's metrics, and parallel to them each metric's values (in key order, or
    /// not: the store sorts them).
    public var metrics: [Metric]
    public var values: [StoredValues]

    public init(units: [String], names: [String], named: [Bool], metrics: [Metric], values: [StoredValues]) {
        self.units = units
        self.names = names
        self.named = named
        self.metrics = metrics
        self.values = values
    }
}
