import Glibc
import JianfuModel
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

    /// Values that are neither whole below 10^15 nor short decimals take the standard
    /// library's shortest digits, received as bytes: plain already from 1e-4 up to 2^53 (a
    /// trailing `.0` dropped), expanded from the exponent form outside that.
    @Test(arguments: [
        // Long fractions (reduction and year-on-year rates), plain in `description`.
        (-0.28571428571428575, "-0.28571428571428575"), (-2.0 / 7.0, "-0.2857142857142857"), (0.1 + 0.2, "0.30000000000000004"), (2.0 / 3.0, "0.6666666666666666"),
        (1_000_000_000_000_000.5, "1000000000000000.5"), (999_999_999.999_999_9, "999999999.9999999"),
        // 1e-4 is the smallest magnitude `description` spells plainly (`0.0001`); below it `1e-05`.
        (0.0001, "0.0001"), (-0.0001, "-0.0001"), (0.00012345678901234, "0.00012345678901234"),
        (0.00001, "0.00001"), (0.000099999999999999991, "0.00009999999999999999"), (-1.25e-10, "-0.000000000125"),
        // Whole numbers from 10^15: `1000000000000000.0` up to 2^53, then `1.8014398509481984e+16`.
        (1e15, "1000000000000000"), (-1e15, "-1000000000000000"), (9_007_199_254_740_992.0, "9007199254740992"),
        (18_014_398_509_481_984.0, "18014398509481984"), (123_456_789_012_345_680.0, "123456789012345680"),
        (1.5e20, "150000000000000000000"), (1.7976931348623157e20, "179769313486231570000"),
        // Short decimals: the fewest of up to six fraction digits.
        (0.000001, "0.000001"), (-0.000125, "-0.000125"), (999_999_999.5, "999999999.5"), (123.456, "123.456"),
        (999_999_999.999999, "999999999.999999"),
    ])
    func formatsLongFractionsAndBoundaries(value: Double, expected: String) {
        #expect(NumberFormat.format(value) == expected)
        let out = OutputBuffer()
        out.write(number: value)
        #expect(out.text == expected)
    }

    @Test func notANumberAndInfinities() {
        // As `description` spells them; a NaN's payload is not written (`debugDescription`
        // would give `nan(0x1)`).
        #expect(NumberFormat.format(Double.nan) == "nan")
        #expect(NumberFormat.format(Double(nan: 1, signaling: false)) == "nan")
        #expect(NumberFormat.format(Double.infinity) == "inf")
        #expect(NumberFormat.format(-Double.infinity) == "-inf")
    }

    @Test func bufferSpellsTheLongestNumbers() {
        // The byte path stores the plain decimal notation in place, so its room must hold the
        // longest: 5e-324 is `0.` and 323 zeros then 5; the largest Double has 309 digits.
        let out = OutputBuffer()
        out.write(number: -Double.leastNonzeroMagnitude)
        #expect(out.text == "-0." + String(repeating: "0", count: 323) + "5")
        let largest = NumberFormat.format(-Double.greatestFiniteMagnitude)
        #expect(largest.hasPrefix("-17976931348623157") && largest.count == 310)
        #expect(largest.dropFirst(18).allSatisfy { $0 == "0" })
        #expect(out.text.utf8.count <= NumberFormat.maximumLength && largest.utf8.count <= NumberFormat.maximumLength)
    }

    @Test func numberWriterSpellsAsNumberFormat() {
        // `OutputBuffer.write(number:)` (every CSV writer) takes byte paths for whole numbers
        // and short decimals; each must read as `NumberFormat.format` writes it.
        let values: [Double] = [0, -0.0, 7, -9, 1e15 - 1, 1e15, -1e15, 1e16, 0.45, -0.05, 76.3, 100.0 / 3.0,
                                1e-5, -2.5e-3, 0.30000000000000004, 999_999_999.5, 1e9 + 0.25, 123456.789]
        let out = OutputBuffer()
        var row = CSVRow(out)
        for value in values { row.number(value) }
        row.number(nil)
        row.end()
        #expect(out.text == values.map { NumberFormat.format($0) }.joined(separator: ",") + ",\n")
        #expect(out.text.hasPrefix("0,0,7,-9,999999999999999,1000000000000000,-1000000000000000,10000000000000000,0.45,-0.05,76.3,"))
    }

    @Test func csvRowCells() {
        let out = OutputBuffer()
        var row = CSVRow(out)
        row.text("a,b")
        row.text("=1+1")
        row.text("村")
        row.integer(-3)
        row.integer(nil)
        row.flag(true)
        row.flag(nil)
        row.formatted("x")
        row.end()
        #expect(out.text == "\"a,b\",'=1+1,村,-3,,true,,x\n")
    }

    @Test func repeatedCellsAndPeriods() {
        // Cells spelled once into a buffer of their own (escaped as `text` does) and copied
        // onto each row; periods in canonical spelling, empty when missing.
        let unit = OutputBuffer()
        var cells = CSVRow(unit)
        cells.text("a,b")
        cells.text("=x")
        cells.flag(false)
        let out = OutputBuffer()
        for month in [24290, 24287] {
            var row = CSVRow(out)
            row.cells(unit)
            row.period(Period(.month, ordinal: month))
            row.period(nil)
            row.end()
        }
        unit.removeAll()
        var other = CSVRow(unit)
        other.text("c")
        var row = CSVRow(out)
        row.integer(1)
        row.cells(unit)
        row.end()
        #expect(out.text == "\"a,b\",'=x,false,2024-03,\n\"a,b\",'=x,false,2023-12,\n1,c\n")
    }

    @Test func aFailedWriteIsReported() throws {
        // /dev/full fails every write with ENOSPC: the flushes made while the buffer fills must
        // not swallow it, and the final flush reports it.
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let out = OutputBuffer(descriptor: fd)
        let line = Array(repeating: UInt8(ascii: "x"), count: 1000)
        for _ in 0..<5000 { out.write(bytes: line) }
        #expect(throws: OutputBuffer.WriteError.self) { try out.flush() }
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
