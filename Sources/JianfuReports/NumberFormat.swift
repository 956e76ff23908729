import JianfuModel

/// How every number is written (SPEC §6): full precision in the shortest form that reads back
/// to the same `Double`, `.` as decimal point, no exponent, no thousands separators; whole
/// numbers without a fraction (`12`, not `12.0`).
///
/// `put(_:at:)` is the one implementation of the rule, storing bytes through a pointer so that
/// `series.csv` (a line per observation) spells numbers without making a `String`;
/// `format(_:)` and `OutputBuffer.write(number:)` are built on it.
package enum NumberFormat {
    /// The most bytes `put(_:at:)` stores: the plain decimal notation of the smallest
    /// subnormal (`0.` and 323 zeros before 17 significant digits) or of `Double.greatestFiniteMagnitude`
    /// (309 digits), with a sign.
    package static let maximumLength = 350

    /// The number spelled as a `String`.
    package static func format(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumLength) { buffer in
            let start = buffer.baseAddress!
            return String(decoding: UnsafeBufferPointer(start: start, count: put(value, at: start) - start), as: UTF8.self)
        }
    }

    /// Stores `value`'s spelling at `p`, which has room for `maximumLength` bytes; returns the
    /// pointer past it. Whole numbers below 10^15 and short decimals (a survey score such as
    /// 76.3), nearly all values, are stored digit by digit; any other goes through
    /// `Double.description`.
    @inline(__always)
    package static func put(_ value: Double, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        // Whole numbers are most values: `Int64(exactly:)` tells them apart without a libm call
        // (and spells -0.0 as `0`).
        if let whole = Int64(exactly: value), whole.magnitude < 1_000_000_000_000_000 {
            var q = p
            if whole < 0 {
                q[0] = UInt8(ascii: "-")
                q += 1
            }
            return DecimalDigits.put(Int(whole.magnitude), at: q)
        }
        if let (scaled, digits) = shortDecimal(value) { return put(decimal: scaled, digits: digits, at: p) }
        return putExpanded(value, at: p)
    }

    /// The common case of a value with a few decimals (a survey score such as 76.3): the
    /// fewest fraction digits `k ≤ 6` such that `round(value·10^k) / 10^k` reads back as the same
    /// `Double`. Below 1e9 only one k-digit decimal maps to a `Double`, so this is the shortest
    /// round-trip form, found without formatting a `String` first.
    @inline(__always)
    static func shortDecimal(_ value: Double) -> (scaled: Int64, digits: Int)? {
        guard value.magnitude < 1e9, value != value.rounded() else { return nil }
        var scale = 1.0
        for digits in 1...6 {
            scale *= 10
            let scaled = (value * scale).rounded()
            if scaled / scale == value { return (Int64(scaled), digits) }
        }
        return nil
    }

    /// Stores `scaled / 10^digits` in plain decimal notation (`-0.05`, `76.3`) at `p`.
    @inline(__always)
    static func put(decimal scaled: Int64, digits: Int, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var q = p
        if scaled < 0 {
            q[0] = UInt8(ascii: "-")
            q += 1
        }
        let magnitude = Int(scaled.magnitude)
        var divisor = 1
        for _ in 0..<digits { divisor *= 10 }
        q = DecimalDigits.put(magnitude / divisor, at: q)
        q[0] = UInt8(ascii: ".")
        return DecimalDigits.put(magnitude % divisor, minimumWidth: digits, at: q + 1)
    }

    /// The rare rest (large, tiny or long-fraction values, NaN, infinities): the shortest
    /// round-trip digits of `Double.description`, with `d.ddde±x` expanded into plain decimal
    /// notation and whole numbers from 1e15 up without their `.0`.
    @inline(never)
    static func putExpanded(_ value: Double, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var text = expanded(value)
        return text.withUTF8 { bytes in
            p.update(from: bytes.baseAddress!, count: bytes.count)
            return p + bytes.count
        }
    }

    private static func expanded(_ value: Double) -> String {
        let shortest = value.description
        // Searched as bytes: a `Character` walk costs more than the formatting itself.
        guard let e = shortest.utf8.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) else {
            // Whole numbers from 1e15 up are spelled `1000000000000000.0`: drop the fraction.
            return shortest.hasSuffix(".0") ? String(shortest.dropLast(2)) : shortest
        }
        let exponent = Int(shortest[shortest.index(after: e)...])!
        var mantissa = String(shortest[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var point = intPart.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var result = String(digits.prefix(point))
        var fraction = String(digits.dropFirst(point))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if !fraction.isEmpty { result += "." + fraction }
        return (negative ? "-" : "") + result
    }

    /// An optional number: empty when missing.
    package static func format(_ value: Double?) -> String {
        value.map { format($0) } ?? ""
    }

    package static func format(_ value: Bool?) -> String {
        value.map { $0 ? "true" : "false" } ?? ""
    }

    package static func format(_ value: Int?) -> String {
        value.map { String($0) } ?? ""
    }
}
