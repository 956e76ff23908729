/// A minimal JSON emitter with a fixed key order, so `summary.json` is deterministic.
package indirect enum JSON {
    case string(String)
    case number(Double?)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    /// Pretty-printed with two-space indentation.
    package func render(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .string(let s): return Self.quote(s)
        case .number(let d): return d.map { $0.isFinite ? NumberFormat.format($0) : "null" } ?? "null"
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.render(indent: indent + 1) }.joined(separator: ",\n") + "\n\(close)]"
        case .object(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { pad + Self.quote($0.0) + ": " + $0.1.render(indent: indent + 1) }.joined(separator: ",\n") + "\n\(close)}"
        }
    }

    /// One line, without spaces: `{"a":1,"b":[true,null]}` (a log line of `--log-format json`).
    package func renderCompact() -> String {
        switch self {
        case .array(let items): "[" + items.map { $0.renderCompact() }.joined(separator: ",") + "]"
        case .object(let pairs): "{" + pairs.map { Self.quote($0.0) + ":" + $0.1.renderCompact() }.joined(separator: ",") + "}"
        default: render()
        }
    }

    /// A JSON string literal (RFC 8259 escaping); the characters of `ControlCharacters` beyond
    /// what RFC 8259 requires (DEL, C1, U+2028/9, bidirectional controls) are escaped too, so
    /// the text is safe on a terminal. `/` is not escaped.
    package static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where ControlCharacters.contains(scalar):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
