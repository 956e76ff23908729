import JianfuIngest
import JianfuModel
import Testing

/// Runs `chunks` through one `TextDecoder`, the last chunk as final.
func decode(_ chunks: [[UInt8]], _ encoding: SourceEncoding) throws -> (text: [UInt8], detected: SourceEncoding) {
    let decoder = try TextDecoder(encoding)
    var output: [UInt8] = []
    for (index, chunk) in chunks.enumerated() {
        try chunk.withUnsafeBytes { try decoder.decode($0, into: &output, final: index == chunks.count - 1) }
    }
    return (output, decoder.detected)
}

/// Every way of cutting `bytes` in two, including an empty first or last chunk.
func everySplit(_ bytes: [UInt8]) -> [(offset: Int, chunks: [[UInt8]])] {
    (0...bytes.count).map { ($0, [Array(bytes[..<$0]), Array(bytes[$0...])]) }
}

/// SPEC §1 "Encodings": UTF-8 with or without BOM, GB18030, and `auto`.
/// The GB18030 bytes are written out as produced by Python's `str.encode('gb18030')`.
@Suite("Decoding")
struct DecodingTests {
    /// "单位代码,月份,发文数\n" in GB18030 (two bytes per character).
    static let gbHeader = hexBytes("b5 a5 ce bb b4 fa c2 eb 2c d4 c2 b7 dd 2c b7 a2 ce c4 ca fd 0a")
    /// "𠀾村,•\n" in GB18030: U+2003E 𠀾 is the four-byte 95 32 88 38, U+2022 • is the four-byte
    /// 81 36 A6 31, 村 is B4 E5.
    static let gbFourByte = hexBytes("95 32 88 38 b4 e5 2c 81 36 a6 31 0a")
    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    @Test("GB18030 two-byte characters", arguments: [SourceEncoding.gb18030, .auto])
    func gbTwoByte(_ encoding: SourceEncoding) throws {
        let (text, detected) = try decode([Self.gbHeader], encoding)
        #expect(text == Array("单位代码,月份,发文数\n".utf8))
        #expect(detected == .gb18030)
    }

    @Test("GB18030 four-byte sequences", arguments: [SourceEncoding.gb18030, .auto])
    func gbFourByte(_ encoding: SourceEncoding) throws {
        let (text, detected) = try decode([Self.gbFourByte], encoding)
        #expect(text == Array("𠀾村,•\n".utf8))
        #expect(detected == .gb18030)
    }

    @Test("GB18030 split across two chunks at every offset", arguments: [SourceEncoding.gb18030, .auto])
    func gbEverySplit(_ encoding: SourceEncoding) throws {
        let input = Self.gbHeader + Self.gbFourByte
        let expected = Array("单位代码,月份,发文数\n𠀾村,•\n".utf8)
        for (offset, chunks) in everySplit(input) {
            let (text, detected) = try decode(chunks, encoding)
            #expect(text == expected, "split at byte \(offset)")
            #expect(detected == .gb18030, "split at byte \(offset)")
        }
    }

    @Test("GB18030 one byte per chunk")
    func gbByteByByte() throws {
        let chunks = (Self.gbHeader + Self.gbFourByte).map { [$0] } + [[]]
        #expect(try decode(chunks, .gb18030).text == Array("单位代码,月份,发文数\n𠀾村,•\n".utf8))
    }

    @Test("auto reads GB18030 whose first non-ASCII byte is also a UTF-8 lead byte")
    func gbLeadThatLooksLikeUTF8() throws {
        // "月份,单位代码\n": 月 is D4 C2 — D4 opens a two-byte UTF-8 sequence, C2 cannot continue it.
        let input = hexBytes("d4 c2 b7 dd 2c b5 a5 ce bb b4 fa c2 eb 0a")
        let (text, detected) = try decode([input], .auto)
        #expect(text == Array("月份,单位代码\n".utf8))
        #expect(detected == .gb18030)
    }

    @Test("auto decides GB18030 even when a chunk ends right after the first non-ASCII byte")
    func autoSplitAfterFirstNonASCIIByte() throws {
        // "ab,月份\n" in GB18030; the first chunk ends after D4, the first byte of 月 (D4 C2).
        // A lone D4 is also a valid start of a UTF-8 sequence cut by the chunk's end: the
        // decoder must wait for more bytes before it decides.
        let input = hexBytes("61 62 2c d4 c2 b7 dd 0a")
        let chunks = [Array(input[..<4]), Array(input[4...])]
        let (text, detected) = try decode(chunks, .auto)
        #expect(text == Array("ab,月份\n".utf8))
        #expect(detected == .gb18030)
    }

