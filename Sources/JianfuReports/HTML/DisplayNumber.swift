/// Numbers as people read them in the HTML pages and the terminal: rounded, unlike the full
/// precision of the CSV and JSON outputs (SPEC §6). Rounding is half away from zero; a missing
/// value is `—`.
package enum DisplayNumber {
    package static let missing = "—"

    /// A level or count: at most 2 decimals, trailing zeros dropped (`354.17`, `12.5`, `12`).
    package static func level(_ value: Double?) -> String {
        guard let value else { return missing }
        var text = fixed(value, decimals: 2)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A rate as a percentage with 1 decimal: `0.45` → `45.0%`; `signed` adds `+` to positive
    /// values (for 同比 changes).
    package static func percent(_ value: Double?, signed: Bool = false) -> String {
        guard let value else { return missing }
        let text = fixed(value * 100, decimals: 1)
        return (signed && !text.hasPrefix("-") && text != "0.0" ? "+" : "") + text + "%"
    }

    /// A score or composite (0–100): 1 decimal.
    package static func score(_ value: Double?) -> String {
        guard let value else { return missing }
        return fixed(value, decimals: 1)
    }

    /// `value` with exactly `decimals` digits after the point, no exponent; `-` only when the
    /// rounded value is not zero.
    package static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return missing }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return NumberFormat.format(value) }
        let units = Int64(scaled)
        let divisor = Int64(scale)
        var text = String(units / divisor)
        if decimals > 0 {
            let fraction = String(units % divisor)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return (value < 0 && units != 0 ? "-" : "") + text
    }
}
