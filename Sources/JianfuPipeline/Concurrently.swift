import Dispatch
import Foundation

/// A body run on a thread of its own from `init` on, its value taken by `wait`: the run's
/// store writes and its rectification ledger beside the report writers
/// (`PipelineRunner.stages`, `render`). The body must not touch what the caller uses until
/// `wait` returns.
///
/// A thread of its own, not a task on Dispatch's shared pool: a writer may wait for the value
/// on a thread of that pool (`OutputDirectory.writeConcurrently`), and the body must then run
/// whatever the pool's threads are doing.
final class Concurrently<Value>: @unchecked Sendable {
    private let done = DispatchGroup()
    /// Written by the body's thread before `done` is left, read after `wait`.
    private var outcome: Result<Value, any Error>?

    init(_ body: @escaping () throws -> Value) {
        let task = Body(call: body)
        done.enter()
        let thread = Thread { [self] in
            outcome = Result { try task.call() }
            done.leave()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the body to end and returns its value or rethrows what it threw; from any
    /// thread, any number of times.
    func wait() throws -> Value {
        done.wait()
        return try outcome!.get()
    }

    /// The body, handed to the other thread once.
    private struct Body: @unchecked Sendable {
        let call: () throws -> Value
    }
}
