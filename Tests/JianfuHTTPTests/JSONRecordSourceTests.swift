import Foundation
import JianfuIngest
import JianfuTestSupport
import Testing

/// JSON sources rendered as CSV records (SPEC §1 "Formats"): what each JSON value becomes, and
/// the documents that are refused whole.
@Suite struct JSONRecordSourceTests {
    /// The CSV text `json` renders to.
    static func render(_ json: String, path: [String] = []) throws -> String {
        let dir = try TempDir()
        defer { dir.remove() }
        let file = try dir.write("s.json", json)
        let source = JSONRecordSource(
            document: FileByteSource(path: file.path, sourceName: "s"), recordsPath: path, sourceName: "s", location: "s.json")
        var bytes: [UInt8] = []
        try source.forEachChunk { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func failure(_ json: String, path: [String] = []) -> String {
        do {
            return "rendered: " + (try render(json, path: path))
        } catch {
            return "\(error)"
        }
    }

    @Test func valuesBecomeCells() throws {
        let json = #"""
            [{"unit_id": "U1", "value": 12.50, "note": "a, \"b\"\nc", "flag": true, "gone": null},
             {"unit_id": "\u4e2d\ud83d\ude00", "extra": {"x": [1, 2]}},
             {}]
            """#
        // Header: every member name in order of first appearance. A missing member and null are
        // empty; numbers as written; quotes doubled; a line break becomes a space; nested JSON
        // as written; an empty object an empty row (a blank line to the reader).
        #expect(try Self.render(json) == """
            unit_id,value,note,flag,gone,extra
            U1,12.50,"a, ""b"" c",true,,
            中😀,,,,,"{""x"": [1, 2]}"
            ,,,,,

            """)
    }

    /// Issue 11 item 17: `"a\r\nb"` became `a  b`. A line break is LF, CRLF or a lone CR (as the
    /// CSV scanner counts lines), and each becomes one space.
    @Test func eachLineBreakBecomesOneSpace() throws {
        #expect(try Self.render(#"[{"n": "a\r\nb"}, {"n": "c\rd\ne"}, {"n": "f\n\rg\r\n\r\nh"}]"#) == """
            n
            a b
            c d e
            f  g  h

            """)
    }

    @Test func theRecordsMayBeNestedAtAPath() throws {
        #expect(try Self.render(#"{"meta": {"n": 1}, "data": {"rows": [{"a": 1}]}}"#, path: ["data", "rows"]) == "a\n1\n")
        #expect(try Self.render("\u{FEFF}[{\"a\": 1}]") == "a\n1\n", "a UTF-8 BOM is skipped")
    }

    @Test func anElementThatIsNotAnObjectIsAMalformedRow() throws {
        // One field where the header has two: the reader rejects it as malformed_row.
        #expect(try Self.render(#"[{"a": 1, "b": 2}, [3, 4], null]"#) == "a,b\n1,2\n\"[3, 4]\"\nnull\n")
        // With a one-column header, two fields.
        #expect(try Self.render(#"[{"a": 1}, 7]"#) == "a\n1\n7,\n")
    }

    @Test func aDocumentOfTheWrongShapeIsRefusedWhole() {
        #expect(Self.failure("[{\"a\": 1},\n {\"a\": 2,}]") == "source s: s.json:2:10: not valid JSON: a member name in quotes is expected")
        #expect(Self.failure("[{\"a\": 1}] x") == "source s: s.json:1:12: not valid JSON: text after the end of the JSON value")
        #expect(Self.failure("[{\"a\": 01}]") == "source s: s.json:1:8: not valid JSON: a value is expected")
        #expect(Self.failure(#"{"data": []}"#) == "source s: s.json: no records where json_path (not set) points: the top level is not an array of records; set json_path to the member that holds the records")
        #expect(Self.failure(#"{"data": {}}"#, path: ["data", "rows"]) == "source s: s.json: no records where json_path 'data.rows' points: 'data' has no member 'rows'")
        #expect(Self.failure(#"{"data": 3}"#, path: ["data", "rows"]) == "source s: s.json: no records where json_path 'data.rows' points: 'data' is not an object, so it holds no 'rows'")
        #expect(Self.failure(#"{"data": []}"#, path: ["data"]) == "source s: s.json: no records where json_path 'data' points: the array holds no records")
    }
}
