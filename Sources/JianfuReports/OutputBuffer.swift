import Glibc

/// A byte stream the writers append to: buffered, flushed to a file descriptor in large
/// writes, or kept in memory for tests.
public final class OutputBuffer {
    public private(set) var bytes: [UInt8] = []
    private let descriptor: Int32?
    private static let flushSize = 1 << 20

    /// A stream kept in memory (`bytes`).
    public init() {
        descriptor = nil
    }

    /// A stream into an open file descriptor; call `flush()` when done.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        bytes.reserveCapacity(Self.flushSize + 4096)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public func write(_ string: String) {
        var string = string
        string.withUTF8 { bytes.append(contentsOf: $0) }
        if descriptor != nil, bytes.count >= Self.flushSize { try? flush() }
    }

    public func write(bytes more: [UInt8]) {
        bytes.append(contentsOf: more)
    }

    /// Writes everything buffered to the descriptor.
    public func flush() throws {
        guard let descriptor else { return }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        bytes.removeAll(keepingCapacity: true)
    }

    /// A failed `write(2)`.
    public struct WriteError: Error, CustomStringConvertible {
        public let reason: String
        public init(reason: String) { self.reason = reason }
        public var description: String { "write failed: \(reason)" }
    }
}
