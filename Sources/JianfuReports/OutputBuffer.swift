import Glibc
import JianfuModel

/// A byte stream the writers append to: buffered, flushed to a file descriptor in large
/// writes, or kept in memory for tests.
///
/// The buffer is one manually managed allocation, so the hot writers (`series.csv` has a line
/// per observation) can reserve room once per line and store bytes through a pointer.
/// Not thread-safe: one writer at a time (it is `Sendable` so that a writer may hand a buffer to
/// another thread, as `SeriesCSVWriter` does with its blocks).
package final class OutputBuffer: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private let descriptor: Int32?
    /// The first failed write to the descriptor, thrown by `flush()`.
    private var failure: WriteError?
    private static let flushSize = 1 << 20

    /// A stream kept in memory (`bytes`).
    package init() {
        descriptor = nil
        capacity = 4096
        storage = .allocate(capacity: capacity)
    }

    /// A stream into an open file descriptor; call `flush()` when done.
    package init(descriptor: Int32) {
        self.descriptor = descriptor
        capacity = Self.flushSize + 65536
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Everything written and not yet flushed (all of it, for an in-memory stream).
    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    package var text: String { String(decoding: UnsafeBufferPointer(start: storage, count: count), as: UTF8.self) }

    /// Makes room for `more` bytes, flushing first when writing to a descriptor.
    @inline(__always)
    private func reserve(_ more: Int) {
        if count + more <= capacity { return }
        if descriptor != nil, count > 0 { flushKeepingFailure() }
        if count + more <= capacity { return }
        let bigger = max(capacity * 2, count + more)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        grown.update(from: storage, count: count)
        storage.deallocate()
        storage = grown
        capacity = bigger
    }

    package func write(_ string: String) {
        var string = string
        string.withUTF8 { write(raw: $0) }
    }

    package func write(bytes more: [UInt8]) {
        more.withUnsafeBufferPointer { write(raw: $0) }
    }

    package func write(raw more: UnsafeBufferPointer<UInt8>) {
        reserve(more.count)
        if let base = more.baseAddress { (storage + count).update(from: base, count: more.count) }
        count += more.count
        if descriptor != nil, count >= Self.flushSize { flushKeepingFailure() }
    }

    /// Writes everything `other` holds (an in-memory stream: cells spelled once and repeated,
    /// such as a unit's id and name on each of its rows).
    package func write(contentsOf other: OutputBuffer) {
        precondition(other !== self, "a stream cannot be written into itself")
        write(raw: UnsafeBufferPointer(start: other.storage, count: other.count))
    }

    /// Empties an in-memory stream for reuse, keeping its room.
    package func removeAll() {
        precondition(descriptor == nil, "removeAll() is for in-memory streams")
        count = 0
    }

    package func write(byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    /// Writes a non-negative integer's decimal digits without building a `String`.
    package func write(digits value: Int, minimumWidth: Int = 1) {
        reserve(DecimalDigits.maximumCount)
        count = DecimalDigits.put(value, minimumWidth: minimumWidth, at: storage + count) - storage
    }

    /// Writes a number as `NumberFormat` spells it, without building a `String` for whole
    /// numbers and short decimals.
    package func write(number value: Double) {
        reserve(NumberFormat.maximumLength)
        count = NumberFormat.put(value, at: storage + count) - storage
        if descriptor != nil, count >= Self.flushSize { flushKeepingFailure() }
    }

    /// Writes one line built by `body` through a pointer with room for `maximumLength` bytes;
    /// `body` returns the pointer just past what it wrote.
    package func writeLine(maximumLength: Int, _ body: (UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8>) {
        reserve(maximumLength)
        count = body(storage + count) - storage
        if descriptor != nil, count >= Self.flushSize { flushKeepingFailure() }
    }

    /// Writes everything buffered to the descriptor. Throws the first failed write, including
    /// one of the flushes made along the way when the buffer filled up.
    package func flush() throws {
        flushKeepingFailure()
        if let failure { throw failure }
    }

    /// Writes everything buffered; on failure keeps the error for `flush()` and drops the bytes
    /// (the file is lost anyway, and the buffer must not grow without bound).
    private func flushKeepingFailure() {
        guard let descriptor else { return }
        var offset = 0
        while offset < count, failure == nil {
            let n = Glibc.write(descriptor, storage + offset, count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = WriteError(reason: String(cString: strerror(errno)))
            } else {
                offset += n
            }
        }
        count = 0
    }

    /// A failed `write(2)`.
    package struct WriteError: Error, CustomStringConvertible {
        package let reason: String
        package init(reason: String) { self.reason = reason }
        package var description: String { "write failed: \(reason)" }
    }
}
