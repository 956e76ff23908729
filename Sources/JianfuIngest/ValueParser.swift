import JianfuModel
import Glibc

/// Reads observation values (SPEC §1 "Values") from bytes: a plain decimal — digits, optionally
/// a `.` and more digits — after trimming spaces. No sign, exponent, thousands separator,
/// full-width digit, `NaN` or `inf`; a leading `-` followed by a plain decimal is reported as
/// negative so counts can say so.
///
/// A value must also stay below `limit` (10^15) in magnitude: no count or score comes near it,
/// so such a number is a typing or export error (a spreadsheet's `1.23457E+15` pasted as digits,
/// a run of 9s); and below it every whole number is exact and sums over units and periods stay
/// finite, so no output ever shows `inf`.
package enum ValueParser {
    package enum Outcome: Equatable {
        case value(Double)
        case empty
        case negative(Double)
        case invalid
        /// A plain decimal whose magnitude is `limit` or more.
        case outOfRange
    }

    /// Values must be smaller than this in magnitude.
    package static let limit = 1e15

    /// Powers of ten exactly representable as `Double`.
    private static let exactPowers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

    package static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> Outcome {
        var lo = 0, hi = raw.count
        while lo < hi, raw[lo] == 0x20 || raw[lo] == 0x09 { lo += 1 }
        while hi > lo, raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09 { hi -= 1 }
        if lo == hi { return .empty }
        var negative = false
        if raw[lo] == UInt8(ascii: "-") {
            negative = true
            lo += 1
        }
        guard let value = decimal(raw, lo, hi) else { return .invalid }
        guard value < limit else { return .outOfRange }
        return negative ? .negative(-value) : .value(value)
    }

    package static func parse(_ text: String) -> Outcome {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
    }

    /// `digits [. digits]` between `lo` and `hi`, correctly rounded.
    private static func decimal(_ raw: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0, fractionDigits = 0
        var i = lo
        var sawDot = false
        while i < hi {
            let byte = raw[i]
            let d = byte &- 0x30
            if d < 10 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(d) }
                digits += 1
                if sawDot { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !sawDot, i > lo, i + 1 < hi {
                sawDot = true
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        // Clinger's fast path: an exact integer mantissa divided by an exact power of ten is
        // correctly rounded. Anything longer goes through strtod.
        if digits <= 15 {
            if fractionDigits == 0 { return Double(mantissa) }  // counts: no division
            if fractionDigits <= 22 { return Double(mantissa) / exactPowers[fractionDigits] }
        }
        var text = [CChar](repeating: 0, count: hi - lo + 1)
        for k in lo..<hi { text[k - lo] = CChar(bitPattern: raw[k]) }
        return strtod(text, nil)
    }
}
