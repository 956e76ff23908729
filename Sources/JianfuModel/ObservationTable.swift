/// Every accepted observation of a run: per metric, a dense grid of cells indexed by
/// (unit, period).
///
/// Units are dense indices (see `ByteInterner`), metrics are their index in the pipeline's
/// declaration order, periods are ordinals at the metric's granularity. A metric's grid holds
/// `span` consecutive periods from `base` for every unit, row after row, so storing a value is
/// one index computation and one write — no per-series arrays to chase, no per-row allocation.
/// The period range grows with slack when a value falls outside it (a re-layout that happens a
/// logarithmic number of times); missing cells are marked empty, never zero.
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

    /// One grid cell: 16 bytes, `source == Cell.empty` when no value.
    struct Cell: Sendable {
        static let empty: UInt16 = .max
        static let vacant = Cell(value: 0, line: 0, source: empty)
        var value: Double
        var line: UInt32
        var source: UInt16
    }

    /// The cells of one metric: `cells[unit * span + (ordinal - base)]`, and one bit per cell
    /// saying whether it holds a value. Ingest tests the bit — a bitmap small enough to stay in
    /// cache — and writes the cell without reading it, so a row costs no wait on memory even
    /// when rows arrive period by period across a grid laid out unit by unit.
    struct Grid: Sendable {
        var base: Int32 = 0
        var span = 0
        var cells: [Cell] = []
        var occupied: [UInt64] = []

        func isOccupied(_ index: Int) -> Bool { occupied[index >> 6] & (1 << UInt64(index & 63)) != 0 }
        mutating func markOccupied(_ index: Int) { occupied[index >> 6] |= 1 << UInt64(index & 63) }
        mutating func growBitmap() {
            let words = (cells.count + 63) >> 6
            if occupied.count < words { occupied.append(contentsOf: repeatElement(0, count: words - occupied.count)) }
        }
    }

    public let metrics: [Metric]
    /// Unit ids as interned bytes; a unit's index is its position.
    public private(set) var units = ByteInterner()
    /// The first non-empty name a source gave each unit, by unit index.
    public private(set) var observedNames: [String] = []
    private var grids: [Grid]

    public init(metrics: [Metric]) {
        self.metrics = metrics
        grids = Array(repeating: Grid(), count: metrics.count)
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
        for m in grids.indices where grids[m].span > 0 {
            grids[m].cells.append(contentsOf: repeatElement(Cell.vacant, count: grids[m].span))
            grids[m].growBitmap()
        }
    }

    /// Stores one value. Within a source the first occurrence of a key is kept; across sources
    /// the later source wins.
    public mutating func insert(metric: Int, unit: Int32, ordinal: Int32, value: Double, source: UInt16, line: Int) -> InsertOutcome {
        var offset = Int(ordinal) &- Int(grids[metric].base)
        if offset < 0 || offset >= grids[metric].span {
            widen(metric, toHold: ordinal)
            offset = Int(ordinal) - Int(grids[metric].base)
        }
        let index = Int(unit) &* grids[metric].span &+ offset
        let cell = Cell(value: value, line: UInt32(truncatingIfNeeded: line), source: source)
        if !grids[metric].isOccupied(index) {
            grids[metric].cells[index] = cell
            grids[metric].markOccupied(index)
            return .added
        }
        let existing = grids[metric].cells[index]
        if existing.source == source { return .duplicate(firstLine: Int(existing.line)) }
        grids[metric].cells[index] = cell
        return .overrode
    }

    /// Re-lays a grid out so that it holds `ordinal`, with slack on the side it grew: half the
    /// span again, at least two years of months, so sorted input re-lays out rarely.
    private mutating func widen(_ metric: Int, toHold ordinal: Int32) {
        let old = grids[metric]
        let slack = max(24, old.span / 2)
        var lo = Int(old.base), hi = Int(old.base) + old.span  // [lo, hi)
        if old.span == 0 {
            lo = Int(ordinal) - 12
            hi = Int(ordinal) + slack
        } else if Int(ordinal) < lo {
            lo = Int(ordinal) - slack
        } else {
            hi = Int(ordinal) + 1 + slack
        }
        let span = hi - lo
        var cells = [Cell](repeating: .vacant, count: units.count * span)
        if old.span > 0 {
            let shift = Int(old.base) - lo
            for u in 0..<units.count {
                for k in 0..<old.span {
                    cells[u * span + shift + k] = old.cells[u * old.span + k]
                }
            }
        }
        var grid = Grid(base: Int32(lo), span: span, cells: cells)
        grid.growBitmap()
        for (index, cell) in cells.enumerated() where cell.source != Cell.empty { grid.markOccupied(index) }
        grids[metric] = grid
    }

    /// The values of one unit and metric, in period order.
    public func entries(metric: Int, unit: Int) -> [Entry] {
        let grid = grids[metric]
        guard grid.span > 0 else { return [] }
        var result: [Entry] = []
        let start = unit * grid.span
        for k in 0..<grid.span {
            let cell = grid.cells[start + k]
            if cell.source != Cell.empty {
                result.append(Entry(ordinal: grid.base + Int32(k), line: cell.line, source: cell.source, value: cell.value))
            }
        }
        return result
    }

    /// Calls `body` with every stored value of `metric` given by `source`, unit by unit.
    public func forEachValue(metric: Int, source: UInt16, _ body: (_ unit: Int, _ entry: Entry) -> Void) {
        let grid = grids[metric]
        guard grid.span > 0 else { return }
        for u in 0..<units.count {
            let start = u * grid.span
            for k in 0..<grid.span {
                let cell = grid.cells[start + k]
                if cell.source == source {
                    body(u, Entry(ordinal: grid.base + Int32(k), line: cell.line, source: cell.source, value: cell.value))
                }
            }
        }
    }

    /// The series of every metric and unit: `series[metric][unit]`, sorted by ordinal.
    public var series: SeriesView { SeriesView(table: self) }

    /// Read access to the series as `series[metric][unit]`.
    public struct SeriesView: RandomAccessCollection, Sendable {
        let table: ObservationTable
        public var startIndex: Int { 0 }
        public var endIndex: Int { table.metrics.count }
        public subscript(metric: Int) -> MetricSeries { MetricSeries(table: table, metric: metric) }
    }

    /// The series of one metric, by unit index (each built on access).
    public struct MetricSeries: RandomAccessCollection, Sendable {
        let table: ObservationTable
        let metric: Int
        public var startIndex: Int { 0 }
        public var endIndex: Int { table.unitCount }
        public subscript(unit: Int) -> [Entry] { table.entries(metric: metric, unit: unit) }
    }

    /// The ordinal of the latest value of `metric` for any unit, or `nil`.
    public func latestOrdinal(metric: Int) -> Int32? {
        let grid = grids[metric]
        guard grid.span > 0 else { return nil }
        for k in stride(from: grid.span - 1, through: 0, by: -1) {
            for u in 0..<units.count where grid.cells[u * grid.span + k].source != Cell.empty {
                return grid.base + Int32(k)
            }
        }
        return nil
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
