import JianfuModel

/// The values of one (source, metric, period), ordered by unit: a row of `observation_slabs`
/// (both stores, SPEC §8) with its four columns decoded — `units` (Int32), `vals` (Float64),
/// `lines` (UInt32) and `runs` (Int32, the run that stored each value), each a little-endian
/// array of the same length.
///
/// The packing, the merge of a read into a slab and the check of a slab's arrays live here,
/// once for both stores; each store reads and writes the columns its own way
/// (`SQLiteStore+Observations.swift`, `PostgreSQLStore+Observations.swift`).
struct ObservationSlab {
    var units: [Int32] = []
    var values: [Double] = []
    var lines: [UInt32] = []
    var runs: [Int32] = []

    var count: Int { units.count }

    init() {}

    /// The slab in its four packed columns (copied: the bytes need not be aligned); throws
    /// `StoreError.unusable` when their lengths differ.
    init(units: UnsafeRawBufferPointer, values: UnsafeRawBufferPointer, lines: UnsafeRawBufferPointer, runs: UnsafeRawBufferPointer,
         location: String) throws {
        let columns = try Columns(units: units, values: values, lines: lines, location: location)
        guard runs.count == columns.count * 4 else { throw Self.differentLengths(location) }
        self.units = Self.decode(units, count: columns.count)
        self.values = Self.decode(values, count: columns.count)
        self.lines = Self.decode(lines, count: columns.count)
        self.runs = Self.decode(runs, count: columns.count)
    }

    static func differentLengths(_ location: String) -> StoreError {
        StoreError.unusable(path: location, reason: "a slab of observation_slabs has columns of different lengths")
    }

    mutating func reserveCapacity(_ n: Int) {
        units.reserveCapacity(n)
        values.reserveCapacity(n)
        lines.reserveCapacity(n)
        runs.reserveCapacity(n)
    }

    mutating func append(unit: Int32, value: Double, line: UInt32, run: Int32) {
        units.append(unit)
        values.append(value)
        lines.append(line)
        runs.append(run)
    }

    /// Appends value `j` of `other`.
    mutating func append(_ other: ObservationSlab, _ j: Int) {
        append(unit: other.units[j], value: other.values[j], line: other.lines[j], run: other.runs[j])
    }

    /// One period's values of a read (`range` of `incoming`, ordered by unit, with no unit
    /// twice, units as store numbers) merged into this stored slab: new units are added,
    /// changed values replaced (`corrected(j, n)` is called first with the stored index `j`
    /// and the incoming index `n`, to keep the old value in `observation_history`), the rest
    /// left alone. A merge join of two sorted lists: one pass over each. The merged slab is
    /// `nil` when nothing changed.
    func merging(
        _ incoming: StoredValues, _ range: Range<Int>, run: Int64, corrected: (_ j: Int, _ n: Int) throws -> Void
    ) rethrows -> (slab: ObservationSlab?, count: MergeCount) {
        let run = Int32(truncatingIfNeeded: run)
        var merged = ObservationSlab()
        merged.reserveCapacity(count + range.count)
        var count = MergeCount()
        var j = 0
        for n in range {
            let unit = incoming.units[n]
            while j < self.count, units[j] < unit {
                merged.append(self, j)
                j += 1
            }
            if j < self.count, units[j] == unit {
                if values[j] != incoming.values[n] {
                    try corrected(j, n)
                    merged.append(unit: unit, value: incoming.values[n], line: incoming.lines[n], run: run)
                    count.corrections += 1
                } else {
                    merged.append(self, j)
                }
                j += 1
            } else {
                merged.append(unit: unit, value: incoming.values[n], line: incoming.lines[n], run: run)
                count.added += 1
            }
        }
        while j < self.count {
            merged.append(self, j)
            j += 1
        }
        return (count.added > 0 || count.corrections > 0 ? merged : nil, count)
    }

