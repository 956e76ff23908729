/// Decimal digits stored as ASCII bytes through a pointer, without building a `String`: the one
/// digit writer behind every number and period spelling (`Period.put(at:)`, `NumberFormat`,
/// `OutputBuffer`), fast enough for a line per observation.
package enum DecimalDigits {
    /// The most digits `put` stores for an `Int` (`Int.max` has 19).
    package static let maximumCount = 19

    /// Stores the digits of the non-negative `value` at `p`, padded with leading zeros to
    /// `minimumWidth`; returns the pointer past them.
    @inlinable @inline(__always)
    package static func put(_ value: Int, minimumWidth: Int = 1, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var width = 1
        var limit = 10
        while value >= limit, width < maximumCount {
            width += 1
            limit &*= 10
        }
        width = max(width, minimumWidth)
        var n = value
        var i = width
        while i > 0 {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
            n /= 10
        }
        return p + width
    }
}
