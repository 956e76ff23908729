import JianfuIngest
import Testing

/// A record as the tests see it: copied out of the scanner's callback.
struct ScannedRecord: Equatable, Sendable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    var raw: String
    var problem: CSVScanner.Problem?

    init(_ line: Int, _ fields: [String], raw: String, problem: CSVScanner.Problem? = nil) {
        self.line = line
        self.fields = fields
        self.raw = raw
        self.problem = problem
    }

    init(_ record: CSVRecord) {
        self.init(
            record.line, (0..<record.fieldCount).map { record.string($0) },
            raw: String(decoding: record.raw, as: UTF8.self), problem: record.problem)
    }

    var description: String { "\(line): \(fields.debugDescription) raw \(raw.debugDescription) \(problem.map { "\($0)" } ?? "")" }
}

/// Feeds `chunks` to one scanner, the last one as final, and collects every record.
func scanRecords(_ chunks: [[UInt8]], delimiter: UInt8 = UInt8(ascii: ",")) -> [ScannedRecord] {
    let scanner = CSVScanner(delimiter: delimiter)
    var records: [ScannedRecord] = []
    for (index, chunk) in chunks.enumerated() {
        scanner.pending.append(contentsOf: chunk)
        // No test input comes near the 64 MiB record limit.
        try! scanner.scan(final: index == chunks.count - 1) { records.append(ScannedRecord($0)) }
    }
    return records
}

/// One input and the records it must give, written out by hand.
struct ScanCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var delimiter: UInt8 = UInt8(ascii: ",")
    var expected: [ScannedRecord]

    init(_ name: String, _ input: String, delimiter: Character = ",", _ expected: [ScannedRecord]) {
        self.name = name
        self.input = Array(input.utf8)
        self.delimiter = delimiter.asciiValue!
        self.expected = expected
    }

    var testDescription: String { name }
}

