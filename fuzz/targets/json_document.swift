// libFuzzer target: a JSON source rendered as CSV (JSONRecordSource over JSONDocument) on
// arbitrary bytes. Byte 0 picks json_path: none, `data`, or `data.rows`. The document either
// fails with IngestError.badJSON / .jsonShape, or renders CSV that the scanner reads back as
// one well-formed record per line: the header at line 1 and the n-th element at line n + 1.
import JianfuIngest
import JianfuModel

struct Memory: ByteSource {
    let bytes: [UInt8]
    func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try bytes.withUnsafeBytes(body)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let path = [[], ["data"], ["data", "rows"]][Int(data[0] % 3)]
    let document = Memory(bytes: Array(UnsafeBufferPointer(start: data + 1, count: size - 1)))
    let source = JSONRecordSource(document: document, recordsPath: path, sourceName: "fuzz", location: "fuzz.json")
    var csv: [UInt8] = []
    do {
        try source.forEachChunk { csv.append(contentsOf: $0) }
    } catch let error as IngestError {
        switch error {
        case .badJSON, .jsonShape: return 0
        default: fail("unexpected \(error)")
        }
    } catch {
        fail("unexpected \(error)")
    }
    check(csv.last == 0x0A, "rendered CSV ends with a line break")
    let scanner = CSVScanner(delimiter: JSONRecordSource.delimiter)
    scanner.pending = csv
    var expectedLine = 1
    try! scanner.scan(final: true) { record in
        check(record.line == expectedLine, "record at line \(record.line), expected \(expectedLine)")
        check(record.problem == nil, "rendered CSV is malformed at line \(record.line)")
        expectedLine += 1
    }
    check(scanner.nextLine == expectedLine, "a rendered record spans several lines")
    check(expectedLine - 1 == csv.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }, "one record per line")
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
