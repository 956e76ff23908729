/// Reads the period spellings of SPEC §1 from UTF-8 bytes, without allocating.
///
/// Accepted (ASCII digits only, surrounding spaces and tabs trimmed):
/// - months: `2024-03` `2024-3` `2024/03` `2024/3` `202403` `2024年3月` `2024年03月`, and a
///   valid date `2024-03-15` / `2024/03/15` (its month);
/// - quarters: `2024Q1` `2024-Q1` `2024年第一季度` `2024年第1季度` (`q` is read as `Q`);
/// - years: `2024` `2024年`.
/// Years outside 1900...2199 are refused: they are typing errors, not history.
package enum PeriodParser {
    private static let nian = Array("年".utf8)
    private static let yue = Array("月".utf8)
    private static let di = Array("第".utf8)
    private static let jidu = Array("季度".utf8)
    private static let chineseQuarterDigits = ["一", "二", "三", "四"].map { Array($0.utf8) }

    /// Parses a spelling from a `String` (pipeline files, command-line arguments).
    package static func parse(_ text: String) -> Period? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
    }

    /// Parses a spelling from raw bytes; `nil` when it is not one of the accepted spellings.
    package static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> Period? {
        var lo = 0, hi = raw.count
        while lo < hi, raw[lo] == 0x20 || raw[lo] == 0x09 { lo += 1 }
        while hi > lo, raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09 { hi -= 1 }
        guard hi - lo >= 4 else { return nil }
        if hi - lo == 6, (lo..<hi).allSatisfy({ raw[$0] &- 0x30 < 10 }) {
            let year = (lo..<lo + 4).reduce(0) { $0 * 10 + Int(raw[$1] - 0x30) }
            let month = Int(raw[lo + 4] - 0x30) * 10 + Int(raw[lo + 5] - 0x30)
            guard (1900...2199).contains(year), (1...12).contains(month) else { return nil }
            return Period(year: year, month: month)
        }
        var cursor = Cursor(bytes: raw, index: lo, end: hi)
        guard let year = cursor.digits(exactly: 4), (1900...2199).contains(year) else { return nil }
        if cursor.atEnd { return Period(year: year) }
        let next = cursor.peek
        switch next {
        case UInt8(ascii: "-"), UInt8(ascii: "/"):
            cursor.advance()
            if cursor.consume(UInt8(ascii: "Q")) || cursor.consume(UInt8(ascii: "q")) {
                guard next == UInt8(ascii: "-") else { return nil }
                return quarter(year, &cursor)
            }
            guard let month = cursor.digits(min: 1, max: 2), (1...12).contains(month) else { return nil }
            if cursor.atEnd { return Period(year: year, month: month) }
            guard cursor.consume(next), let day = cursor.digits(min: 1, max: 2), cursor.atEnd,
                  day >= 1, day <= daysIn(year: year, month: month) else { return nil }
            return Period(year: year, month: month)
        case UInt8(ascii: "Q"), UInt8(ascii: "q"):
            cursor.advance()
            return quarter(year, &cursor)
        default:
            guard cursor.consume(nian) else { return nil }
            if cursor.atEnd { return Period(year: year) }
            if cursor.consume(di) {
                var q: Int?
                if let d = cursor.digits(exactly: 1) {
                    q = d
                } else if let index = chineseQuarterDigits.firstIndex(where: { cursor.consume($0) }) {
                    q = index + 1
                }
                guard let q, (1...4).contains(q), cursor.consume(jidu), cursor.atEnd else { return nil }
                return Period(year: year, quarter: q)
            }
            guard let month = cursor.digits(min: 1, max: 2), (1...12).contains(month),
                  cursor.consume(yue), cursor.atEnd else { return nil }
            return Period(year: year, month: month)
        }
    }

    private static func quarter(_ year: Int, _ cursor: inout Cursor) -> Period? {
        guard let q = cursor.digits(exactly: 1), (1...4).contains(q), cursor.atEnd else { return nil }
        return Period(year: year, quarter: q)
    }

    /// Days in a Gregorian month.
    package static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int
        let end: Int

        var atEnd: Bool { index >= end }
        var peek: UInt8 { bytes[index] }
        mutating func advance() { index += 1 }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < end, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func consume(_ sequence: [UInt8]) -> Bool {
            guard end - index >= sequence.count else { return false }
            for (offset, byte) in sequence.enumerated() where bytes[index + offset] != byte { return false }
            index += sequence.count
            return true
        }

        /// Reads `exactly` ASCII digits, or `nil` (cursor unchanged) when they are not there.
        mutating func digits(exactly count: Int) -> Int? {
            guard end - index >= count else { return nil }
            var value = 0
            for offset in 0..<count {
                let d = bytes[index + offset] &- 0x30
                guard d < 10 else { return nil }
                value = value * 10 + Int(d)
            }
            if index + count < end, bytes[index + count] &- 0x30 < 10 { return nil }
            index += count
            return value
        }

        /// Reads between `min` and `max` ASCII digits (and no more).
        mutating func digits(min: Int, max: Int) -> Int? {
            var count = 0
            var value = 0
            while index + count < end, bytes[index + count] &- 0x30 < 10 {
                guard count < max else { return nil }
                value = value * 10 + Int(bytes[index + count] &- 0x30)
                count += 1
            }
            guard count >= min else { return nil }
            index += count
            return value
        }
    }
}
