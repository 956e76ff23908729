import Glibc

/// Every accepted observation of a run, in dense grids indexed by (period, unit, metric).
///
/// Units are dense indices (see `ByteInterner`), metrics are their index in the pipeline's
/// declaration order, periods are ordinals at the metric's granularity.
///
/// Layout. Metrics of one granularity share a grid laid out period by period: row `p` holds
/// every unit's cells for that period, and a unit's cells for the metrics of the grid sit side
/// by side. Exports append month after month (all units of 2024-01, then of 2024-02, …), so
/// consecutive rows land on neighbouring cells — ingest streams through memory instead of
/// waiting on a cache miss per row — and a new period is appended at the end without moving
/// anything. Unit-major input is correct too, only slower. Whether a cell holds a value is
/// kept in a bitmap beside the cells (missing is missing, never zero).
///
/// Evaluation reads unit by unit; `denseSeries(metric:)` transposes a metric once into
/// `DenseSeries` (evaluation does so for every metric at once, `snapshot()` in JianfuIndicators).
package struct ObservationTable: Sendable {
    /// One value of a series, with where it came from (for duplicate and override accounting).
    package struct Entry: Sendable, Equatable {
        package var ordinal: Int32
        package var line: UInt32
        package var source: UInt16
        package var value: Double

        package init(ordinal: Int32, line: UInt32 = 0, source: UInt16 = 0, value: Double) {
            self.ordinal = ordinal
            self.line = line
            self.source = source
            self.value = value
        }
    }

    /// What `insert` did with a value.
    package enum InsertOutcome: Equatable {
        case added
        /// A later source gave a key an earlier source had given: its value wins (SPEC §5).
        case overrode
        /// The same source gave the key twice: the first value is kept (SPEC §5).
        case duplicate(firstLine: Int)
    }

    /// One grid cell: its value and where it came from (16 bytes, kept apart: `CellStorage`).
    struct Cell: Sendable {
        static let vacant = Cell(value: 0, line: 0, source: 0)
        var value: Double
        var line: UInt32
        var source: UInt16
    }

    /// The cells of the metrics of one granularity:
    /// `cells[((ordinal - base) * unitCapacity + unit) * width + slot]`.
    struct Grid: Sendable {
        /// Metric indices in this grid; a metric's slot is its position here.
        var metrics: [Int]
        var base: Int32 = 0
        var span = 0
        var unitCapacity = 0
        /// `span * unitCapacity * width` cells in use, and room beyond them (see `CellStorage`).
        var cells = CellStorage(capacity: 0)
        var occupied: [UInt64] = []

        var width: Int { metrics.count }
        var cellCount: Int { span * unitCapacity * width }

        @inline(__always) func index(_ offset: Int, _ unit: Int, _ slot: Int) -> Int {
            (offset &* unitCapacity &+ unit) &* width &+ slot
        }
        @inline(__always) func isOccupied(_ index: Int) -> Bool { occupied[index &>> 6] & (1 &<< UInt64(index & 63)) != 0 }
        @inline(__always) mutating func markOccupied(_ index: Int) { occupied[index &>> 6] |= 1 &<< UInt64(index & 63) }

        /// Whether period row `p` holds any value (of any metric of the grid): a row is a
        /// whole number of bitmap words, since `unitCapacity` is a multiple of 64. Walks over
        /// the grid skip empty rows, so a stray far-off period costs one row, not the years
        /// between.
        func rowHasValues(_ p: Int) -> Bool {
            let words = unitCapacity * width / 64
            for w in (p * words)..<((p + 1) * words) where occupied[w] != 0 { return true }
            return false
        }

        /// Writes the values of slot `slot`'s metric for `units`, period rows `rows`, unit by unit
        /// into `out` (`out[u * rows.count + k]` for row `rows[k]`), leaving cells without a value
        /// as they are. A tile of periods × units at a time, so both sides stay in cache.
        func transpose(slot: Int, rows: [Int], units: Range<Int>, into out: UnsafeMutableBufferPointer<Double>) {
            let tile = 64
            let values = cells.values
            for k0 in stride(from: 0, to: rows.count, by: tile) {
                for u0 in stride(from: units.lowerBound, to: units.upperBound, by: tile) {
                    for k in k0..<min(k0 + tile, rows.count) {
                        let p = rows[k]
                        for u in u0..<min(u0 + tile, units.upperBound) {
                            let index = index(p, u, slot)
                            if isOccupied(index) { out[u * rows.count + k] = values[index] }
                        }
                    }
                }
            }
        }

        /// Makes the cells this grid's own before a write (copy on write).
        @inline(__always) mutating func makeUnique() {
            if !isKnownUniquelyReferenced(&cells) { cells = cells.copy(count: cellCount, capacity: cells.capacity) }
        }

        /// Rebuilds the grid for periods `[lo, lo + span)` and `capacity` units, keeping values.
        mutating func relayout(lo: Int, span newSpan: Int, capacity: Int) {
            // Room for four times the periods: a grid laid out while its first periods arrive
            // then grows in place for years (untouched room costs no memory).
            let cells = CellStorage(capacity: 4 * newSpan * capacity * width)
            var occupied = [UInt64](repeating: 0, count: (newSpan * capacity * width + 63) / 64)
            let shift = Int(base) - lo
            for p in 0..<span where rowHasValues(p) {
                for u in 0..<unitCapacity {
                    for s in 0..<width {
                        let from = index(p, u, s)
                        guard isOccupied(from) else { continue }
                        let to = ((p + shift) * capacity + u) * width + s
                        cells.set(to, self.cells[from])
                        occupied[to >> 6] |= 1 << UInt64(to & 63)
                    }
                }
            }
            self.cells = cells
            self.occupied = occupied
            base = Int32(lo)
            span = newSpan
            unitCapacity = capacity
        }

        /// Appends `count` empty period rows at the end: nothing is copied (beyond the room mapped,
        /// the mapping grows), unless a copy of the table shares the cells.
        mutating func appendPeriods(_ count: Int) {
            let needed = (span + count) * unitCapacity * width
            if !isKnownUniquelyReferenced(&cells) {
                cells = cells.copy(count: cellCount, capacity: max(needed, 2 * cells.capacity))
            } else if needed > cells.capacity {
                cells.grow(capacity: max(needed, 2 * cells.capacity))
            }
            span += count
            let words = (needed + 63) / 64
            if occupied.count < words { occupied.append(contentsOf: repeatElement(0, count: words - occupied.count)) }
        }
    }

    package let metrics: [Metric]
    /// Unit ids as interned bytes; a unit's index is its position.
    package private(set) var units = ByteInterner()
    /// The first non-empty name a source gave each unit, by unit index.
    package private(set) var observedNames: [String] = []
    private var grids: [Grid]
    /// For each metric, its grid and its slot in it.
    private let place: [(grid: Int, slot: Int)]

    package init(metrics: [Metric]) {
        self.metrics = metrics
        var grids: [Grid] = []
        var place: [(Int, Int)] = []
        for (m, metric) in metrics.enumerated() {
            if let g = grids.firstIndex(where: { metrics[$0.metrics[0]].granularity == metric.granularity }) {
                place.append((g, grids[g].metrics.count))
                grids[g].metrics.append(m)
            } else {
                place.append((grids.count, 0))
                grids.append(Grid(metrics: [m]))
            }
        }
        self.grids = grids
        self.place = place
    }

    package var unitCount: Int { units.count }

    /// The index of a unit id, adding it if new.
    package mutating func unitIndex(_ id: UnsafeBufferPointer<UInt8>) -> Int32 {
        let index = units.intern(id)
        if Int(index) == observedNames.count { addUnitSlot() }
        return index
    }

    package mutating func unitIndex(_ id: String) -> Int32 {
        let index = units.intern(id)
        if Int(index) == observedNames.count { addUnitSlot() }
        return index
    }

    package func unitID(_ index: Int32) -> String { units.string(at: index) }

    /// Records a unit name seen in a data row, when none is known yet.
    package mutating func noteName(_ name: String, unit: Int32) {
        if observedNames[Int(unit)].isEmpty { observedNames[Int(unit)] = name }
    }

    package func hasName(unit: Int32) -> Bool { !observedNames[Int(unit)].isEmpty }

    private mutating func addUnitSlot() {
        observedNames.append("")
        for g in grids.indices where grids[g].span > 0 && grids[g].unitCapacity < observedNames.count {
            grids[g].relayout(lo: Int(grids[g].base), span: grids[g].span, capacity: max(64, grids[g].unitCapacity * 2))
        }
    }

    /// Makes room for `metric`'s periods `ordinals` at once, so that inserting values in that
    /// range widens nothing (a table built from a store knows each series' first and last
    /// period before its values).
    package mutating func reserve(metric: Int, ordinals: ClosedRange<Int32>) {
        let g = place[metric].grid
        for ordinal in [ordinals.lowerBound, ordinals.upperBound] {
            let offset = Int(ordinal) - Int(grids[g].base)
            if grids[g].span == 0 || offset < 0 || offset >= grids[g].span { widen(g, toHold: Int(ordinal)) }
        }
    }

    /// Stores one value. Within a source the first occurrence of a key is kept; across sources
    /// the later source wins.
    package mutating func insert(metric: Int, unit: Int32, ordinal: Int32, value: Double, source: UInt16, line: Int) -> InsertOutcome {
        let (g, slot) = place[metric]
        var offset = Int(ordinal) &- Int(grids[g].base)
        if offset < 0 || offset >= grids[g].span {
            widen(g, toHold: Int(ordinal))
            offset = Int(ordinal) - Int(grids[g].base)
        }
        let index = grids[g].index(offset, Int(unit), slot)
        let cell = Cell(value: value, line: UInt32(truncatingIfNeeded: line), source: source)
        if !grids[g].isOccupied(index) {
            grids[g].makeUnique()
            grids[g].cells.set(index, cell)
            grids[g].markOccupied(index)
            return .added
        }
        let existing = grids[g].cells[index]
        if existing.source == source { return .duplicate(firstLine: Int(existing.line)) }
        grids[g].makeUnique()
        grids[g].cells.set(index, cell)
        return .overrode
    }

    /// Stores one period's values of one source at once (a table built from a store gets them
    /// a slab at a time): value `i` goes to unit `units[i]`, skipped when that is negative.
    /// Without `lines` the values' lines are not kept (0): a table built from a store needs
    /// none, and with source 0 its values' origins are then never written (`CellStorage`).
    /// The same rules as `insert(metric:unit:ordinal:value:source:line:)`, which a value of
    /// the same source stored before would make a duplicate; returns how many values took a
    /// key over from an earlier source.
    package mutating func insert(
        metric: Int, ordinal: Int32, units: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Double>,
        lines: UnsafeBufferPointer<UInt32>?, source: UInt16
    ) -> Int {
        let (g, slot) = place[metric]
        if grids[g].span == 0 || Int(ordinal) < Int(grids[g].base) || Int(ordinal) >= Int(grids[g].base) + grids[g].span {
            widen(g, toHold: Int(ordinal))
        }
        grids[g].makeUnique()
        // The loop is the cost of a night's read (a value per unit and period): the grid's
        // parts are taken out of the array once, and the bitmap is written through a pointer.
        let width = grids[g].width
        let row = (Int(ordinal) - Int(grids[g].base)) * grids[g].unitCapacity
        let cells = grids[g].cells
        let lines = lines?.baseAddress
        var overrode = 0
        grids[g].occupied.withUnsafeMutableBufferPointer { occupied in
            for i in 0..<units.count where units[i] >= 0 {
                let index = (row &+ Int(units[i])) &* width &+ slot
                let word = index &>> 6, bit: UInt64 = 1 &<< UInt64(index & 63)
                let cell = Cell(value: values[i], line: lines?[i] ?? 0, source: source)
                if occupied[word] & bit == 0 {
                    cells.set(index, cell)
                    occupied[word] |= bit
                } else if cells.origins[index].source != source {
                    cells.set(index, cell)
                    overrode += 1
                }
            }
        }
        return overrode
    }

    /// Leaves out every value of a period that starts after month `month` (`--as-of`): the
    /// bitmap words of those period rows are cleared, so the cells, shared with any copy of the
    /// table, are not touched and nothing is copied but the bitmap.
    package mutating func removePeriods(afterMonth month: Int) {
        for g in grids.indices where grids[g].span > 0 {
            let granularity = metrics[grids[g].metrics[0]].granularity
            let last = Period.ordinal(ofMonth: month, at: granularity)
            let keep = max(0, min(grids[g].span, last - Int(grids[g].base) + 1))
            guard keep < grids[g].span else { continue }
            let words = grids[g].unitCapacity * grids[g].width / 64
            let end = min(grids[g].occupied.count, grids[g].span * words)
            guard keep * words < end else { continue }
            for w in (keep * words)..<end { grids[g].occupied[w] = 0 }
        }
    }

    /// Makes grid `g` hold `ordinal`: later periods are appended with slack (half the span
    /// again, at least two years of months); earlier ones re-lay the grid out.
    private mutating func widen(_ g: Int, toHold ordinal: Int) {
        // A multiple of 64 units, so that a period row is whole bitmap words (`rowHasValues`).
        let capacity = max(64, grids[g].unitCapacity, (units.count + 63) / 64 * 64)
        if grids[g].span == 0 {
            grids[g].base = Int32(ordinal)
            grids[g].unitCapacity = capacity
            grids[g].appendPeriods(24)
        } else if ordinal >= Int(grids[g].base) + grids[g].span {
            let needed = ordinal - Int(grids[g].base) - grids[g].span + 1
            grids[g].appendPeriods(needed + max(24, grids[g].span / 2))
        } else {
            let slack = max(24, grids[g].span / 2)
            let lo = ordinal - slack
            grids[g].relayout(lo: lo, span: grids[g].span + Int(grids[g].base) - lo, capacity: grids[g].unitCapacity)
        }
    }

    /// The values of one unit and metric, in period order.
    package func entries(metric: Int, unit: Int) -> [Entry] {
        let (g, slot) = place[metric]
        let grid = grids[g]
        var result: [Entry] = []
        guard unit < grid.unitCapacity else { return result }
        for p in 0..<grid.span {
            let index = grid.index(p, unit, slot)
            if grid.isOccupied(index) {
                let cell = grid.cells[index]
                result.append(Entry(ordinal: grid.base + Int32(p), line: cell.line, source: cell.source, value: cell.value))
            }
        }
        return result
    }

    /// Calls `body` with every stored value of `metric` given by `source`, in storage order
    /// (period by period).
    package func forEachValue(metric: Int, source: UInt16, _ body: (_ unit: Int, _ entry: Entry) -> Void) {
        let (g, slot) = place[metric]
        let grid = grids[g]
        for p in 0..<grid.span where grid.rowHasValues(p) {
            for u in 0..<min(units.count, grid.unitCapacity) {
                let index = grid.index(p, u, slot)
                guard grid.isOccupied(index) else { continue }
                let cell = grid.cells[index]
                if cell.source == source {
                    body(u, Entry(ordinal: grid.base + Int32(p), line: cell.line, source: cell.source, value: cell.value))
                }
            }
        }
    }

    /// The series of every metric and unit: `series[metric][unit]`, sorted by ordinal.
    package var series: SeriesView { SeriesView(table: self) }

    /// Read access to the series as `series[metric][unit]`.
    package struct SeriesView: RandomAccessCollection, Sendable {
        let table: ObservationTable
        package var startIndex: Int { 0 }
        package var endIndex: Int { table.metrics.count }
        package subscript(metric: Int) -> MetricSeries { MetricSeries(table: table, metric: metric) }
    }

    /// The series of one metric, by unit index (each built on access).
    package struct MetricSeries: RandomAccessCollection, Sendable {
        let table: ObservationTable
        let metric: Int
        package var startIndex: Int { 0 }
        package var endIndex: Int { table.unitCount }
        package subscript(unit: Int) -> [Entry] { table.entries(metric: metric, unit: unit) }
    }

    /// The ordinal of the latest value of `metric` for any unit, or `nil`.
    package func latestOrdinal(metric: Int) -> Int32? {
        firstOrdinal(metric: metric, rows: stride(from: grids[place[metric].grid].span - 1, through: 0, by: -1))
    }

    /// The ordinal of the earliest value of `metric` for any unit, or `nil`.
    package func earliestOrdinal(metric: Int) -> Int32? {
        firstOrdinal(metric: metric, rows: 0..<grids[place[metric].grid].span)
    }

    /// The ordinal of the first of period rows `rows` that holds a value of `metric`.
    private func firstOrdinal(metric: Int, rows: some Sequence<Int>) -> Int32? {
        let (g, slot) = place[metric]
        let grid = grids[g]
        for p in rows where grid.rowHasValues(p) {
            for u in 0..<min(units.count, grid.unitCapacity) where grid.isOccupied(grid.index(p, u, slot)) {
                return grid.base + Int32(p)
            }
        }
        return nil
    }

    /// The values of `metric` transposed unit by unit for evaluation (see `DenseSeries`;
    /// evaluation transposes the metrics on every core, `ObservationTable.snapshot()`).
    package func denseSeries(metric m: Int) -> DenseSeries.Metric {
        let (g, slot) = place[m]
        let grid = grids[g]
        let units = min(self.units.count, grid.unitCapacity)
        // Only the periods that hold a value: a stray 1900-01 adds one column, not 124 years.
        let rows = (0..<grid.span).filter(grid.rowHasValues)
        var values = [Double](repeating: .nan, count: units * rows.count)
        values.withUnsafeMutableBufferPointer { grid.transpose(slot: slot, rows: rows, units: 0..<units, into: $0) }
        return DenseSeries.Metric(ordinals: rows.map { grid.base + Int32($0) }, values: values)
    }

    /// `denseSeries(metric:)` of every metric, the table given up as it goes: when no copy of
    /// the table shares a grid's cells, the cells' origins are returned to the system first
    /// (`madvise`), then the grid is transposed a block of units at a time and the pages of
    /// values already transposed are returned too, so the run never holds a grid and its
    /// transpose whole (at 10 M values, 80 MB of values, 80 MB of origins when they were
    /// written, and 80 MB of series). The series are the ones `denseSeries` gives. `perform(n, body)` runs
    /// `body(0..<n)`, on every core if it can (the table has no threads of its own).
    package consuming func releasingDenseSeries(perform: (_ count: Int, _ body: (Int) -> Void) -> Void) -> [DenseSeries.Metric] {
        var result = [DenseSeries.Metric?](repeating: nil, count: metrics.count)
        for g in grids.indices {
            let unique = isKnownUniquelyReferenced(&grids[g].cells)
            // The transpose reads values only: the origins go first.
            if unique { grids[g].cells.releaseOrigins() }
            let grid = grids[g]
            let units = min(self.units.count, grid.unitCapacity)
            let rows = (0..<grid.span).filter(grid.rowHasValues)
            let ordinals = rows.map { grid.base + Int32($0) }
            let count = units * rows.count
            // The series' storage is allocated untouched (a large allocation is fresh pages) and
            // filled block by block, as the cells it comes from are released.
            let series = Self.arrays(grid.width, count: count) { outputs in
                let block = 4096
                var released = [Int](repeating: 0, count: grid.span)
                for u0 in stride(from: 0, to: units, by: block) {
                    let u1 = min(u0 + block, units)
                    // One task per metric of the grid and quarter of the block.
                    let parts = 4
                    perform(grid.width * parts) { task in
                        let slot = task / parts, part = task % parts
                        let lo = u0 + (u1 - u0) * part / parts, hi = u0 + (u1 - u0) * (part + 1) / parts
                        let out = outputs[slot]
                        (out.baseAddress! + lo * rows.count).initialize(repeating: .nan, count: (hi - lo) * rows.count)
                        grid.transpose(slot: slot, rows: rows, units: lo..<hi, into: out)
                    }
                    guard unique else { continue }
                    // Units u0..<u1 of every row are transposed: release the whole pages of their
                    // values, from where the last block's release stopped.
                    for p in rows {
                        let end = grid.index(p, u1 - 1, grid.width - 1) + 1
                        released[p] = grid.cells.releaseValues(max(grid.index(p, 0, 0), released[p])..<end)
                    }
                }
            }
            for (slot, m) in grid.metrics.enumerated() { result[m] = DenseSeries.Metric(ordinals: ordinals, values: series[slot]) }
            // The cells are given up with the table; release what the blocks left.
            grids[g] = Grid(metrics: grid.metrics)
        }
        return result.map { $0! }
    }

    /// `n` arrays of `count` values, which `fill` initializes completely through their storage,
    /// given all at once (each array's storage is valid only inside its initializer, so the
    /// initializers nest).
    private static func arrays(
        _ n: Int, count: Int, _ fill: ([UnsafeMutableBufferPointer<Double>]) -> Void
    ) -> [[Double]] {
        var buffers: [UnsafeMutableBufferPointer<Double>] = []
        var arrays = [[Double]](repeating: [], count: n)
        func nest(_ i: Int) {
            guard i < n else { return fill(buffers) }
            arrays[i] = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                buffers.append(buffer)
                nest(i + 1)
                initialized = count
            }
        }
        nest(0)
        return arrays
    }

    /// Index of the first entry with `ordinal >= target`.
    package static func lowerBound(_ entries: [Entry], _ target: Int32) -> Int {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].ordinal < target { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// The values of a table laid out unit by unit, for evaluation: per metric, `span` periods
/// from `base` for every unit, `NaN` where there is no value (observations are never NaN:
/// the value parser refuses it).
package struct DenseSeries: Sendable {
    /// One metric: `values[unit * ordinals.count + k]` is the unit's value for period
    /// `ordinals[k]`, `NaN` when it has none. Only periods some unit has a value for are columns.
    package struct Metric: Sendable {
        package let ordinals: [Int32]
        package let values: [Double]

        package init(ordinals: [Int32], values: [Double]) {
            self.ordinals = ordinals
            self.values = values
        }
    }

    package let metrics: [Metric]
    package let unitCount: Int

    package init(metrics: [Metric], unitCount: Int) {
        self.metrics = metrics
        self.unitCount = unitCount
    }

    /// Calls `body` with each (ordinal, value) of `unit` for `metric`, in period order.
    @inlinable
    package func forEachValue(metric: Int, unit: Int, _ body: (_ ordinal: Int32, _ value: Double) -> Void) {
        let grid = metrics[metric]
        let count = grid.ordinals.count
        grid.values.withUnsafeBufferPointer { values in
            let start = unit * count
            for k in 0..<count where !values[start + k].isNaN {
                body(grid.ordinals[k], values[start + k])
            }
        }
    }

    /// The values of `unit` for `metric`, in period order.
    package func entries(metric: Int, unit: Int) -> [ObservationTable.Entry] {
        // One allocation, room for every column: the evaluation asks for every unit's series
        // of every metric (120 000 arrays on the 10 M benchmark), each let go at once.
        var result: [ObservationTable.Entry] = []
        result.reserveCapacity(metrics[metric].ordinals.count)
        forEachValue(metric: metric, unit: unit) { result.append(ObservationTable.Entry(ordinal: $0, value: $1)) }
        return result
    }
}
