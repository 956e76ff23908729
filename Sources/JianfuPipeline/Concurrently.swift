import Dispatch

/// A body run on a thread of its own from `init` on, its outcome taken by `wait`: the run's
/// store writes beside the report writers (`PipelineRunner.stages`). The body must not touch
/// what the caller uses until `wait` returns.
final class Concurrently: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written by the body's thread before `done` is signalled, read after `wait`.
    private var error: (any Error)?
    private var finished = false

    init(_ body: @escaping () throws -> Void) {
        let task = Body(call: body)
        DispatchQueue.global().async { [self] in
            do {
                try task.call()
            } catch {
                self.error = error
            }
            done.signal()
        }
    }

    /// Waits for the body to end and rethrows what it threw; again, at once.
    func wait() throws {
        if !finished {
            done.wait()
            finished = true
        }
        if let error { throw error }
    }

    /// The body, handed to the other thread once.
    private struct Body: @unchecked Sendable {
        let call: () throws -> Void
    }
}
