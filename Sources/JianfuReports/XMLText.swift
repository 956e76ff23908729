/// Text from the data written into the XML parts of the Office packages jianfu makes
/// (`bulletin.docx`, `jianfu.xlsx`): one escape for both.
enum XMLText {
    /// Escapes text for XML 1.0 element content and attribute values. Characters XML 1.0 does not
    /// allow at all (C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF) — which a
    /// unit name from a hand-edited export may carry — are shown as their Unicode control
    /// pictures (U+2400 + code), so Word and Excel open the file and the reader sees that
    /// something is there. A line break (LF, CR or CR LF) becomes one space (one paragraph, one
    /// cell, is one line).
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var afterCR = false
        for scalar in s.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n", afterCR { continue }  // CR LF is one line break
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\r": out += " "
            case "\t": out.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}": out.unicodeScalars.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case "\u{7F}": out += "\u{2421}"
            case "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
