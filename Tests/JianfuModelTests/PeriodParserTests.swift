import JianfuModel
import Testing

/// SPEC §1 "Periods accepted": every spelling, with the period it must mean written out.
@Suite("PeriodParser")
struct PeriodParserTests {
    @Test("month spellings", arguments: [
        ("2024-03", Period(year: 2024, month: 3)),
        ("2024-3", Period(year: 2024, month: 3)),
        ("2024/03", Period(year: 2024, month: 3)),
        ("2024/3", Period(year: 2024, month: 3)),
        ("202403", Period(year: 2024, month: 3)),
        ("2024年3月", Period(year: 2024, month: 3)),
        ("2024年03月", Period(year: 2024, month: 3)),
        ("2024-12", Period(year: 2024, month: 12)),
        ("2019-01", Period(year: 2019, month: 1)),
        ("201912", Period(year: 2019, month: 12)),
        ("2024年12月", Period(year: 2024, month: 12)),
    ])
    func months(text: String, expected: Period) {
        #expect(PeriodParser.parse(text) == expected)
    }

    @Test("a valid date stands for its month", arguments: [
        ("2024-03-15", Period(year: 2024, month: 3)),
        ("2024/03/15", Period(year: 2024, month: 3)),
        ("2024-02-29", Period(year: 2024, month: 2)),  // 2024 is a leap year
        ("2000-02-29", Period(year: 2000, month: 2)),  // divisible by 400: leap
        ("2024-01-31", Period(year: 2024, month: 1)),
        ("2024-04-30", Period(year: 2024, month: 4)),
        ("2024-12-01", Period(year: 2024, month: 12)),
    ])
    func dates(text: String, expected: Period) {
        #expect(PeriodParser.parse(text) == expected)
    }

    @Test("quarter spellings", arguments: [
        ("2024Q1", Period(year: 2024, quarter: 1)),
        ("2024-Q1", Period(year: 2024, quarter: 1)),
        ("2024年第一季度", Period(year: 2024, quarter: 1)),
        ("2024年第1季度", Period(year: 2024, quarter: 1)),
        ("2024Q4", Period(year: 2024, quarter: 4)),
        ("2024-Q2", Period(year: 2024, quarter: 2)),
        ("2024年第二季度", Period(year: 2024, quarter: 2)),
        ("2024年第三季度", Period(year: 2024, quarter: 3)),
        ("2024年第四季度", Period(year: 2024, quarter: 4)),
        ("2024年第4季度", Period(year: 2024, quarter: 4)),
        ("2024q3", Period(year: 2024, quarter: 3)),
    ])
    func quarters(text: String, expected: Period) {
        #expect(PeriodParser.parse(text) == expected)
    }

    @Test("year spellings", arguments: [
        ("2024", Period(year: 2024)),
        ("2024年", Period(year: 2024)),
        ("2019", Period(year: 2019)),
    ])
    func years(text: String, expected: Period) {
        #expect(PeriodParser.parse(text) == expected)
    }

    @Test("surrounding spaces and tabs are trimmed", arguments: [
        (" 2024-03 ", Period(year: 2024, month: 3)),
        ("  202403", Period(year: 2024, month: 3)),
        ("\t2024年3月\t", Period(year: 2024, month: 3)),
        ("2024Q2   ", Period(year: 2024, quarter: 2)),
        (" 2024年 ", Period(year: 2024)),
        (" 2024-03-15\t", Period(year: 2024, month: 3)),
    ])
    func trimmed(text: String, expected: Period) {
        #expect(PeriodParser.parse(text) == expected)
    }

    @Test("bad periods are refused", arguments: [
        "2019-13",        // no month 13
        "2019-00",        // no month 0
        "19-03",          // two-digit year
        "2024-02-31",     // February has no 31st
        "2023-02-29",     // 2023 is not a leap year
        "1900-02-29",     // divisible by 100, not by 400: not leap
        "2024-04-31",     // April has 30 days
        "2024-03-00",     // no day 0
        "２０２４-03",     // full-width digits
        "2024-０3",        // a full-width digit in the month
        "2019年13月",
        "2024年0月",
        "2024年3",        // 年 without 月
        "2024Q5",
        "2024Q0",
        "2024-Q5",
        "2024/Q1",        // quarters take '-' only
        "2024年第五季度",
        "2024年第0季度",
        "2024年第１季度",  // full-width digit
        "2024-03-15x",
        "2024-03x",
        "2024-03/15",     // mixed separators
        "2024-003",
        "202413",         // six digits, month 13
        "202400",
        "20240",
        "2024 03",
        "2024-",
        "03-2024",
        "1899",           // outside 1900...2199
        "2200-01",
        "",
        "   ",
        "\t",
    ])
    func refused(text: String) {
        #expect(PeriodParser.parse(text) == nil)
    }