@Suite("CSVScanner")
struct CSVScannerTests {
    static let cases: [ScanCase] = [
        ScanCase("quoted field with embedded delimiter", "a,\"b,c\",d\n1,2,3\n", [
            ScannedRecord(1, ["a", "b,c", "d"], raw: "a,\"b,c\",d"),
            ScannedRecord(2, ["1", "2", "3"], raw: "1,2,3"),
        ]),
        ScanCase("doubled quotes are one quote", "\"say \"\"hi\"\"\",x\n\"\"\"\"\n\"\",y\n", [
            ScannedRecord(1, ["say \"hi\"", "x"], raw: "\"say \"\"hi\"\"\",x"),
            ScannedRecord(2, ["\""], raw: "\"\"\"\""),
            ScannedRecord(3, ["", "y"], raw: "\"\",y"),
        ]),
        ScanCase("LF inside quotes counts a physical line", "id,note\n1,\"two\nlines\"\n2,after\n", [
            ScannedRecord(1, ["id", "note"], raw: "id,note"),
            ScannedRecord(2, ["1", "two\nlines"], raw: "1,\"two\nlines\""),
            ScannedRecord(4, ["2", "after"], raw: "2,after"),
        ]),
        ScanCase("CRLF inside quotes counts one physical line", "id,note\r\n1,\"two\r\nlines\"\r\n2,after\r\n", [
            ScannedRecord(1, ["id", "note"], raw: "id,note"),
            ScannedRecord(2, ["1", "two\r\nlines"], raw: "1,\"two\r\nlines\""),
            ScannedRecord(4, ["2", "after"], raw: "2,after"),
        ]),
        ScanCase("a quoted field over three lines", "h\n\"a\nb\nc\"\nz\n", [
            ScannedRecord(1, ["h"], raw: "h"),
            ScannedRecord(2, ["a\nb\nc"], raw: "\"a\nb\nc\""),
            ScannedRecord(5, ["z"], raw: "z"),
        ]),
        ScanCase("CRLF line ends", "a,b\r\nc,d\r\ne,f", [
            ScannedRecord(1, ["a", "b"], raw: "a,b"),
            ScannedRecord(2, ["c", "d"], raw: "c,d"),
            ScannedRecord(3, ["e", "f"], raw: "e,f"),
        ]),
        ScanCase("lone CR line ends", "a,b\rc,d\re,f\r", [
            ScannedRecord(1, ["a", "b"], raw: "a,b"),
            ScannedRecord(2, ["c", "d"], raw: "c,d"),
            ScannedRecord(3, ["e", "f"], raw: "e,f"),
        ]),
        ScanCase("lone CR inside quotes", "\"x\ry\",z\rw\r", [
            ScannedRecord(1, ["x\ry", "z"], raw: "\"x\ry\",z"),
            ScannedRecord(3, ["w"], raw: "w"),
        ]),
        ScanCase("quoted fields before CRLF", "\"a\"\r\n\"b\"\r\n", [
            ScannedRecord(1, ["a"], raw: "\"a\""),
            ScannedRecord(2, ["b"], raw: "\"b\""),
        ]),
        ScanCase("blank lines are records of one empty field", "a\n\nb\n\r\n\nc", [
            ScannedRecord(1, ["a"], raw: "a"),
            ScannedRecord(2, [""], raw: ""),
            ScannedRecord(3, ["b"], raw: "b"),
            ScannedRecord(4, [""], raw: ""),
            ScannedRecord(5, [""], raw: ""),
            ScannedRecord(6, ["c"], raw: "c"),
        ]),
        ScanCase("multi-byte UTF-8 characters", "单位,月份\n测试,2024年3月\n𠀾,x\n", [
            ScannedRecord(1, ["单位", "月份"], raw: "单位,月份"),
            ScannedRecord(2, ["测试", "2024年3月"], raw: "测试,2024年3月"),
            ScannedRecord(3, ["𠀾", "x"], raw: "𠀾,x"),
        ]),
        ScanCase("unterminated quote at end of input", "a,b\n1,\"open\nstill\n", [
            ScannedRecord(1, ["a", "b"], raw: "a,b"),
            ScannedRecord(2, ["1", "open\nstill\n"], raw: "1,\"open\nstill\n", problem: .unterminatedQuote),
        ]),
        ScanCase("text after a closing quote", "\"ab\"c,d\ne,f\n", [
            ScannedRecord(1, ["ab", "d"], raw: "\"ab\"c,d", problem: .textAfterClosingQuote),
            ScannedRecord(2, ["e", "f"], raw: "e,f"),
        ]),
        ScanCase("a quote inside an unquoted field is data", "ab\"c,d\n", [
            ScannedRecord(1, ["ab\"c", "d"], raw: "ab\"c,d"),
        ]),
        ScanCase("semicolon delimiter", "a;\"b;c\";d\n1,5;2\n", delimiter: ";", [
            ScannedRecord(1, ["a", "b;c", "d"], raw: "a;\"b;c\";d"),
            ScannedRecord(2, ["1,5", "2"], raw: "1,5;2"),
        ]),
        ScanCase("tab delimiter", "a\t\"b\tc\"\n1,5\t2", delimiter: "\t", [
            ScannedRecord(1, ["a", "b\tc"], raw: "a\t\"b\tc\""),
            ScannedRecord(2, ["1,5", "2"], raw: "1,5\t2"),
        ]),
        ScanCase("a last line without terminator", "a,b\nc,d", [
            ScannedRecord(1, ["a", "b"], raw: "a,b"),
            ScannedRecord(2, ["c", "d"], raw: "c,d"),
        ]),
        ScanCase("empty fields and a trailing delimiter", ",a,,\n", [
            ScannedRecord(1, ["", "a", "", ""], raw: ",a,,"),
        ]),
        ScanCase("empty input gives no record", "", []),
    ]

    @Test("one chunk gives the records written out", arguments: cases)
    func oneChunk(_ scanCase: ScanCase) {
        #expect(scanRecords([scanCase.input], delimiter: scanCase.delimiter) == scanCase.expected)
    }

    @Test("two chunks split at every byte offset give the same records", arguments: cases)
    func everySplit(_ scanCase: ScanCase) {
        let input = scanCase.input
        for offset in 0...input.count {
            let records = scanRecords([Array(input[..<offset]), Array(input[offset...])], delimiter: scanCase.delimiter)
            #expect(records == scanCase.expected, "split at byte \(offset)")
        }
    }

