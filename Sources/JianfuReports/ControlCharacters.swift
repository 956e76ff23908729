/// Characters that text from the data (a unit name, a header, a pipeline value) must not bring
/// raw to a terminal or a log line: the C0 controls (with ESC, which starts the terminal's
/// escape sequences: window title, clear screen, hidden text), DEL, the C1 controls (U+009B is
/// a one-character CSI), the line and paragraph separators, and the bidirectional embedding,
/// override and isolate controls (which reorder what a reader sees).
///
/// `visible(_:)` is the one way jianfu prints such text as plain text (`jianfu unit`,
/// `jianfu validate`, plain log and error lines); JSON escapes the same characters as `\uXXXX`
/// (`JSON.quote`).
package enum ControlCharacters {
    /// True for a character listed in the type's comment.
    @inline(__always)
    package static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with each such character written visibly, as a Swift string literal writes it:
    /// LF, CR and tab as `\n`, `\r`, `\t`, the others as `\u{1B}` (hexadecimal, at least two
    /// digits). So a value shows on one line, as what it holds, and cannot steer the terminal.
    package static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: contains) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard contains(scalar) else {
                out.append(scalar)
                continue
            }
            let shown: String = switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default: "\\u{" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            out.append(contentsOf: shown.unicodeScalars)
        }
        return String(out)
    }
}