    @Test("years 1900 and 2199 are the bounds")
    func yearBounds() {
        #expect(PeriodParser.parse("1900-01") == Period(year: 1900, month: 1))
        #expect(PeriodParser.parse("2199-12") == Period(year: 2199, month: 12))
    }

    @Test("the bytes overload reads only the slice it is given")
    func byteSlice() {
        // "x2024-03y": the field is bytes 1..<8; the letters around it must not be read.
        let bytes = Array("x2024-03y".utf8)
        let period = bytes.withUnsafeBufferPointer { PeriodParser.parse(UnsafeBufferPointer(rebasing: $0[1..<8])) }
        #expect(period == Period(year: 2024, month: 3))
        let year = bytes.withUnsafeBufferPointer { PeriodParser.parse(UnsafeBufferPointer(rebasing: $0[1..<5])) }
        #expect(year == Period(year: 2024))
    }

    @Test("days in month")
    func daysInMonth() {
        #expect(PeriodParser.daysIn(year: 2024, month: 2) == 29)
        #expect(PeriodParser.daysIn(year: 2023, month: 2) == 28)
        #expect(PeriodParser.daysIn(year: 1900, month: 2) == 28)
        #expect(PeriodParser.daysIn(year: 2000, month: 2) == 29)
        #expect(PeriodParser.daysIn(year: 2024, month: 4) == 30)
        #expect(PeriodParser.daysIn(year: 2024, month: 12) == 31)
    }
}

@Suite("Period")
struct PeriodTests {
    @Test("ordinals: month = year*12 + month-1, quarter = year*4 + quarter-1, year = year")
    func ordinals() {
        #expect(Period(year: 2024, month: 3) == Period(.month, ordinal: 24290))   // 2024*12 = 24288, + 2
        #expect(Period(year: 2024, month: 1) == Period(.month, ordinal: 24288))
        #expect(Period(year: 2024, quarter: 1) == Period(.quarter, ordinal: 8096))  // 2024*4 = 8096, + 0
        #expect(Period(year: 2024, quarter: 4) == Period(.quarter, ordinal: 8099))
        #expect(Period(year: 2024) == Period(.year, ordinal: 2024))
    }

    @Test("canonical spellings", arguments: [
        (Period(year: 2024, month: 3), "2024-03"),
        (Period(year: 2024, month: 1), "2024-01"),
        (Period(year: 2024, month: 10), "2024-10"),
        (Period(year: 2024, month: 12), "2024-12"),
        (Period(.month, ordinal: 24299), "2024-12"),   // 24299 = 2024*12 + 11
        (Period(.month, ordinal: 24300), "2025-01"),
        (Period(year: 2024, quarter: 1), "2024Q1"),
        (Period(year: 2024, quarter: 4), "2024Q4"),
        (Period(.quarter, ordinal: 8100), "2025Q1"),   // 8100 = 2025*4
        (Period(year: 2024), "2024"),
    ])
    func description(period: Period, expected: String) {
        #expect(period.description == expected)
    }

    @Test("the byte speller stores the canonical spellings")
    func bytes() {
        // `put(at:)` is what `description` and series.csv use: months padded to two digits,
        // quarters unpadded, a year of three digits not padded.
        let periods = [Period(year: 2024, month: 3), Period(year: 2024, month: 11), Period(year: 2024, quarter: 2),
                       Period(year: 2024), Period(year: 999, month: 1)]
        let spelled = periods.map { period in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Period.maximumSpellingLength) { buffer in
                let start = buffer.baseAddress!
                return String(decoding: UnsafeBufferPointer(start: start, count: period.put(at: start) - start), as: UTF8.self)
            }
        }
        #expect(spelled == ["2024-03", "2024-11", "2024Q2", "2024", "999-01"])
    }

    @Test("every canonical spelling parses back to its period", arguments: [
        Period(year: 2024, month: 3), Period(year: 2019, month: 12), Period(year: 2024, quarter: 2), Period(year: 2024),
    ])
    func roundTrip(period: Period) {
        #expect(PeriodParser.parse(period.description) == period)
    }

    @Test("first and last months of a period")
    func monthSpan() {
        // 2024Q2 = April..June: month ordinals 24288+3 = 24291 ... 24293.
        #expect(Period(year: 2024, quarter: 2).firstMonthOrdinal == 24291)
        #expect(Period(year: 2024, quarter: 2).lastMonthOrdinal == 24293)
        // 2024 = January..December: 24288 ... 24299.
        #expect(Period(year: 2024).firstMonthOrdinal == 24288)
        #expect(Period(year: 2024).lastMonthOrdinal == 24299)
    }

    @Test("periods order by their first month")
    func ordering() {
        #expect(Period(year: 2024, month: 2) < Period(year: 2024, month: 3))
        #expect(Period(year: 2023, month: 12) < Period(year: 2024, month: 1))
        #expect(Period(year: 2024, quarter: 1) < Period(year: 2024, quarter: 2))
    }
}
