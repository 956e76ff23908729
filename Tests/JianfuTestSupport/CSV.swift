import Foundation

/// The UTF-8 byte order mark every CSV output starts with (SPEC §6).
public let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

/// A CSV output's bytes as text, the BOM stripped where there is one.
public func csvText(_ bytes: [UInt8]) -> String {
    String(decoding: bytes.starts(with: byteOrderMark) ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self)
}

/// A CSV output file as records of fields (RFC 4180: quoted fields, doubled quotes, line breaks
/// inside quotes), BOM stripped, header included.
public func csvRows(_ url: URL) throws -> [[String]] { parseCSV(csvText(try bytes(url))) }

/// A minimal RFC 4180 reader for the tests (comma delimiter, LF or CRLF records), written here
/// rather than taken from the code under test.
public func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var inQuotes = false
    var afterQuote = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if inQuotes {
            if c == "\"" {
                if chars.first == "\"" {
                    field.unicodeScalars.append("\"")
                    chars.removeFirst()
                } else {
                    inQuotes = false
                    afterQuote = true
                }
            } else {
                field.unicodeScalars.append(c)
            }
            continue
        }
        switch c {
        case "\"" where field.isEmpty && !afterQuote:
            inQuotes = true
        case ",":
            row.append(field)
            field = ""
            afterQuote = false
        case "\r" where chars.first == "\n":
            break
        case "\n":
            row.append(field)
            rows.append(row)
            row = []
            field = ""
            afterQuote = false
        default:
            field.unicodeScalars.append(c)
        }
    }
    if !field.isEmpty || !row.isEmpty || afterQuote {
        row.append(field)
        rows.append(row)
    }
    return rows
}
