import JianfuIngest
import Testing

/// SPEC §1 "Values": a plain decimal after trimming spaces; `-` reads as negative.
@Suite("ValueParser")
struct ValueParserTests {
    @Test("plain decimals", arguments: [
        ("12", 12.0),
        ("12.5", 12.5),
        (" 7 ", 7.0),
        ("\t3.25\t", 3.25),
        ("0", 0.0),
        ("0.0", 0.0),
        ("0.1", 0.1),     // correctly rounded: the same Double as the literal 0.1
        ("0.3", 0.3),
        ("2.675", 2.675),
        ("007", 7.0),
        ("100.000", 100.0),
        ("88.5", 88.5),
        ("999999999999999", 999_999_999_999_999.0),  // 15 digits, exact
    ])
    func plain(text: String, expected: Double) {
        #expect(ValueParser.parse(text) == .value(expected))
    }

    @Test("a mantissa longer than a Double holds is rounded as the standard library rounds it")
    func longMantissa() {
        #expect(ValueParser.parse("1234567890.123456789") == .value(Double("1234567890.123456789")!))
        #expect(ValueParser.parse("0.30000000000000004") == .value(0.30000000000000004))
        #expect(ValueParser.parse("123456789012.34567890") == .value(Double("123456789012.34567890")!))
    }

    @Test("10^15 or more is out of range, as is a run of digits past Double's range", arguments: [
        "1000000000000000", "1000000000000000.0", "12345678901234567890", "-1000000000000000", String(repeating: "9", count: 400),
    ])
    func outOfRange(text: String) {
        #expect(ValueParser.parse(text) == .outOfRange)
    }

    @Test("anything else is invalid", arguments: [
        "1,234",   // thousands separator
        "１２",     // full-width digits
        "1e3",     // exponent
        "1E3",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "12.",     // a dot needs digits after it
        ".5",      // and before it
        "+3",      // no plus sign
        "—",       // an em dash, as spreadsheets show "nothing"
        "-",
        "--3",
        "- 3",
        "1.2.3",
        "1 2",
        "12a",
        "0x10",
        "十",
    ])
    func invalid(text: String) {
        #expect(ValueParser.parse(text) == .invalid)
    }

    @Test("a leading minus is a negative number", arguments: [
        ("-3", -3.0),
        ("-12.5", -12.5),
        (" -7 ", -7.0),
    ])
    func negative(text: String, expected: Double) {
        #expect(ValueParser.parse(text) == .negative(expected))
    }

    @Test("-0 is a negative zero")
    func negativeZero() throws {
        let outcome = ValueParser.parse("-0")
        guard case .negative(let value) = outcome else {
            Issue.record("expected .negative, got \(outcome)")
            return
        }
        #expect(value == 0)
        #expect(value.sign == .minus)
    }

    @Test("empty or only spaces is empty", arguments: ["", " ", "   ", "\t", " \t "])
    func empty(text: String) {
        #expect(ValueParser.parse(text) == .empty)
    }

    @Test("the bytes overload reads only the slice it is given")
    func byteSlice() {
        // "9|12.5|9": the field is bytes 2..<6.
        let bytes = Array("9|12.5|9".utf8)
        let outcome = bytes.withUnsafeBufferPointer { ValueParser.parse(UnsafeBufferPointer(rebasing: $0[2..<6])) }
        #expect(outcome == .value(12.5))
    }
}
