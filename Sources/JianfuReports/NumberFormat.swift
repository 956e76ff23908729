/// How every number is written (SPEC §6): full precision in the shortest form that reads back
/// to the same `Double`, `.` as decimal point, no exponent, no thousands separators; whole
/// numbers without a fraction (`12`, not `12.0`).
public enum NumberFormat {
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return value == 0 ? "0" : String(Int64(value))
        }
        if let (scaled, digits) = shortDecimal(value) {
            var text = String(scaled.magnitude)
            if text.count <= digits { text = String(repeating: "0", count: digits - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
            return (value < 0 ? "-" : "") + text
        }
        let shortest = value.description
        // Searched as bytes: a `Character` walk costs more than the formatting itself.
        guard let e = shortest.utf8.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) else {
            // Whole numbers from 1e15 up are spelled `1000000000000000.0`: drop the fraction.
            return shortest.hasSuffix(".0") ? String(shortest.dropLast(2)) : shortest
        }
        // Expand `d.ddde±x` into plain decimal notation.
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

    /// The common case of a value with a few decimals (a survey score such as 76.3): the
    /// fewest fraction digits `k ≤ 6` such that `round(value·10^k) / 10^k` reads back as the same
    /// `Double`. Below 1e9 only one k-digit decimal maps to a `Double`, so this is the shortest
    /// round-trip form, found without formatting a `String` first.
    @inline(__always)
    public static func shortDecimal(_ value: Double) -> (scaled: Int64, digits: Int)? {
        guard value.magnitude < 1e9, value != value.rounded() else { return nil }
        var scale = 1.0
        for digits in 1...6 {
            scale *= 10
            let scaled = (value * scale).rounded()
            if scaled / scale == value { return (Int64(scaled), digits) }
        }
        return nil
    }

    /// An optional number: empty when missing.
    public static func format(_ value: Double?) -> String {
        value.map { format($0) } ?? ""
    }

    public static func format(_ value: Bool?) -> String {
        value.map { $0 ? "true" : "false" } ?? ""
    }

    public static func format(_ value: Int?) -> String {
        value.map { String($0) } ?? ""
    }
}
