// libFuzzer target: the decode → CSV path (TextDecoder + CSVScanner) on arbitrary bytes.
//
// Input: byte 0 picks the delimiter (`,` `;` tab) and the encoding (auto, utf-8, gb18030);
// byte 1 seeds the chunk splits; the rest is the file. The file is read twice — as one chunk
// and in random chunks (1 byte up to the whole) — and must give the same decoded text, the
// same records (fields, raw text, line, problem) and the same line count, or be refused
// (IngestError) both times. On the one-chunk
// read, the CSVScanner invariants are checked: the records and their terminators are the
// text, byte for byte (nothing lost), and each record's line is the previous one's plus the
// physical lines it spans.
import JianfuIngest
import JianfuModel

struct Record: Equatable {
    var line: Int
    var fields: [[UInt8]]
    var raw: [UInt8]
    var problem: CSVScanner.Problem?
    var isBlank: Bool
}

struct Reading: Equatable {
    var decoded: [UInt8] = []
    var records: [Record] = []
    var lines = 0
}

/// The reading of a file the decoder refused (a UTF-16 byte order mark, an encoding that
/// contradicts the declared one): whether it is refused must not depend on the chunking.
let refusal = Reading(decoded: [], records: [], lines: -1)

func read(_ file: UnsafeRawBufferPointer, _ encoding: SourceEncoding, _ delimiter: UInt8, chunks: [Int]) -> Reading {
    var reading = Reading()
    var refused = false
    let decoder = try! TextDecoder(encoding)
    let scanner = CSVScanner(delimiter: delimiter)
    func collect(_ record: CSVRecord) {
        if record.isKnownValidUTF8 {
            check(UTF8Validation.isValid(UnsafeRawBufferPointer(record.raw)), "a record marked valid UTF-8 is not")
        }
        reading.records.append(Record(
            line: record.line, fields: (0..<record.fieldCount).map { Array(record.field($0)) },
            raw: Array(record.raw), problem: record.problem, isBlank: record.isBlank))
    }
    func feed(_ bytes: UnsafeRawBufferPointer, final: Bool) {
        guard !refused else { return }
        var decoded: [UInt8] = []
        do {
            try decoder.decode(bytes, into: &decoded, final: final)
        } catch is IngestError {
            refused = true
            return
        } catch {
            fail("not an IngestError: \(error)")
        }
        reading.decoded += decoded
        scanner.pending += decoded
        do {
            try scanner.scan(final: final, collect)
        } catch {
            fail("the scanner threw on a small input: \(error)")
        }
    }
    var offset = 0
    for size in chunks {
        feed(UnsafeRawBufferPointer(rebasing: file[offset..<offset + size]), final: false)
        offset += size
    }
    feed(UnsafeRawBufferPointer(start: nil, count: 0), final: true)
    reading.lines = scanner.nextLine - 1
    return refused ? refusal : reading
}

/// Line breaks in `bytes`: LF, CRLF and a lone CR count one each.
func lineBreaks(_ bytes: ArraySlice<UInt8>) -> Int {
    var n = 0
    var i = bytes.startIndex
    while i < bytes.endIndex {
        if bytes[i] == 0x0A { n += 1 }
        if bytes[i] == 0x0D, i + 1 == bytes.endIndex || bytes[i + 1] != 0x0A { n += 1 }
        i += 1
    }
    return n
}

func checkInvariants(_ reading: Reading) {
    let text = reading.decoded
    var position = 0
    var line = 1
    for record in reading.records {
        check(record.line == line, "record at line \(record.line), expected \(line)")
        check(!record.fields.isEmpty, "a record has at least one field")
        check(position + record.raw.count <= text.count && Array(text[position..<position + record.raw.count]) == record.raw,
                     "a record's raw text is not the next stretch of the input")
        position += record.raw.count
        line += lineBreaks(record.raw[...])
        // Its terminator: LF, CRLF, CR, or none at the end of the input.
        if position < text.count {
            if text[position] == 0x0D, position + 1 < text.count, text[position + 1] == 0x0A {
                position += 2
            } else {
                check(text[position] == 0x0A || text[position] == 0x0D, "a record ends at a line break")
                position += 1
            }
            line += 1
        }
    }
    check(position == text.count, "bytes after the last record were dropped")
    check(reading.lines == line - 1, "line count \(reading.lines), records span \(line - 1)")
    check(reading.lines == lineBreaks(text[...]), "line count differs from the line breaks of the text")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09][Int(data[0] % 3)]
    let encoding = [SourceEncoding.auto, .utf8, .gb18030][Int(data[0] / 3 % 3)]
    let file = UnsafeRawBufferPointer(start: data + 2, count: size - 2)

    let whole = read(file, encoding, delimiter, chunks: [file.count])
    if whole != refusal { checkInvariants(whole) }

    var state = UInt64(data[1]) &* 0x9E37_79B9_7F4A_7C15 | 1
    var chunks: [Int] = []
    var left = file.count
    while left > 0 {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        let size = min(left, Int(state % 8 == 0 ? state % UInt64(left + 1) : state % 5) + 1)
        chunks.append(size)
        left -= size
    }
    let split = read(file, encoding, delimiter, chunks: chunks)
    check(split.decoded == whole.decoded, "decoded text depends on the chunk splits")
    check(split.records == whole.records, "records depend on the chunk splits")
    check(split.lines == whole.lines, "line count depends on the chunk splits")
    return 0
}

/// A failed invariant: the message is printed even in an optimized build, then the process traps
/// so that libFuzzer saves the input.
func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fail(message()) }
}

func fail(_ message: String) -> Never {
    fatalError("invariant broken: \(message)")
}
