import Dispatch

extension Array {
    /// `(0..<count).map(transform)`, computed on every core: `transform` runs concurrently for
    /// different indices, so it must only read shared state. Each thread takes a contiguous
    /// block of indices; the result is in index order, as the sequential map gives.
    package static func concurrentMap(count: Int, blocks: Int = 8, _ transform: (Int) -> Element) -> [Element] {
        guard count > 1 else { return (0..<count).map(transform) }
        let blocks = Swift.min(blocks, count)
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = buffer.baseAddress!
            onEveryCore(blocks) { block in
                for i in (count * block / blocks)..<(count * (block + 1) / blocks) {
                    (base + i).initialize(to: transform(i))
                }
            }
            initialized = count
        }
    }
}

/// Runs `body` for every index of `0..<count`, on every core: the calls run concurrently, so
/// each must only read shared state and write what its index owns (`concurrentMap`'s blocks,
/// the snapshot's blocks of units).
func onEveryCore(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedTask(body: body)
        DispatchQueue.concurrentPerform(iterations: count) { shared.body($0) }
    }
}

/// What the threads of `onEveryCore` share: the body, safe to call at once by its contract.
private struct UncheckedTask: @unchecked Sendable {
    let body: (Int) -> Void
}
