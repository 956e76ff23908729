import CSystem
import Glibc

/// The cells of one `ObservationTable` grid, in anonymous memory from `mmap`.
///
/// Fresh pages read as zero bytes, which is `Cell.vacant`, so reserving room costs no fill and
/// room never touched costs no memory: a grid reserves four times the periods it has, appends
/// periods without copying (beyond the room, the mapping grows in place: `grow`), and the parallel reader merges a later stretch into an earlier one
/// without moving it (an `Array` copied and zero-filled the whole grid at each growth).
///
/// Shared between copies of a table and copied on the first write by a non-unique owner
/// (`ObservationTable` checks `isKnownUniquelyReferenced`), like an array's buffer.
final class CellStorage: @unchecked Sendable {
    typealias Cell = ObservationTable.Cell

    private(set) var base: UnsafeMutablePointer<Cell>
    /// Cells mapped.
    private(set) var capacity: Int
    private var byteCount: Int

    /// Maps room for `capacity` vacant cells.
    init(capacity: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        byteCount = max(page, (capacity * MemoryLayout<Cell>.stride + page - 1) / page * page)
        let mapped = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let mapped, mapped != MAP_FAILED else {
            preconditionFailure("cannot map \(byteCount) bytes for the observation grid: \(String(cString: strerror(errno)))")
        }
        base = mapped.bindMemory(to: Cell.self, capacity: byteCount / MemoryLayout<Cell>.stride)
        self.capacity = byteCount / MemoryLayout<Cell>.stride
    }

    deinit { munmap(base, byteCount) }

    /// Maps room for at least `capacity` cells, keeping the cells: the kernel moves the pages
    /// (`mremap`), nothing is copied, and the room added is vacant like any fresh page. Only
    /// for a storage no other table shares (`base` may change).
    func grow(capacity: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = (capacity * MemoryLayout<Cell>.stride + page - 1) / page * page
        guard bytes > byteCount else { return }
        let moved = jianfu_mremap(base, byteCount, bytes)
        guard let moved, moved != MAP_FAILED else {
            preconditionFailure("cannot grow the observation grid to \(bytes) bytes: \(String(cString: strerror(errno)))")
        }
        base = moved.bindMemory(to: Cell.self, capacity: bytes / MemoryLayout<Cell>.stride)
        byteCount = bytes
        self.capacity = bytes / MemoryLayout<Cell>.stride
    }

    /// A storage of `capacity` cells holding a copy of the first `count` cells of this one.
    func copy(count: Int, capacity: Int) -> CellStorage {
        let copy = CellStorage(capacity: max(capacity, count))
        copy.base.update(from: base, count: count)
        return copy
    }
}