    /// `count` elements of `T` from packed bytes (copied: they need not be aligned).
    private static func decode<T>(_ bytes: UnsafeRawBufferPointer, count: Int) -> [T] {
        guard count > 0, let base = bytes.baseAddress else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: count * MemoryLayout<T>.stride)
            initialized = count
        }
    }

    /// What is wrong with a stored slab (`jianfu store check`), in words after `place`: its
    /// four arrays of different lengths (`units` given, the others by byte count), units not
    /// ascending or repeated, or a unit number outside 1…`maxUnit`.
    static func problems(
        place: String, units: UnsafeRawBufferPointer, valueBytes: Int, lineBytes: Int, runBytes: Int, maxUnit: Int
    ) -> [String] {
        guard units.count % 4 == 0, valueBytes == 2 * units.count, lineBytes == units.count, runBytes == units.count else {
            return ["\(place): its arrays differ in length (units \(units.count), vals \(valueBytes), lines \(lineBytes), runs \(runBytes) bytes)"]
        }
        let ids = (0..<(units.count / 4)).map { Int32(littleEndian: units.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
        var problems: [String] = []
        if zip(ids, ids.dropFirst()).contains(where: { $0 >= $1 }) {
            problems.append("\(place): its units are not in ascending order without repeats")
        }
        if let bad = ids.first(where: { $0 < 1 || Int($0) > maxUnit }) {
            problems.append("\(place): unit number \(bad) is not in units")
        }
        return problems
    }

    /// The units, values and lines of a slab as the database holds them, read in place: valid
    /// as long as the bytes are (an SQLite statement's row, a PostgreSQL result).
    struct Columns {
        let count: Int
        private let units: UnsafeRawPointer?
        private let values: UnsafeRawPointer?
        private let lines: UnsafeRawPointer?

        /// Throws `StoreError.unusable` when the three arrays' lengths differ.
        init(units: UnsafeRawBufferPointer, values: UnsafeRawBufferPointer, lines: UnsafeRawBufferPointer, location: String) throws {
            self.units = units.baseAddress
            self.values = values.baseAddress
            self.lines = lines.baseAddress
            count = units.count / 4
            guard units.count % 4 == 0, values.count == count * 8, lines.count == count * 4 else {
                throw ObservationSlab.differentLengths(location)
            }
        }

        @inline(__always) func unit(_ i: Int) -> Int32 { units!.loadUnaligned(fromByteOffset: i * 4, as: Int32.self) }
        @inline(__always) func value(_ i: Int) -> Double { values!.loadUnaligned(fromByteOffset: i * 8, as: Double.self) }
        @inline(__always) func line(_ i: Int) -> UInt32 { lines!.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self) }

        /// Calls `body` with the index of each of `wanted` (ascending) the slab holds.
        func select(_ wanted: [Int32], _ body: (Int) -> Void) {
            var lo = 0
            for unit in wanted {
                var hi = count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if self.unit(mid) < unit { lo = mid + 1 } else { hi = mid }
                }
                if lo < count, self.unit(lo) == unit { body(lo) }
            }
        }

        /// Appends the values (all, or those of `wanted`, ascending), with `period`, to `result`.
        func append(period: Int32, units wanted: [Int32]?, to result: inout StoredValues) {
            if let wanted {
                select(wanted) { i in result.append(period: period, unit: unit(i), value: value(i), line: line(i)) }
            } else {
                appendAll(period: period, to: &result)
            }
        }

        /// Appends every value, with `period`, to `result`.
        func appendAll(period: Int32, to result: inout StoredValues) {
            guard count > 0 else { return }
            let start = result.count
            result.periods.append(contentsOf: repeatElement(period, count: count))
            result.units.append(contentsOf: repeatElement(0, count: count))
            result.values.append(contentsOf: repeatElement(0, count: count))
            result.lines.append(contentsOf: repeatElement(0, count: count))
            result.units.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: start * 4).copyMemory(from: units!, byteCount: count * 4) }
            result.values.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: start * 8).copyMemory(from: values!, byteCount: count * 8) }
            result.lines.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: start * 4).copyMemory(from: lines!, byteCount: count * 4) }
        }
    }
}
