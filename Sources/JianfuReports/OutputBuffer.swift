import Glibc
import JianfuModel

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
        if descriptor != nil, bytes.count >= Self.flushSize { try? flush() }
    }

    public func write(byte: UInt8) {
        bytes.append(byte)
    }

    /// Writes a non-negative integer's decimal digits without building a `String`.
    public func write(digits value: Int, minimumWidth: Int = 1) {
        var scratch: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var n = value
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                n /= 10
            } while n > 0 || buffer.count - i < minimumWidth
            bytes.append(contentsOf: buffer[i...])
        }
    }

    /// Writes a number as `NumberFormat.format` does, without a `String` for whole numbers.
    public func write(number value: Double) {
        if value == value.rounded(), value >= 0, value < 1e15 {
            write(digits: Int(value))
        } else {
            write(NumberFormat.format(value))
        }
    }

    /// Writes a period in its canonical spelling (`2024-03`, `2024Q1`, `2024`).
    public func write(period: Period) {
        write(digits: period.year)
        switch period.granularity {
        case .month:
            bytes.append(UInt8(ascii: "-"))
            write(digits: period.ordinal % 12 + 1, minimumWidth: 2)
        case .quarter:
            bytes.append(UInt8(ascii: "Q"))
            write(digits: period.ordinal % 4 + 1)
        case .year:
            break
        }
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
