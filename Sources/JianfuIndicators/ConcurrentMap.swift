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
            withoutActuallyEscaping(transform) { transform in
                let shared = UncheckedBox(transform: transform, base: base)
                DispatchQueue.concurrentPerform(iterations: blocks) { block in
                    for i in (count * block / blocks)..<(count * (block + 1) / blocks) {
                        (shared.base + i).initialize(to: shared.transform(i))
                    }
                }
            }
            initialized = count
        }
    }
}

/// What the threads of `concurrentMap` share: the transform (read-only by its contract) and
/// the result's storage (each index written by one thread).
private struct UncheckedBox<Element>: @unchecked Sendable {
    let transform: (Int) -> Element
    let base: UnsafeMutablePointer<Element>
}