    @Test("one byte per chunk gives the same records", arguments: cases)
    func byteByByte(_ scanCase: ScanCase) {
        let chunks = scanCase.input.map { [$0] } + [[]]
        #expect(scanRecords(chunks, delimiter: scanCase.delimiter) == scanCase.expected)
    }

    @Test("an incomplete record waits in pending, from its first byte")
    func pendingTail() throws {
        let scanner = CSVScanner()
        scanner.pending.append(contentsOf: Array("a,b\nc,\"d".utf8))
        var lines: [Int] = []
        try scanner.scan(final: false) { lines.append($0.line) }
        #expect(lines == [1])
        #expect(scanner.pending == Array("c,\"d".utf8))
    }

    @Test("a CR at the end of a chunk waits for the next byte")
    func crAtChunkEnd() throws {
        let scanner = CSVScanner()
        scanner.pending.append(contentsOf: Array("a\r".utf8))
        var count = 0
        try scanner.scan(final: false) { _ in count += 1 }
        #expect(count == 0)
        #expect(scanner.pending == Array("a\r".utf8))
    }

    @Test("blank records: empty, spaces, or bare delimiters", arguments: [
        ("\n", true),
        ("  \t\n", true),
        (",,,\n", true),
        (" , ,\n", true),
        ("\"\",\"  \"\n", true),
        ("a,,\n", false),
        (",,0\n", false),
    ])
    func blank(text: String, isBlank: Bool) throws {
        let scanner = CSVScanner()
        scanner.pending.append(contentsOf: Array(text.utf8))
        var blanks: [Bool] = []
        try scanner.scan(final: true) { blanks.append($0.isBlank) }
        #expect(blanks == [isBlank])
    }

    @Test("a quoted field left open past the record limit is refused with the line it opened on")
    func recordTooLong() throws {
        // Limit 64 bytes: the stray quote on line 3 keeps its field open through every later
        // chunk; the scanner must stop once 64 bytes wait, not hold the rest of the input.
        let scanner = CSVScanner(maximumRecordBytes: 64)
        var lines: [Int] = []
        let head = Array("h,v\na,1\nb,\"2\n".utf8)
        scanner.pending += head
        try scanner.scan(final: false) { lines.append($0.line) }
        #expect(lines == [1, 2])
        var thrown: CSVScanner.RecordTooLong?
        for k in 0..<20 {
            scanner.pending += Array("c\(k),\(k)\n".utf8)
            do {
                try scanner.scan(final: false) { lines.append($0.line) }
            } catch let error as CSVScanner.RecordTooLong {
                thrown = error
                break
            }
        }
        #expect(thrown?.line == 3)
        #expect(thrown?.insideQuotes == true)
        #expect(lines == [1, 2])
    }

