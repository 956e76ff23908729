import Foundation
import JianfuIngest
import JianfuModel
import Testing

/// A file read in `RecordReader.chunkSize` pieces reads the same wherever the piece boundary
/// falls: inside a four-byte character, inside a quoted field, between CR and LF.
@Suite("RecordReader")
struct RecordReaderTests {
    struct Variant: Sendable, CustomTestStringConvertible {
        var testDescription: String
        /// "unit_id,unit_name,period,metric,value,备注\r\n"
        var header: [UInt8]
        /// "u2,\"𠀾\r\n村\",2024-01,documents,2,\r\n": a quoted name over two lines holding a
        /// supplementary-plane character.
        var row3: [UInt8]
        var encoding: SourceEncoding
    }

    static let variants = [
        Variant(
            testDescription: "GB18030 (auto)",
            header: hexBytes("""
                75 6e 69 74 5f 69 64 2c 75 6e 69 74 5f 6e 61 6d 65 2c 70 65 72 69 6f 64 2c
                6d 65 74 72 69 63 2c 76 61 6c 75 65 2c b1 b8 d7 a2 0d 0a
                """),
            row3: hexBytes("""
                75 32 2c 22 95 32 88 38 0d 0a b4 e5 22 2c 32 30 32 34 2d 30 31 2c
                64 6f 63 75 6d 65 6e 74 73 2c 32 2c 0d 0a
                """),
            encoding: .auto),
        Variant(
            testDescription: "GB18030 (explicit)",
            header: hexBytes("""
                75 6e 69 74 5f 69 64 2c 75 6e 69 74 5f 6e 61 6d 65 2c 70 65 72 69 6f 64 2c
                6d 65 74 72 69 63 2c 76 61 6c 75 65 2c b1 b8 d7 a2 0d 0a
                """),
            row3: hexBytes("""
                75 32 2c 22 95 32 88 38 0d 0a b4 e5 22 2c 32 30 32 34 2d 30 31 2c
                64 6f 63 75 6d 65 6e 74 73 2c 32 2c 0d 0a
                """),
            encoding: .gb18030),
        Variant(
            testDescription: "UTF-8 (auto)",
            header: hexBytes("""
                75 6e 69 74 5f 69 64 2c 75 6e 69 74 5f 6e 61 6d 65 2c 70 65 72 69 6f 64 2c
                6d 65 74 72 69 63 2c 76 61 6c 75 65 2c e5 a4 87 e6 b3 a8 0d 0a
                """),
            row3: hexBytes("""
                75 32 2c 22 f0 a0 80 be 0d 0a e6 9d 91 22 2c 32 30 32 34 2d 30 31 2c
                64 6f 63 75 6d 65 6e 74 73 2c 32 2c 0d 0a
                """),
            encoding: .auto),
    ]

    @Test("the chunk boundary may fall anywhere in a record", arguments: variants)
    func chunkBoundary(_ variant: Variant) throws {
        let files = try TestFiles()
        let row2Start = Array("u1,a,2024-01,documents,1,".utf8)
        let row4 = Array("u3,b,2024-01,documents,x,\r\n".utf8)
        // `cut` is where the first chunk ends, counted from the first byte of row 3: from the
        // middle of row 2's CRLF to the end of row 3.
        for cut in -1...variant.row3.count {
            let padding = RecordReader.chunkSize - cut - variant.header.count - row2Start.count - 2
            let bytes = variant.header + row2Start + [UInt8](repeating: UInt8(ascii: "x"), count: padding)
                + Array("\r\n".utf8) + variant.row3 + row4
            let path = try files.write("big.csv", bytes: bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            var table = ObservationTable(metrics: [Metric(id: "documents")])
            let spec = SourceSpec(name: "big", path: path, encoding: variant.encoding)
            let (report, rejections) = try readObservations(spec, into: &table)

            // Row 3 spans lines 3 and 4, so row 4 is line 5.
            #expect(rejections.map(Rejected.init) == [Rejected(5, "value", .badValue)], "cut at \(cut)")
            // u3's only row is rejected, so u3 is no unit (SPEC §5: nothing invented).
            #expect(table.observedNames == ["a", "𠀾\r\n村"], "cut at \(cut)")
            // 2024-01 = month ordinal 2024*12 + 0 = 24288.
            #expect(table.series[0][0] == [.init(ordinal: 24288, line: 2, source: 0, value: 1)], "cut at \(cut)")
            #expect(table.series[0][1] == [.init(ordinal: 24288, line: 3, source: 0, value: 2)], "cut at \(cut)")
            #expect(report.rowsRead == 3, "cut at \(cut)")
            #expect(report.observations == 2, "cut at \(cut)")
        }
    }

    @Test("auto detects GB18030 when the first non-ASCII byte ends a chunk")
    func autoDetectionAtChunkEnd() throws {
        let files = try TestFiles()
        // Lines 1-2 are ASCII (row 2 padded in its ignored `note` column); line 3's name is 月湖
        // in GB18030 (D4 C2 BA FE). The first chunk ends right after D4: alone, it looks like
        // the start of a two-byte UTF-8 sequence.
        let header = Array("unit_id,unit_name,period,metric,value,note\n".utf8)
        let row2Start = Array("u1,a,2024-01,documents,1,".utf8)
        let row3Start = Array("u2,".utf8)
        let padding = RecordReader.chunkSize - 1 - header.count - row2Start.count - 1 - row3Start.count
        let bytes = header + row2Start + [UInt8](repeating: UInt8(ascii: "x"), count: padding) + [0x0A]
            + row3Start + hexBytes("d4 c2 ba fe") + Array(",2024-01,documents,2,\n".utf8)
        #expect(bytes[RecordReader.chunkSize - 1] == 0xD4)
        let path = try files.write("late.csv", bytes: bytes)
        var table = ObservationTable(metrics: [Metric(id: "documents")])
        let (report, rejections) = try readObservations(SourceSpec(name: "late", path: path), into: &table)
        #expect(rejections.map(Rejected.init) == [])
        #expect(report.encoding == .gb18030)
        #expect(table.observedNames == ["a", "月湖"])
    }
}