    /// Issue 11 item 17: which edition of GB18030 decodes. Glibc's iconv maps by GB 18030-2022,
    /// where code points moved from the Private Use Area of GB 18030-2005 to standard
    /// characters: A8 BC is U+1E3F ḿ (2005: U+E7C7), and the vertical forms A6 D9..A6 DF, A6 EC,
    /// A6 ED, A6 F3 are U+FE10..U+FE19 (2005: U+E78D..U+E796) — A6 DA is U+FE12 and A6 DB is
    /// U+FE11. Checked with glibc 2.36's `iconv -f GB18030 -t UTF-32BE`; Python's codec still
    /// gives the 2005 code points.
    @Test("GB18030 decodes by the 2022 edition", arguments: [SourceEncoding.gb18030, .auto])
    func gb18030Edition2022(_ encoding: SourceEncoding) throws {
        let bytes = hexBytes("a8 bc a6 d9 a6 da a6 db a6 dc a6 dd a6 de a6 df a6 ec a6 ed a6 f3 0a")
        let expected: [UInt32] = [0x1E3F, 0xFE10, 0xFE12, 0xFE11, 0xFE13, 0xFE14, 0xFE15, 0xFE16, 0xFE17, 0xFE18, 0xFE19, 0x0A]
        let (text, detected) = try decode([bytes], encoding)
        #expect(String(decoding: text, as: UTF8.self).unicodeScalars.map(\.value) == expected)
        #expect(detected == .gb18030)
    }

    @Test("bytes that are not GB18030 become 0xFF, the rest is decoded")
    func gbInvalidByte() throws {
        // 'a', an 0xFF (no GB18030 sequence starts with it), 'b'.
        #expect(try decode([[0x61, 0xFF, 0x62]], .gb18030).text == [0x61, 0xFF, 0x62])
        // 'a' then 0xB5, the first byte of 单 (B5 A5), cut by the end of the input.
        #expect(try decode([[0x61, 0x62, 0xB5]], .gb18030).text == [0x61, 0x62, 0xFF])
    }

    @Test("a UTF-8 BOM is dropped", arguments: [SourceEncoding.utf8, .auto])
    func bomDropped(_ encoding: SourceEncoding) throws {
        let (text, detected) = try decode([Self.bom + Array("unit_id,单位\n".utf8)], encoding)
        #expect(text == Array("unit_id,单位\n".utf8))
        #expect(detected == .utf8)
    }

    @Test("a UTF-8 BOM split across chunks is dropped", arguments: [SourceEncoding.utf8, .auto])
    func bomSplit(_ encoding: SourceEncoding) throws {
        let input = Self.bom + Array("id,单位\n1,x\n".utf8)
        for (offset, chunks) in everySplit(input) {
            let (text, detected) = try decode(chunks, encoding)
            #expect(text == Array("id,单位\n1,x\n".utf8), "split at byte \(offset)")
            #expect(detected == .utf8, "split at byte \(offset)")
        }
        // The BOM one byte at a time.
        let (text, _) = try decode(input.map { [$0] } + [[]], encoding)
        #expect(text == Array("id,单位\n1,x\n".utf8))
    }

    @Test("a BOM followed by ASCII only is detected as UTF-8")
    func bomThenASCII() throws {
        let (text, detected) = try decode([Self.bom + Array("a,b\n".utf8)], .auto)
        #expect(text == Array("a,b\n".utf8))
        #expect(detected == .utf8)
    }

    @Test("a file holding only a BOM decodes to nothing")
    func bomOnly() throws {
        #expect(try decode([Self.bom], .auto).text == [])
        #expect(try decode([[0xEF, 0xBB], [0xBF], []], .utf8).text == [])
    }

    @Test("auto on pure ASCII passes the bytes through and reports UTF-8")
    func autoASCII() throws {
        let input = Array("unit_id,period,metric,value\n330106001,2024-03,documents,12\n".utf8)
        let (text, detected) = try decode([input], .auto)
        #expect(text == input)
        #expect(detected == .utf8)
    }