    /// Issue 11 item 10: a 63 MiB line of commas kept a field position per comma (1.7 GB). A
    /// record keeps at most `maximumFields`; past them it is scanned to its end and marked.
    @Test("a record of more fields than the limit keeps the first ones and is marked")
    func tooManyFields() throws {
        // Limit 4: "a,b,c,d,e" has five fields; the quoted fourth and fifth ones too.
        let scanner = CSVScanner(maximumFields: 4)
        var records: [ScannedRecord] = []
        scanner.pending += Array("a,b,c,d\na,b,c,d,e\n,,,,,,,,\n1,2,\"3\",\"4\",\"5\"\nx,y\n".utf8)
        try scanner.scan(final: true) { records.append(ScannedRecord($0)) }
        #expect(records == [
            ScannedRecord(1, ["a", "b", "c", "d"], raw: "a,b,c,d"),
            ScannedRecord(2, ["a", "b", "c", "d"], raw: "a,b,c,d,e", problem: .tooManyFields),
            ScannedRecord(3, ["", "", "", ""], raw: ",,,,,,,,", problem: .tooManyFields),
            ScannedRecord(4, ["1", "2", "3", "4"], raw: "1,2,\"3\",\"4\",\"5\"", problem: .tooManyFields),
            ScannedRecord(5, ["x", "y"], raw: "x,y"),
        ])
    }

    @Test("the default limit is 4096 fields, and a marked record is not blank")
    func defaultFieldLimit() throws {
        let scanner = CSVScanner()
        #expect(scanner.maximumFields == 4096)
        // 4095 commas are 4096 fields: a blank row. 4096 commas are one field too many.
        scanner.pending += Array((String(repeating: ",", count: 4095) + "\n" + String(repeating: ",", count: 4096) + "\n").utf8)
        var seen: [(Int, Bool, CSVScanner.Problem?)] = []
        try scanner.scan(final: true) { seen.append(($0.fieldCount, $0.isBlank, $0.problem)) }
        #expect(seen.count == 2)
        #expect(seen.first.map { $0.0 == 4096 && $0.1 && $0.2 == nil } == true)
        #expect(seen.last.map { $0.0 == 4096 && !$0.1 && $0.2 == .tooManyFields } == true)
    }

    @Test("a quoted field that closes within the limit is one record, however many chunks it took")
    func longQuotedFieldClosing() throws {
        let scanner = CSVScanner(maximumRecordBytes: 1 << 20)
        var records: [ScannedRecord] = []
        scanner.pending += Array("a,\"x".utf8)
        for _ in 0..<1000 {
            scanner.pending += Array("\"\"y\n".utf8)   // an escaped quote and a line break, 1000 times
            try scanner.scan(final: false) { records.append(ScannedRecord($0)) }
        }
        #expect(records.isEmpty)
        scanner.pending += Array("\",b\nc,d\n".utf8)
        try scanner.scan(final: true) { records.append(ScannedRecord($0)) }
        let field = "x" + String(repeating: "\"y\n", count: 1000)
        #expect(records.count == 2)
        #expect(records.first?.fields == ["a", field, "b"])
        #expect(records.last == ScannedRecord(1002, ["c", "d"], raw: "c,d"))
    }

    @Test("field bytes of an escaped field hold one quote per doubled quote")
    func escapedFieldBytes() throws {
        let scanner = CSVScanner()
        scanner.pending.append(contentsOf: Array("\"a\"\"b\",c\n".utf8))
        var fields: [[UInt8]] = []
        try scanner.scan(final: true) { record in fields = (0..<record.fieldCount).map { Array(record.field($0)) } }
        #expect(fields == [[0x61, 0x22, 0x62], [0x63]])  // a " b | c
    }
}

/// The unquoted-field scan reads eight bytes at a time: every field end must be found wherever
/// it falls in a word, and the bytes one above a sought byte (`-` after `,`, VT after LF, SO
/// after CR), which the word trick can flag falsely above a true match, must stay data.
@Suite("CSVScanner word-at-a-time field ends") struct CSVScannerWordTests {
    @Test("every field length from 0 to 19, at every offset in a word", arguments: [",", ";", "\t"])
    func fieldEnds(delimiter: Character) {
        let d = String(delimiter)
        // Data bytes chosen to sit next to the sought values: one above the delimiter, VT (LF+1),
        // SO (CR+1), a NUL, and a three-byte character.
        // (For TAB, one above is LF itself: the byte below it stands in.)
        let above = delimiter.asciiValue! + 1
        let neighbour = above == 0x0A ? delimiter.asciiValue! - 1 : above
        let alphabet = [String(UnicodeScalar(neighbour)), "\u{0B}", "\u{0E}", "\u{00}", "村", "x"]
        var input = ""
        var expected: [ScannedRecord] = []
        var line = 1
        for lead in 0..<8 {            // shifts the record against the 8-byte words
            for length in 0..<20 {
                let pad = String(repeating: "p", count: lead)
                let field = (0..<length).map { alphabet[($0 + length) % alphabet.count] }.joined()
                let terminators = ["\n", "\r\n", "\r"]
                let terminator = terminators[(lead + length) % 3]
                let fields = [pad, field, field + "y", ""]
                input += fields.joined(separator: d) + terminator
                expected.append(ScannedRecord(line, fields, raw: fields.joined(separator: d)))
                line += 1
            }
        }
        let records = scanRecords([Array(input.utf8)], delimiter: delimiter.asciiValue!)
        #expect(records.count == expected.count)
        let mismatch = zip(records, expected).first { $0 != $1 }
        #expect(mismatch == nil, "\(mismatch.map { "\($0.0) ≠ \($0.1)" } ?? "")")
    }
}
