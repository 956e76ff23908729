import CSystem
import Glibc

/// The cells of one `ObservationTable` grid, in anonymous memory from `mmap`: each cell's value
/// (8 bytes) in one mapping, where it came from — its source and line, 8 bytes — in another.
///
/// Fresh pages read as zero bytes, which is `Cell.vacant`, so reserving room costs no fill and
/// room never touched costs no memory: a grid reserves four times the periods it has, appends
/// periods without copying (beyond the room, the mappings grow in place: `grow`), and the
/// parallel reader merges a later stretch into an earlier one without moving it (an `Array`
/// copied and zero-filled the whole grid at each growth). An origin of source 0 and line 0 is
/// not written (`set`): a table built from a state store, whose values need no line, touches
/// only the values' pages — half the memory.
///
/// Shared between copies of a table and copied on the first write by a non-unique owner
/// (`ObservationTable` checks `isKnownUniquelyReferenced`), like an array's buffer.
final class CellStorage: @unchecked Sendable {
    typealias Cell = ObservationTable.Cell

    /// Where a value came from; (0, 0) in a page never written.
    struct Origin: Equatable {
        static let zero = Origin(line: 0, source: 0)
        var line: UInt32
        var source: UInt16
    }

    // The properties `set` reads for every value stored are not checked for exclusive access
    // at run time (a check per value was most of a night's read): a storage is written by one
    // table at a time (copied on write, `ObservationTable.Grid.makeUnique`), and only `grow`
    // and `releaseOrigins` change them.
    @exclusivity(unchecked) private(set) var values: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private(set) var origins: UnsafeMutablePointer<Origin>
    /// Cells mapped.
    private(set) var capacity: Int
    /// Whether any origin other than (0, 0) was written: while none was, every origin reads
    /// (0, 0) and `setOrigin` of (0, 0) need not read the one stored (whose page, never
    /// touched, would be mapped by the read).
    @exclusivity(unchecked) private(set) var anyOrigin = false

    /// Maps room for `capacity` vacant cells.
    init(capacity: Int) {
        let count = Self.roundedToPages(max(capacity, 1))
        values = Self.map(count * 8).bindMemory(to: Double.self, capacity: count)
        origins = Self.map(count * 8).bindMemory(to: Origin.self, capacity: count)
        self.capacity = count
    }

    deinit {
        munmap(values, capacity * 8)
        munmap(origins, capacity * 8)
    }

    /// The cell at `index`.
    @inline(__always) subscript(index: Int) -> Cell {
        let origin = origins[index]
        return Cell(value: values[index], line: origin.line, source: origin.source)
    }

    /// Stores `cell` at `index`; its origin is written unless both it and the one stored are (0, 0).
    @inline(__always) func set(_ index: Int, _ cell: Cell) {
        values[index] = cell.value
        setOrigin(index, line: cell.line, source: cell.source)
    }

    @inline(__always) func setOrigin(_ index: Int, line: UInt32, source: UInt16) {
        let origin = Origin(line: line, source: source)
        if origin != .zero {
            anyOrigin = true
            origins[index] = origin
        } else if anyOrigin && origins[index] != .zero {
            origins[index] = origin
        }
    }

    /// Maps room for at least `capacity` cells, keeping the cells: the kernel moves the pages
    /// (`mremap`), nothing is copied, and the room added is vacant like any fresh page. Only
    /// for a storage no other table shares (the pointers may change).
    func grow(capacity: Int) {
        let count = Self.roundedToPages(capacity)
        guard count > self.capacity else { return }
        values = Self.remap(values, from: self.capacity * 8, to: count * 8).bindMemory(to: Double.self, capacity: count)
        origins = Self.remap(origins, from: self.capacity * 8, to: count * 8).bindMemory(to: Origin.self, capacity: count)
        self.capacity = count
    }

    /// A storage of `capacity` cells holding a copy of the first `count` cells of this one.
    func copy(count: Int, capacity: Int) -> CellStorage {
        let copy = CellStorage(capacity: max(capacity, count))
        copy.values.update(from: values, count: count)
        copy.origins.update(from: origins, count: count)
        copy.anyOrigin = anyOrigin
        return copy
    }

    /// Returns the origins' pages to the system: every origin reads (0, 0) after. For a table
    /// given up to its transpose, which reads values only.
    func releaseOrigins() {
        madvise(origins, capacity * 8, Int32(MADV_DONTNEED))
        anyOrigin = false
    }

    /// Returns the pages wholly inside the values of cells `cells` to the system (those values
    /// read 0 after); returns the cell up to which the values are released (a page boundary),
    /// or `cells.lowerBound` when no whole page was inside.
    @discardableResult
    func releaseValues(_ cells: Range<Int>) -> Int {
        let page = Self.pageSize
        let from = (cells.lowerBound * 8 + page - 1) / page * page
        let to = cells.upperBound * 8 / page * page
        guard to > from else { return cells.lowerBound }
        madvise(UnsafeMutableRawPointer(values) + from, to - from, Int32(MADV_DONTNEED))
        return to / 8
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// `cells` rounded up to whole pages of 8-byte cells.
    private static func roundedToPages(_ cells: Int) -> Int {
        let perPage = pageSize / 8
        return (cells + perPage - 1) / perPage * perPage
    }

    private static func map(_ bytes: Int) -> UnsafeMutableRawPointer {
        let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let mapped, mapped != MAP_FAILED else {
            preconditionFailure("cannot map \(bytes) bytes for the observation grid: \(String(cString: strerror(errno)))")
        }
        // Huge pages where the system gives them on request: a grid is written row by row, and
        // a 4 KiB page fault per 512 cells was a tenth of a night's time.
        _ = madvise(mapped, bytes, 14 /* MADV_HUGEPAGE */)
        return mapped
    }

    private static func remap<T>(_ pointer: UnsafeMutablePointer<T>, from old: Int, to new: Int) -> UnsafeMutableRawPointer {
        let moved = jianfu_mremap(pointer, old, new)
        guard let moved, moved != MAP_FAILED else {
            preconditionFailure("cannot grow the observation grid to \(new) bytes: \(String(cString: strerror(errno)))")
        }
        return moved
    }
}