    @Test("auto on UTF-8 Chinese detects UTF-8, at every split")
    func autoUTF8Chinese() throws {
        let input = Array("单位代码,月份\n330106001,2024年3月\n𠀾,x\n".utf8)
        let (text, detected) = try decode([input], .auto)
        #expect(text == input)
        #expect(detected == .utf8)
        for (offset, chunks) in everySplit(input) {
            let (text, detected) = try decode(chunks, .auto)
            #expect(text == input, "split at byte \(offset)")
            #expect(detected == .utf8, "split at byte \(offset)")
        }
    }

    @Test("explicit UTF-8 passes a stray invalid byte through")
    func explicitUTF8() throws {
        // Checking a row is the reader's job (the row is rejected as undecodable), not the
        // decoder's: 测评 = E6 B5 8B E8 AF 84, then a stray 0xFF.
        let input: [UInt8] = Array("单位,测评,发文,会议\n".utf8) + [0xFF] + Array(",1\n".utf8)
        let (text, detected) = try decode([input], .utf8)
        #expect(text == input)
        #expect(detected == .utf8)
    }

    @Test("explicit UTF-8 on a GB18030 file, and explicit GB18030 on a UTF-8 file, are refused")
    func declaredEncodingContradicted() throws {
        #expect(throws: IngestError.encodingMismatch(source: "", path: "", declared: .utf8, evidence: "its text is GB18030, not UTF-8")) {
            try decode([Self.gbHeader], .utf8)
        }
        #expect(throws: IngestError.encodingMismatch(source: "", path: "", declared: .gb18030, evidence: "its text is UTF-8")) {
            try decode([Array("单位代码,单位名称,月份\n".utf8)], .gb18030)
        }
    }

    @Test("an invalid byte in a GB18030 file rejects only its row", arguments: [SourceEncoding.gb18030, .auto])
    func invalidByteRejectsRow(_ encoding: SourceEncoding) throws {
        let files = try TestFiles()
        // 单位代码,单位名称,月份,发文数
        // 330106001,文一街道,2024年3月,12
        // 330106003,<FF>村,2024年3月,5      <- line 3: 0xFF is no GB18030 byte
        // 330106002,西湖区,2024年3月,7
        let bytes = hexBytes("""
            b5 a5 ce bb b4 fa c2 eb 2c b5 a5 ce bb c3 fb b3 c6 2c d4 c2 b7 dd 2c b7 a2 ce c4 ca fd 0a
            33 33 30 31 30 36 30 30 31 2c ce c4 d2 bb bd d6 b5 c0 2c 32 30 32 34 c4 ea 33 d4 c2 2c 31 32 0a
            33 33 30 31 30 36 30 30 33 2c ff b4 e5 2c 32 30 32 34 c4 ea 33 d4 c2 2c 35 0a
            33 33 30 31 30 36 30 30 32 2c ce f7 ba fe c7 f8 2c 32 30 32 34 c4 ea 33 d4 c2 2c 37 0a
            """)
        let path = try files.write("gb.csv", bytes: bytes)
        let spec = SourceSpec(
            name: "gb", path: path, layout: .wide, encoding: encoding,
            columns: ["unit_id": "单位代码", "unit_name": "单位名称", "period": "月份", "documents": "发文数"])
        var table = ObservationTable(metrics: [Metric(id: "documents")])
        let (report, rejections) = try readObservations(spec, into: &table)

        #expect(rejections.map(Rejected.init) == [Rejected(3, "", .undecodable)])
        #expect(rejections.first?.raw == "330106003,\u{FFFD}村,2024年3月,5")
        // 2024-03 is month ordinal 2024*12 + 2 = 24290.
        #expect(table.units.lookup("330106001") == 0)
        #expect(table.units.lookup("330106002") == 1)
        #expect(table.units.lookup("330106003") == nil)
        #expect(table.series[0][0] == [.init(ordinal: 24290, line: 2, source: 0, value: 12)])
        #expect(table.series[0][1] == [.init(ordinal: 24290, line: 4, source: 0, value: 7)])
        #expect(table.observedNames == ["文一街道", "西湖区"])
        #expect(report.encoding == .gb18030)
        #expect(report.rowsRead == 3)
        #expect(report.rowsRejected == 1)
        #expect(report.observations == 2)
    }
}
