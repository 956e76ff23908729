import JianfuReports
import Testing

/// SPEC §6: shortest round-trip form, `.` decimal point, no exponent, whole numbers bare.
@Suite struct NumberFormatTests {
    @Test(arguments: [
        (0.45, "0.45"), (12.0, "12"), (-9.0, "-9"), (0.0, "0"), (100.0 / 3.0, "33.333333333333336"),
        (1e-5, "0.00001"), (1.5e-7, "0.00000015"), (1e16, "10000000000000000"), (-2.5e-3, "-0.0025"),
        (76.3, "76.3"), (-0.05, "-0.05"), (0.1, "0.1"), (123456.789, "123456.789"), (0.30000000000000004, "0.30000000000000004"),
    ])
    func formats(value: Double, expected: String) {
        #expect(NumberFormat.format(value) == expected)
    }

    @Test func bytesMatchTheStringForm() {
        // The byte writer used for series.csv must spell numbers exactly as NumberFormat does.
        let out = OutputBuffer()
        for value in [76.3, -0.05, 0.1, 123456.789, 12, 0.30000000000000004] {
            if let (scaled, digits) = NumberFormat.shortDecimal(value) {
                out.writeLine(maximumLength: 32) { OutputBuffer.put(decimal: scaled, digits: digits, at: $0) }
            } else {
                out.write(number: value)
            }
            out.write(byte: UInt8(ascii: " "))
        }
        #expect(out.text == "76.3 -0.05 0.1 123456.789 12 0.30000000000000004 ")
    }

    @Test func emptyForMissing() {
        #expect(NumberFormat.format(Double?.none) == "")
        #expect(NumberFormat.format(Bool?.none) == "")
        #expect(NumberFormat.format(Bool?.some(true)) == "true")
    }

    @Test func csvCells() {
        #expect(CSVOutput.text("plain") == "plain")
        #expect(CSVOutput.text("a,b") == "\"a,b\"")
        #expect(CSVOutput.text("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVOutput.text("two\nlines") == "\"two\nlines\"")
        // Spreadsheet formula injection is defused with a leading apostrophe.
        #expect(CSVOutput.text("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0")
        #expect(CSVOutput.text("@SUM(A1)") == "'@SUM(A1)")
    }

    @Test func prometheusLabelEscaping() {
        #expect(PrometheusWriter.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }
}
