import JianfuIngest
import Testing

/// How numeric cells of an `.xlsx` sheet are written for the CSV path.
@Suite struct XLSXCellTextTests {
    /// `<v>` texts as Excel and openpyxl write them → the plain decimal ValueParser reads.
    @Test func numbersArePlainShortestDecimals() {
        #expect(XLSXCellText.number("12") == "12")
        #expect(XLSXCellText.number("12.0") == "12")
        #expect(XLSXCellText.number("85.3") == "85.3")
        #expect(XLSXCellText.number("1e-05") == "0.00001")
        #expect(XLSXCellText.number("1.5E-2") == "0.015")
        #expect(XLSXCellText.number("1.2345E+3") == "1234.5")
        #expect(XLSXCellText.number("330199000000") == "330199000000")
        #expect(XLSXCellText.number("1E+16") == "10000000000000000")
        #expect(XLSXCellText.number("-3") == "-3")
        // Excel's 17 digits of 0.1 + 0.2 read back as that double, whose shortest form is this.
        #expect(XLSXCellText.number("0.30000000000000004") == "0.30000000000000004")
        #expect(XLSXCellText.number("0.10000000000000001") == "0.1")
        #expect(XLSXCellText.number("abc") == "abc")
    }

    /// Serial 45292 is 2024-01-01 in the 1900 system (45292 days after 1899-12-30); the 1904
    /// system starts 1462 days later. Serial 60 is Excel's 1900-02-29; 59 is 1900-02-28 and 61
    /// 1900-03-01.
    @Test func dateSerialsAreMonths() {
        #expect(XLSXCellText.month(serial: 45292, date1904: false) == "2024-01")
        #expect(XLSXCellText.month(serial: 45291.75, date1904: false) == "2023-12")
        #expect(XLSXCellText.month(serial: 45292 - 1462, date1904: true) == "2024-01")
        #expect(XLSXCellText.month(serial: 59, date1904: false) == "1900-02")
        #expect(XLSXCellText.month(serial: 61, date1904: false) == "1900-03")
        #expect(XLSXCellText.month(serial: 1, date1904: false) == "1900-01")
        #expect(XLSXCellText.month(serial: 0, date1904: true) == "1904-01")
        #expect(XLSXCellText.month(serial: -1, date1904: false) == nil)
        #expect(XLSXCellText.month(serial: 3_000_000, date1904: false) == nil)
    }

    /// The bytes path gives what the string path gives: the plain decimals it passes through
    /// unchanged, written out here, and the ones it must rewrite (a trailing or leading zero,
    /// an exponent, a sign, 16 or more significant digits, not a number).
    @Test func numberBytesGiveTheSameText() {
        let unchanged = ["0", "7", "12", "85.3", "0.5", "0.00001", "330199000000", "123456789012345", "0.123456789012345",
                         "99999.9999999999"]
        for raw in unchanged {
            #expect(XLSXCellText.number(Array(raw.utf8)) == Array(raw.utf8), "\(raw)")
            #expect(XLSXCellText.number(raw) == raw, "\(raw)")
        }
        let rewritten = [("12.0", "12"), ("012", "12"), ("1.50", "1.5"), ("1e-05", "0.00001"), ("-3", "-3"), ("-0", "0"),
                         ("0.10000000000000001", "0.1"), ("0.30000000000000004", "0.30000000000000004"),
                         ("1234567890123456789", "1234567890123456800"), (".5", "0.5"), ("5.", "5"), ("abc", "abc"), ("1.2.3", "1.2.3")]
        for (raw, expected) in rewritten {
            #expect(XLSXCellText.number(Array(raw.utf8)) == Array(expected.utf8), "\(raw)")
            #expect(XLSXCellText.number(raw) == expected, "\(raw)")
        }
    }
}
