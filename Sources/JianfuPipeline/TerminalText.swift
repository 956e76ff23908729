/// Text for a terminal: display widths of CJK text, padding, and ANSI styles that are empty
/// when colour is off (not a TTY, or `NO_COLOR` set).
struct TerminalStyle {
    let enabled: Bool

    func bold(_ s: String) -> String { wrap(s, "1") }
    func dim(_ s: String) -> String { wrap(s, "2") }
    func red(_ s: String) -> String { wrap(s, "31") }
    func green(_ s: String) -> String { wrap(s, "32") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func blue(_ s: String) -> String { wrap(s, "34") }

    private func wrap(_ s: String, _ code: String) -> String {
        enabled && !s.isEmpty ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}

enum TerminalText {
    /// Columns `s` takes in a terminal: East Asian wide and fullwidth characters take two,
    /// combining marks none (Unicode UAX #11, the ranges that matter for Chinese text).
    static func width(_ s: String) -> Int {
        var columns = 0
        for scalar in s.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F: break
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                columns += 2
            default:
                columns += 1
            }
        }
        return columns
    }

    /// `s` padded with spaces to `columns`, on the right (text) or the left (`rightAligned`).
    /// `styled` is what is printed (with ANSI codes); its width is that of `s`.
    static func pad(_ s: String, to columns: Int, rightAligned: Bool = false, styled: String? = nil) -> String {
        let fill = String(repeating: " ", count: max(0, columns - width(s)))
        return rightAligned ? fill + (styled ?? s) : (styled ?? s) + fill
    }
}

/// A sparkline (▁▂▃▄▅▆▇█): one block per period, scaled from the lowest to the highest value
/// shown; a missing period is a space, a flat series sits at ▄.
enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func render(_ values: [Double?]) -> String {
        let present = values.compactMap { $0 }
        guard let lo = present.min(), let hi = present.max() else { return String(repeating: " ", count: values.count) }
        return String(values.map { value -> Character in
            guard let value else { return " " }
            guard hi > lo else { return blocks[3] }
            let level = Int(((value - lo) / (hi - lo) * Double(blocks.count - 1)).rounded())
            return blocks[min(max(level, 0), blocks.count - 1)]
        })
    }
}
