import JianfuIngest
import JianfuModel
import Testing

/// SPEC §1 "Units": `unit_id,name,category,parent_id,responsible`, headers mappable.
@Suite("UnitsReader")
struct UnitsReaderTests {
    @Test("reads every column; an empty parent is none; problems are rejected with their line")
    func unitsFile() throws {
        let files = try TestFiles()
        let path = try files.write("units.csv", """
            unit_id,name,category,parent_id,responsible
            330106,西湖区,county_dept,,王五
            330106001,文一街道,township,330106,张三
             330106001001 ,"某村, 一组",village,330106001,"李四"
            330106001,重复,township,330106,赵六

            ,空,village,330106001,钱七
            330106002,灵隐街道,township,330106

            """)
        let result = try UnitsReader.read(SourceSpec(name: "units", kind: .units, path: path))

        #expect(result.units == [
            MonitoredUnit(id: "330106", name: "西湖区", category: "county_dept", parentID: nil, responsible: "王五"),
            MonitoredUnit(id: "330106001", name: "文一街道", category: "township", parentID: "330106", responsible: "张三"),
            MonitoredUnit(id: "330106001001", name: "某村, 一组", category: "village", parentID: "330106001", responsible: "李四"),
        ])
        #expect(result.rejections.map(Rejected.init) == [
            Rejected(5, "unit_id", .duplicateKey),   // 330106001 again: the first (line 3) is kept
            Rejected(7, "unit_id", .emptyUnit),
            Rejected(8, "", .malformedRow),          // 4 fields, header has 5
        ])
        #expect(RejectionMessages.english(result.rejections[0]).contains("line 3"))
        #expect(result.rejections[0].raw == "330106001,重复,township,330106,赵六")
        #expect(result.rejections.allSatisfy { $0.source == "units" })
        // Rows: lines 2-5, 7, 8 = 6; blank: line 6.
        #expect(result.report.rowsRead == 6)
        #expect(result.report.blankLines == 1)
        #expect(result.report.rowsRejected == 3)
        #expect(result.report.kind == .units)
        #expect(result.report.encoding == .utf8)
    }

    @Test("mapped headers; only unit_id is required")
    func mappedHeaders() throws {
        let files = try TestFiles()
        let path = try files.write("units.csv", "单位代码,单位名称\r\n330106,西湖区\r\n330106001,文一街道\r\n")
        let spec = SourceSpec(name: "u", kind: .units, path: path, columns: ["unit_id": "单位代码", "name": "单位名称"])
        let result = try UnitsReader.read(spec)
        #expect(result.units == [
            MonitoredUnit(id: "330106", name: "西湖区", category: "", parentID: nil, responsible: ""),
            MonitoredUnit(id: "330106001", name: "文一街道", category: "", parentID: nil, responsible: ""),
        ])
        #expect(result.rejections.isEmpty)
    }

    @Test("a GB18030 units file")
    func gb18030() throws {
        let files = try TestFiles()
        // 单位代码,单位名称\n330106,西湖区\n (GB18030)
        let bytes = hexBytes("""
            b5 a5 ce bb b4 fa c2 eb 2c b5 a5 ce bb c3 fb b3 c6 0a
            33 33 30 31 30 36 2c ce f7 ba fe c7 f8 0a
            """)
        let path = try files.write("units.csv", bytes: bytes)
        let spec = SourceSpec(name: "u", kind: .units, path: path, columns: ["unit_id": "单位代码", "name": "单位名称"])
        let result = try UnitsReader.read(spec)
        #expect(result.units == [MonitoredUnit(id: "330106", name: "西湖区")])
        #expect(result.report.encoding == .gb18030)
    }

    @Test("a units file without unit_id stops the source")
    func missingUnitID() throws {
        let files = try TestFiles()
        let path = try files.write("units.csv", "id,name\n1,x\n")
        #expect(throws: IngestError.missingColumn(source: "u", path: path, field: "unit_id", header: "unit_id", found: ["id", "name"])) {
            try UnitsReader.read(SourceSpec(name: "u", kind: .units, path: path))
        }
    }

    @Test("an empty units file stops the source")
    func emptyUnits() throws {
        let files = try TestFiles()
        let path = try files.write("units.csv", "")
        #expect(throws: IngestError.empty(source: "u", path: path)) {
            try UnitsReader.read(SourceSpec(name: "u", kind: .units, path: path))
        }
    }
}
