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
    /// 76.3) are stored digit by digit; any other takes the standard library's shortest digits
    /// (`putShortest`), without building a `String`.
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
        return putShortest(value, at: p)
    }

    /// The common case of a value with a few decimals (a survey score such as 76.3): the
    /// fewest fraction digits `k ≤ 6` such that `round(value·10^k) / 10^k` reads back as the same
    /// `Double`. Below 1e9 only one k-digit decimal maps to a `Double`, so this is the shortest
    /// round-trip form, found without formatting a `String` first.
    ///
    /// k = 6 is tried first: a value with fewer digits passes it too (its decimal times 10^6 is
    /// a whole number below 2^53, and the value is within 0.06 of it once scaled), so a long
    /// fraction such as 0.06778169014084497 is turned away after one try instead of six.
    /// `value` is not a whole number (`put` has stored those).
    @inline(__always)
    static func shortDecimal(_ value: Double) -> (scaled: Int64, digits: Int)? {
        guard value.magnitude < 1e9 else { return nil }
        let scaled6 = nearestWhole(value * 1e6)
        guard scaled6 / 1e6 == value else { return nil }
        var scale = 1.0
        for digits in 1...5 {
            scale *= 10
            let scaled = nearestWhole(value * scale)
            if scaled / scale == value { return (Int64(scaled), digits) }
        }
        return (Int64(scaled6), 6)
    }

    /// The whole number nearest `x` (ties to even), for |x| below 2^51: adding and taking away
    /// 1.5·2^52 leaves no fraction bits, without the libm call of `rounded()`. (How a tie
    /// rounds does not matter to `shortDecimal`: a value half a last digit away from the two
    /// nearest k-digit decimals reads back as neither.)
    @inline(__always)
    private static func nearestWhole(_ x: Double) -> Double {
        (x + 0x1.8p52) - 0x1.8p52
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

    /// The rest: long fractions (a year-on-year rate such as 0.06778169014084497), large and tiny
    /// values, NaN and the infinities. The digits are `Double.description`'s (the shortest that
    /// read back to the same `Double`), received as bytes straight at `p` through
    /// `Double.write(to:)`, which spells finite values as `description` does; `1e-05` and
    /// `1.8014398509481984e+16` are then expanded into plain decimal notation, and whole numbers
    /// from 1e15 up lose their `.0`. NaN and the infinities are spelled by `description` itself
    /// (`write(to:)` would add a NaN's payload).
    @inline(never)
    static func putShortest(_ value: Double, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        guard value.isFinite else {
            var text = value.description
            return text.withUTF8 { bytes in
                p.update(from: bytes.baseAddress!, count: bytes.count)
                return p + bytes.count
            }
        }
        var sink = PointerSink(end: p)
        value.write(to: &sink)
        let count = sink.end - p
        var e = 0
        while e < count, p[e] != UInt8(ascii: "e") { e += 1 }
        if e == count {
            // Plain already (from 1e-4 up to 2^53 or so): `0.06778169014084497`, `1000000000000000.0`.
            let dotZero = count >= 2 && p[count - 2] == UInt8(ascii: ".") && p[count - 1] == UInt8(ascii: "0")
            return p + (dotZero ? count - 2 : count)
        }
        // `-d.ddde±x` is at most 24 bytes: copied aside, then expanded over itself.
        var copy: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &copy) { raw in
            let text = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            text.update(from: p, count: min(count, raw.count))
            return expand(text, count: min(count, raw.count), exponentAt: e, to: p)
        }
    }

    /// Stores `text`, the `count` bytes of `-d.ddde±x` with its `e` at `exponentAt`, in plain
    /// decimal notation at `p` (trailing fraction zeros dropped); returns the pointer past it.
    private static func expand(
        _ text: UnsafePointer<UInt8>, count: Int, exponentAt e: Int, to p: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        let zero = UInt8(ascii: "0")
        var q = p
        var i = 0
        if text[0] == UInt8(ascii: "-") {
            q[0] = UInt8(ascii: "-")
            q += 1
            i = 1
        }
        // The mantissa's digits, moved left over its point (a Double has at most 17), and how
        // many came before the point.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { raw in
            let d = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var m = 0
            var whole = -1
            while i < e, m < raw.count {
                if text[i] == UInt8(ascii: ".") {
                    whole = m
                } else {
                    d[m] = text[i]
                    m += 1
                }
                i += 1
            }
            if whole < 0 { whole = m }
            var j = e + 1
            let negativeExponent = j < count && text[j] == UInt8(ascii: "-")
            if j < count, text[j] == UInt8(ascii: "-") || text[j] == UInt8(ascii: "+") { j += 1 }
            var exponent = 0
            while j < count {
                exponent = exponent * 10 + Int(text[j] &- zero)
                j += 1
            }
            // Digits before the decimal point once the exponent is applied.
            let point = whole + (negativeExponent ? -exponent : exponent)
            if point >= m {
                q.update(from: d, count: m)
                (q + m).update(repeating: zero, count: point - m)
                return q + point
            }
            var last = m
            if point <= 0 {
                while last > 0, d[last - 1] == zero { last -= 1 }
                q[0] = zero
                if last == 0 { return q + 1 }
                q[1] = UInt8(ascii: ".")
                (q + 2).update(repeating: zero, count: -point)
                (q + 2 - point).update(from: d, count: last)
                return q + 2 - point + last
            }
            while last > point, d[last - 1] == zero { last -= 1 }
            q.update(from: d, count: point)
            if last == point { return q + point }
            q[point] = UInt8(ascii: ".")
            (q + point + 1).update(from: d + point, count: last - point)
            return q + last + 1
        }
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

/// A `TextOutputStream` that stores what it is given at a pointer with room for it (a number's
/// spelling: at most `NumberFormat.maximumLength` bytes).
private struct PointerSink: TextOutputStream {
    var end: UnsafeMutablePointer<UInt8>

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { _writeASCII($0) }
    }

    /// How the standard library hands over a number's ASCII spelling without making a
    /// `String` (were it no longer called, `write(_:)` would get the same bytes, more slowly).
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress else { return }
        end.update(from: base, count: buffer.count)
        end += buffer.count
    }
}
