/// Writing CSV cells (RFC 4180) safely for spreadsheets.
public enum CSVOutput {
    /// The UTF-8 byte order mark: spreadsheets need it to read UTF-8 CSV as Chinese (SPEC §6).
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A text cell: quoted when it holds a delimiter, quote, line break or edge spaces, and
    /// prefixed with `'` when it starts like a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR)
    /// so that opening the file never runs it.
    public static func text(_ value: String) -> String {
        var plain = true
        var value = value
        value.withUTF8 { bytes in
            guard let first = bytes.first else { return }
            if first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
                || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D || first == 0x20 || bytes.last == 0x20 {
                plain = false
                return
            }
            for byte in bytes where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
                plain = false
                return
            }
        }
        if plain { return value }
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || value.hasPrefix(" ") || value.hasSuffix(" ")
        guard needsQuotes else { return value }
        return "\"" + value.replacingQuotes() + "\""
    }

    /// Writes one row of already formatted cells.
    public static func row(_ cells: [String], to out: OutputBuffer) {
        out.write(cells.joined(separator: ","))
        out.write("\n")
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var result = ""
        result.reserveCapacity(count + 2)
        for character in self {
            if character == "\"" { result += "\"\"" } else { result.append(character) }
        }
        return result
    }
}
