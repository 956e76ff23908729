import JianfuIngest
import JianfuModel
import Testing

/// SPEC §1 layouts and §5 data quality: every row ends up as observations or as a rejection
/// carrying its physical line (header = line 1), column and reason.
///
/// Month ordinals used below (year*12 + month-1): 2024-01 = 24288, 2024-02 = 24289,
/// 2024-03 = 24290, 2024-04 = 24291. Quarter ordinal (year*4 + quarter-1): 2024Q1 = 8096.
/// `currentMonth` is 2024-12 = 24299 unless a test says otherwise.
@Suite("ObservationReader")
struct ObservationReaderTests {
    typealias Entry = ObservationTable.Entry

    static let longMetrics = [
        Metric(id: "documents"),                                       // sum, month
        Metric(id: "survey", direction: .up, aggregate: .mean),        // mean, month
        Metric(id: "quarterly", granularity: .quarter),                // sum, quarter
    ]

    // MARK: long layout

    @Test("long layout: accepted values and every rejection with its line")
    func longLayout() throws {
        let files = try TestFiles()
        let path = try files.write("long.csv", """
            unit_id,unit_name,period,metric,value
            330106001,文一街道,2024-01,documents,12
            330106001,文一街道,2024-02,documents,10.5
            330106001,文一街道,2024-01,survey,4.5
            330106001,文一街道,2024Q1,quarterly,7
            330106001,文一街道,2024-13,documents,3
            330106001,文一街道,2024-03,quarterly,3
            330106001,文一街道,2025-01,documents,3
            330106001,文一街道,2024-03,documents,abc
            330106001,文一街道,2024-03,documents,-2
            330106001,文一街道,2024-02,survey,-1.5
            330106001,文一街道,2024-03,documents,
            330106001,文一街道,2024-03,meetings,3
            330106001,文一街道,2024-01,documents,99
            ,文一街道,2024-03,documents,3
            330106001,文一街道,2024-03,documents
            330106001,文一街道,2024-03,documents,3,9

            330106002,"灵隐
            街道",2024-03,documents,4
            330106002,灵隐街道,2024-04,documents,x
            ,,,,
            330106002,灵隐街道,2024-05,documents,"5

            """)
        var table = ObservationTable(metrics: Self.longMetrics)
        let spec = SourceSpec(name: "long", path: path)
        let (report, rejections) = try readObservations(spec, into: &table)

        #expect(rejections.map(Rejected.init) == [
            Rejected(6, "period", .badPeriod),           // month 13
            Rejected(7, "period", .wrongGranularity),    // a month for the quarterly metric
            Rejected(8, "period", .futurePeriod),        // 2025-01 after the current month 2024-12
            Rejected(9, "value", .badValue),
            Rejected(10, "value", .negativeCount),       // documents is a count
            Rejected(12, "value", .emptyValue),
            Rejected(13, "metric", .unknownMetric),
            Rejected(14, "", .duplicateKey),             // documents 2024-01 already at line 2
            Rejected(15, "unit_id", .emptyUnit),
            Rejected(16, "", .malformedRow),             // 4 fields, header has 5
            Rejected(17, "", .malformedRow),             // 6 fields
            Rejected(21, "value", .badValue),            // after the record spanning lines 19-20
            Rejected(23, "", .malformedRow),             // unterminated quote
        ])
        #expect(rejections.allSatisfy { $0.source == "long" && !$0.isCell })
        #expect(rejections[3].raw == "330106001,文一街道,2024-03,documents,abc")

        #expect(table.unitCount == 2)
        #expect(table.unitID(0) == "330106001")
        #expect(table.unitID(1) == "330106002")
        #expect(table.observedNames == ["文一街道", "灵隐\n街道"])
        // documents: the first of the two 2024-01 values (12, line 2) is kept, not 99.
        #expect(table.series[0][0] == [
            Entry(ordinal: 24288, line: 2, source: 0, value: 12),
            Entry(ordinal: 24289, line: 3, source: 0, value: 10.5),
        ])
        #expect(table.series[0][1] == [Entry(ordinal: 24290, line: 19, source: 0, value: 4)])
        // survey is a mean, not a count: a negative value is kept.
        #expect(table.series[1][0] == [
            Entry(ordinal: 24288, line: 4, source: 0, value: 4.5),
            Entry(ordinal: 24289, line: 11, source: 0, value: -1.5),
        ])
        #expect(table.series[1][1] == [])
        #expect(table.series[2][0] == [Entry(ordinal: 8096, line: 5, source: 0, value: 7)])

        // Rows: lines 2-17 (16) + 19, 21, 23 = 19; blank: lines 18 and 22.
        #expect(report.rowsRead == 19)
        #expect(report.blankLines == 2)
        #expect(report.rowsRejected == 13)
        #expect(report.cellsRejected == 0)
        #expect(report.observations == 6)   // lines 2, 3, 4, 5, 11, 19
        #expect(report.overrides == 0)
        #expect(report.encoding == .utf8)   // detected on 文, the first non-ASCII byte
        #expect(report.firstPeriod == ["documents": "2024-01", "survey": "2024-01", "quarterly": "2024Q1"])
        #expect(report.lastPeriod == ["documents": "2024-03", "survey": "2024-02", "quarterly": "2024Q1"])
    }

    @Test("the current month itself is accepted, the month after is future", arguments: [
        (2024 * 12 + 2, [Rejected(3, "period", .futurePeriod)]),   // current 2024-03: 2024-04 is future
        (2024 * 12 + 3, []),                                        // current 2024-04: both kept
    ])
    func currentMonth(current: Int, expected: [Rejected]) throws {
        let files = try TestFiles()
        let path = try files.write("long.csv", "unit_id,period,metric,value\nu1,2024-03,documents,1\nu1,2024-04,documents,2\n")
        var table = ObservationTable(metrics: Self.longMetrics)
        let (_, rejections) = try readObservations(SourceSpec(name: "s", path: path), into: &table, currentMonth: current)
        #expect(rejections.map(Rejected.init) == expected)
    }

    @Test("a quarter starting after the current month is future")
    func futureQuarter() throws {
        // current month 2024-02: 2024Q1 starts in January, so it is not in the future.
        // 2024Q2 starts in April: future.
        let files = try TestFiles()
        let path = try files.write("q.csv", "unit_id,period,metric,value\nu1,2024Q1,quarterly,1\nu1,2024-Q2,quarterly,2\n")
        var table = ObservationTable(metrics: Self.longMetrics)
        let (_, rejections) = try readObservations(SourceSpec(name: "s", path: path), into: &table, currentMonth: 2024 * 12 + 1)
        #expect(rejections.map(Rejected.init) == [Rejected(3, "period", .futurePeriod)])
        #expect(table.series[2][0] == [Entry(ordinal: 8096, line: 2, source: 0, value: 1)])
    }

    @Test("a year for a monthly metric is the wrong granularity")
    func yearForMonthlyMetric() throws {
        let files = try TestFiles()
        let path = try files.write("y.csv", "unit_id,period,metric,value\nu1,2024,documents,1\nu1,2024Q1,survey,2\n")
        var table = ObservationTable(metrics: Self.longMetrics)
        let (_, rejections) = try readObservations(SourceSpec(name: "s", path: path), into: &table)
        #expect(rejections.map(Rejected.init) == [
            Rejected(2, "period", .wrongGranularity),
            Rejected(3, "period", .wrongGranularity),
        ])
    }

    @Test("unknown unit when units are declared")
    func unknownUnit() throws {
        let files = try TestFiles()
        let path = try files.write("long.csv", """
            unit_id,period,metric,value
            330106001,2024-01,documents,12
            330106009,2024-01,documents,3
            330106002,2024-01,documents,5

            """)
        var table = ObservationTable(metrics: Self.longMetrics)
        #expect(table.unitIndex("330106001") == 0)
        #expect(table.unitIndex("330106002") == 1)
        let (report, rejections) = try readObservations(SourceSpec(name: "s", path: path), into: &table, unitsDeclared: true)
        #expect(rejections.map(Rejected.init) == [Rejected(3, "unit_id", .unknownUnit)])
        #expect(table.unitCount == 2)   // the unknown unit is not added
        #expect(table.series[0][0] == [Entry(ordinal: 24288, line: 2, source: 0, value: 12)])
        #expect(table.series[0][1] == [Entry(ordinal: 24288, line: 4, source: 0, value: 5)])
        #expect(report.rowsRejected == 1)
        #expect(report.observations == 2)
    }

    @Test("a rejected row adds no unit and names none; a kept wide row names a declared unit")
    func unitsComeFromKeptRows() throws {
        let files = try TestFiles()
        // Line 2 is rejected (bad period) before its unit could be added; line 3 keeps a value
        // and names the declared unit 330106002; line 4 keeps nothing (both cells bad).
        let path = try files.write("wide.csv", """
            unit_id,unit_name,period,documents,meetings
            330106009,幽灵村,2024-13,1,2
            330106002,西湖区,2024-01,3,x
            330106001,文一街道,2024-01,y,z

            """)
        var table = ObservationTable(metrics: Self.wideMetrics)
        #expect(table.unitIndex("330106001") == 0)
        #expect(table.unitIndex("330106002") == 1)
        _ = try readObservations(SourceSpec(name: "s", path: path, layout: .wide), into: &table, unitsDeclared: true)
        #expect(table.observedNames == ["", "西湖区"])

        var undeclared = ObservationTable(metrics: Self.wideMetrics)
        _ = try readObservations(SourceSpec(name: "s", path: path, layout: .wide), into: &undeclared)
        #expect(undeclared.observedNames == ["西湖区"])  // 330106009 and 330106001 kept nothing
    }

    @Test("undecodable bytes in a UTF-8 file reject their row only")
    func undecodableUTF8() throws {
        let files = try TestFiles()
        // Line 3 holds a lone 0xE6: the start of a three-byte UTF-8 sequence with nothing after it.
        let bytes = Array("unit_id,unit_name,period,metric,value\nu1,甲,2024-01,documents,1\nu2,".utf8)
            + [0xE6] + Array(",2024-01,documents,2\nu3,丙,2024-01,documents,3\n".utf8)
        let path = try files.write("bad.csv", bytes: bytes)
        var table = ObservationTable(metrics: Self.longMetrics)
        let (report, rejections) = try readObservations(SourceSpec(name: "s", path: path, encoding: .utf8), into: &table)
        #expect(rejections.map(Rejected.init) == [Rejected(3, "", .undecodable)])
        #expect(rejections.first?.raw == "u2,\u{FFFD},2024-01,documents,2")
        #expect(table.units.lookup("u1") == 0)
        #expect(table.units.lookup("u3") == 1)
        #expect(table.series[0][1] == [Entry(ordinal: 24288, line: 4, source: 0, value: 3)])
        #expect(report.rowsRead == 3)
        #expect(report.rowsRejected == 1)
    }

    @Test("units in a changed order, ids that are prefixes of each other: each value on its unit")
    func unitOrderChanges() throws {
        // After the first month the reader tries "the unit interned after the previous row's"
        // before hashing; here that guess is wrong on purpose (order changes, u1 vs u10).
        let files = try TestFiles()
        let path = try files.write("order.csv", """
            unit_id,period,metric,value
            u1,2024-01,documents,1
            u10,2024-01,documents,10
            u2,2024-01,documents,2
            u1,2024-02,documents,101
            u2,2024-02,documents,102
            u10,2024-02,documents,110
            u10,2024-03,documents,210
            u1,2024-03,documents,201
            u100,2024-03,documents,300
            u2,2024-03,documents,202

            """)
        var table = ObservationTable(metrics: Self.longMetrics)
        let (report, rejections) = try readObservations(SourceSpec(name: "order", path: path), into: &table)
        #expect(rejections.isEmpty)
        #expect(report.observations == 10)
        func values(_ id: String) -> [Double] {
            table.series[0][Int(table.units.lookup(id)!)].map(\.value)
        }
        #expect(table.unitCount == 4)
        #expect(values("u1") == [1, 101, 201])
        #expect(values("u10") == [10, 110, 210])
        #expect(values("u2") == [2, 102, 202])
        #expect(values("u100") == [300])
    }

    @Test("a stray quote early in a big file refuses the source, naming its line", arguments: [1, 2])
    func strayQuoteInBigFile(threads: Int) throws {
        // 72 MB after a quote that nothing closes: the scanner gives up at 64 MiB instead of
        // holding the rest of the file as one field (and the parallel read agrees).
        let files = try TestFiles()
        let head = Array("unit_id,period,metric,value\nu1,2024-01,documents,1\nu2,2024-01,documents,2\nu3,\"2024-01,documents,3\n".utf8)
        let block = Array(String(repeating: "u4,2024-02,documents,4\n", count: 1 << 15).utf8)   // 736 KiB
        var bytes = head
        bytes.reserveCapacity(head.count + block.count * 100)
        for _ in 0..<100 { bytes += block }
        let path = try files.write("stray.csv", bytes: bytes)
        var table = ObservationTable(metrics: Self.longMetrics)
        var rejections: [Rejection] = []
        let reader = ObservationReader(spec: SourceSpec(name: "big", path: path), sourceIndex: 0, unitsDeclared: false,
                                       currentMonth: 2024 * 12 + 11, threads: threads)
        #expect(throws: IngestError.recordTooLong(source: "big", path: path, line: 4, bytes: 64 << 20, insideQuotes: true)) {
            _ = try reader.read(into: &table, rejections: &rejections)
        }
        #expect("\(IngestError.recordTooLong(source: "big", path: path, line: 4, bytes: 64 << 20, insideQuotes: true))"
            .contains("stray.csv:4: a quoted field opens on this line and no quote closes it within 64 MiB"))
    }

    /// Issue 11 item 10: one 63 MiB line of commas took 1.7 GB. Lines of bare commas past the
    /// 4096-field limit and a row longer than 4 MiB are rejected rows at a bounded cost (a
    /// rejection keeps at most 4 MiB of its row), and the rows around them are read, by one
    /// thread or two.
    @Test("long lines of commas and an over-long row are rejected, the rest is read", arguments: [1, 2])
    func longLinesOfCommas(threads: Int) throws {
        let files = try TestFiles()
        let commas = String(repeating: ",", count: 1 << 20)  // 1 MiB of commas: 1048577 fields
        let nines = String(repeating: "9", count: 5 << 20)   // a 5 MiB field
        let path = try files.write("commas.csv", "unit_id,period,metric,value\nu1,2024-01,documents,1\n" + commas + "\n" + commas
            + "\nu1,2024-02,documents,2\nu1,2024-03,documents," + nines + "\nu1,2024-04,documents,4\n")
        var table = ObservationTable(metrics: Self.longMetrics)
        var rejections: [Rejection] = []
        var reader = ObservationReader(spec: SourceSpec(name: "c", path: path), sourceIndex: 0, unitsDeclared: false,
                                       currentMonth: 2024 * 12 + 11, threads: threads)
        reader.parallelMinimumSize = 1 << 20
        let report = try reader.read(into: &table, rejections: &rejections)
        #expect(rejections.map(\.line) == [3, 4, 6])
        #expect(rejections.allSatisfy { $0.reason == .malformedRow })
        #expect(rejections.first.map(RejectionMessages.english) == "the row has more than 4096 fields (the header has 4)")
        // Line 6: "u1,2024-03,documents," (21 bytes) and 5 MiB (5242880) of 9s: 5242901 bytes.
        #expect(rejections.last.map(RejectionMessages.english) == "the row is 5242901 bytes long, more than the 4 MiB a row may have (raw keeps its first 4 MiB)")
        #expect(rejections.last?.raw.utf8.count == (4 << 20) + 3)  // its first 4 MiB and "…" (3 bytes)
        #expect(rejections.last?.raw.hasPrefix("u1,2024-03,documents,999") == true)
        #expect(report.rowsRead == 6 && report.rowsRejected == 3 && report.observations == 3)
    }

    @Test("the first non-empty name a unit is given wins, on consecutive rows too")
    func firstNonEmptyName() throws {
        let files = try TestFiles()
        let path = try files.write("names.csv", """
            unit_id,unit_name,period,metric,value
            u1,,2024-01,documents,1
            u1, 甲 ,2024-01,survey,2
            u1,乙,2024-02,documents,3
            u2,丙,2024-01,documents,4
            u2,,2024-02,documents,5
            u3,,2024-01,documents,6

            """)
        var table = ObservationTable(metrics: Self.longMetrics)
        _ = try readObservations(SourceSpec(name: "names", path: path), into: &table)
        #expect((0..<table.unitCount).map { "\(table.unitID(Int32($0)))=\(table.observedNames[$0])" } == ["u1=甲", "u2=丙", "u3="])
    }

    @Test("rows out of period order are kept sorted by period")
    func outOfOrder() throws {
        let files = try TestFiles()
        let path = try files.write("long.csv", """
            unit_id,period,metric,value
            u1,2024-03,documents,3
            u1,2024-01,documents,1
            u1,2024-02,documents,2
            u1,2024-01,documents,9
            """)
        var table = ObservationTable(metrics: Self.longMetrics)
        let (report, rejections) = try readObservations(SourceSpec(name: "s", path: path), into: &table)
        #expect(table.series[0][0] == [
            Entry(ordinal: 24288, line: 3, source: 0, value: 1),
            Entry(ordinal: 24289, line: 4, source: 0, value: 2),
            Entry(ordinal: 24290, line: 2, source: 0, value: 3),
        ])
        #expect(rejections.map(Rejected.init) == [Rejected(5, "", .duplicateKey)])
        #expect(rejections.first.map(RejectionMessages.english)?.contains("line 3") == true)
        #expect(report.firstPeriod["documents"] == "2024-01")
        #expect(report.lastPeriod["documents"] == "2024-03")
    }

    @Test("a later source overrides an earlier one; within a source the first value is kept")
    func overrides() throws {
        let files = try TestFiles()
        let first = try files.write("a.csv", """
            unit_id,period,metric,value
            u1,2024-01,documents,12
            u1,2024-02,documents,10

            """)
        let second = try files.write("b.csv", """
            unit_id,period,metric,value
            u1,2024-02,documents,8
            u1,2024-03,documents,7
            u1,2024-02,documents,9

            """)
        var table = ObservationTable(metrics: Self.longMetrics)
        let (reportA, rejectionsA) = try readObservations(SourceSpec(name: "a", path: first), into: &table, sourceIndex: 0)
        let (reportB, rejectionsB) = try readObservations(SourceSpec(name: "b", path: second), into: &table, sourceIndex: 1)

        #expect(rejectionsA.isEmpty)
        #expect(reportA.observations == 2)
        #expect(reportA.overrides == 0)
        // b's 2024-02 (8, line 2) replaces a's 10; b's own second 2024-02 (9, line 4) is a duplicate.
        #expect(table.series[0][0] == [
            Entry(ordinal: 24288, line: 2, source: 0, value: 12),
            Entry(ordinal: 24289, line: 2, source: 1, value: 8),
            Entry(ordinal: 24290, line: 3, source: 1, value: 7),
        ])
        #expect(rejectionsB.map(Rejected.init) == [Rejected(4, "", .duplicateKey)])
        #expect(rejectionsB.first?.source == "b")
        #expect(reportB.rowsRead == 3)
        #expect(reportB.observations == 2)
        #expect(reportB.overrides == 1)
        #expect(reportB.rowsRejected == 1)
    }

    @Test("a semicolon-delimited file; a decimal comma is not a plain decimal")
    func semicolon() throws {
        let files = try TestFiles()
        let path = try files.write("semi.csv", "unit_id;period;metric;value\r\nu1;2024-01;survey;4.5\r\nu1;2024-02;survey;4,5\r\n")
        var table = ObservationTable(metrics: Self.longMetrics)
        let spec = SourceSpec(name: "s", path: path, delimiter: UInt8(ascii: ";"))
        let (_, rejections) = try readObservations(spec, into: &table)
        #expect(table.series[1][0] == [Entry(ordinal: 24288, line: 2, source: 0, value: 4.5)])
        #expect(rejections.map(Rejected.init) == [Rejected(3, "value", .badValue)])
    }

    @Test("a UTF-8 BOM before the header does not hide the first column")
    func bomHeader() throws {
        let files = try TestFiles()
        let path = try files.write("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("unit_id,period,metric,value\nu1,2024-01,documents,1\n".utf8))
        var table = ObservationTable(metrics: Self.longMetrics)
        let (report, rejections) = try readObservations(SourceSpec(name: "s", path: path), into: &table)
        #expect(rejections.isEmpty)
        #expect(report.observations == 1)
        #expect(report.encoding == .utf8)
    }

    // MARK: wide layout

    static let wideMetrics = [
        Metric(id: "documents"),
        Metric(id: "meetings"),
        Metric(id: "survey", direction: .up, aggregate: .mean),
    ]
    static let wideColumns = [
        "unit_id": "单位代码", "unit_name": "单位名称", "period": "月份",
        "documents": "发文数", "meetings": "会议数", "survey": "测评满意度",
    ]

    @Test("wide layout with Chinese headers: bad cells, empty cells, bad rows")
    func wideLayout() throws {
        let files = try TestFiles()
        let path = try files.write("wide.csv", """
            单位代码,单位名称,月份,发文数,会议数,测评满意度,备注
            330106001,文一街道,2024年1月,12,5,88.5,
            330106001,文一街道,2024年2月,十,4,90,
            330106001,文一街道,2024年3月,,3,,
            330106001,文一街道,2024年4月,-1,x,91,note
            330106001,文一街道,2024年13月,1,1,1,
            330106001,文一街道,2024年1月,13,6,89,
            330106002,灵隐街道,2024-01,a,b,c,
            ,无名,2024-01,1,1,1,

            330106002,灵隐街道,2024-02,,,,

            """)
        let spec = SourceSpec(name: "wide", path: path, layout: .wide, columns: Self.wideColumns)
        var table = ObservationTable(metrics: Self.wideMetrics)
        let (report, rejections) = try readObservations(spec, into: &table)

        #expect(rejections.map(Rejected.init) == [
            Rejected(3, "发文数", .badValue, isCell: true),
            Rejected(5, "发文数", .negativeCount, isCell: true),
            Rejected(5, "会议数", .badValue, isCell: true),
            Rejected(6, "月份", .badPeriod),
            Rejected(7, "", .duplicateKey),   // every cell repeats line 2: one row rejection
            Rejected(8, "发文数", .badValue, isCell: true),
            Rejected(8, "会议数", .badValue, isCell: true),
            Rejected(8, "测评满意度", .badValue, isCell: true),
            Rejected(9, "单位代码", .emptyUnit),
        ])
        #expect(rejections[0].raw == "330106001,文一街道,2024年2月,十,4,90,")

        #expect(table.observedNames == ["文一街道", "灵隐街道"])
        // documents: only line 2 (12); line 7's 13 is a duplicate, the first is kept.
        #expect(table.series[0][0] == [Entry(ordinal: 24288, line: 2, source: 0, value: 12)])
        #expect(table.series[1][0] == [
            Entry(ordinal: 24288, line: 2, source: 0, value: 5),
            Entry(ordinal: 24289, line: 3, source: 0, value: 4),   // kept beside the bad 发文数 cell
            Entry(ordinal: 24290, line: 4, source: 0, value: 3),   // empty cells around it are missing
        ])
        #expect(table.series[2][0] == [
            Entry(ordinal: 24288, line: 2, source: 0, value: 88.5),
            Entry(ordinal: 24289, line: 3, source: 0, value: 90),
            Entry(ordinal: 24291, line: 5, source: 0, value: 91),
        ])
        #expect((0..<3).allSatisfy { table.series[$0][1].isEmpty })   // 330106002 has nothing kept

        // Rows: lines 2-9 and 11 = 9; blank: line 10.
        #expect(report.rowsRead == 9)
        #expect(report.blankLines == 1)
        // Cells rejected in rows that kept something: line 3 (1) + line 5 (2) = 3; line 8 kept
        // nothing, so it counts as a rejected row, not as 3 cells.
        #expect(report.cellsRejected == 3)
        // Rows with nothing kept: 6 (period), 7 (duplicate), 8 (every cell bad), 9 (no unit).
        #expect(report.rowsRejected == 4)
        // Kept: line 2 (3) + line 3 (2) + line 4 (1) + line 5 (1) = 7.
        #expect(report.observations == 7)
        #expect(report.firstPeriod == ["documents": "2024-01", "meetings": "2024-01", "survey": "2024-01"])
        #expect(report.lastPeriod == ["documents": "2024-01", "meetings": "2024-03", "survey": "2024-04"])
    }

    @Test("wide file in GB18030 with CRLF line ends", arguments: [SourceEncoding.gb18030, .auto])
    func wideGB18030(_ encoding: SourceEncoding) throws {
        let files = try TestFiles()
        // 单位代码,单位名称,月份,发文数\r\n
        // 330106001,𠀾村,2024年3月,12\r\n        (𠀾 is the four-byte 95 32 88 38)
        // 330106002,西湖区,2024年03月,7\r\n
        let bytes = hexBytes("""
            b5 a5 ce bb b4 fa c2 eb 2c b5 a5 ce bb c3 fb b3 c6 2c d4 c2 b7 dd 2c b7 a2 ce c4 ca fd 0d 0a
            33 33 30 31 30 36 30 30 31 2c 95 32 88 38 b4 e5 2c 32 30 32 34 c4 ea 33 d4 c2 2c 31 32 0d 0a
            33 33 30 31 30 36 30 30 32 2c ce f7 ba fe c7 f8 2c 32 30 32 34 c4 ea 30 33 d4 c2 2c 37 0d 0a
            """)
        let path = try files.write("gb.csv", bytes: bytes)
        let spec = SourceSpec(name: "gb", path: path, layout: .wide, encoding: encoding, columns: Self.wideColumns)
        var table = ObservationTable(metrics: Self.wideMetrics)
        let (report, rejections) = try readObservations(spec, into: &table)
        #expect(rejections.isEmpty)
        #expect(table.observedNames == ["𠀾村", "西湖区"])
        #expect(table.series[0][0] == [Entry(ordinal: 24290, line: 2, source: 0, value: 12)])
        #expect(table.series[0][1] == [Entry(ordinal: 24290, line: 3, source: 0, value: 7)])
        #expect(report.encoding == .gb18030)
        #expect(report.rowsRead == 2)
        #expect(report.observations == 2)
    }

    @Test("wide: a quoted field over two lines shifts the later line numbers")
    func wideMultiLine() throws {
        let files = try TestFiles()
        let path = try files.write("wide.csv", """
            unit_id,unit_name,period,documents
            u1,"第一
            第二",2024-01,1
            u1,x,2024-02,bad

            """)
        let spec = SourceSpec(name: "w", path: path, layout: .wide)
        var table = ObservationTable(metrics: [Metric(id: "documents")])
        let (report, rejections) = try readObservations(spec, into: &table)
        #expect(table.series[0][0] == [Entry(ordinal: 24288, line: 2, source: 0, value: 1)])
        #expect(rejections.map(Rejected.init) == [Rejected(4, "documents", .badValue, isCell: true)])
        #expect(report.cellsRejected == 0)  // its only cell was rejected: a rejected row
        #expect(report.rowsRejected == 1)
    }

    @Test("wide: a later source overrides cell by cell")
    func wideOverride() throws {
        let files = try TestFiles()
        let a = try files.write("a.csv", "unit_id,period,documents,meetings\nu1,2024-01,10,2\n")
        let b = try files.write("b.csv", "unit_id,period,documents,meetings\nu1,2024-01,8,\n")
        var table = ObservationTable(metrics: Self.wideMetrics)
        _ = try readObservations(SourceSpec(name: "a", path: a, layout: .wide), into: &table, sourceIndex: 0)
        let (report, _) = try readObservations(SourceSpec(name: "b", path: b, layout: .wide), into: &table, sourceIndex: 1)
        #expect(report.overrides == 1)
        #expect(table.series[0][0] == [Entry(ordinal: 24288, line: 2, source: 1, value: 8)])
        // b's empty meetings cell is missing: a's value stays.
        #expect(table.series[1][0] == [Entry(ordinal: 24288, line: 2, source: 0, value: 2)])
    }

    // MARK: whole-file problems

    @Test("a missing required column stops the source")
    func missingColumn() throws {
        let files = try TestFiles()
        let path = try files.write("long.csv", "unit_id,period,value\nu1,2024-01,1\n")
        var table = ObservationTable(metrics: Self.longMetrics)
        #expect(throws: IngestError.missingColumn(
            source: "s", path: path, field: "metric", header: "metric", found: ["unit_id", "period", "value"])
        ) {
            try readObservations(SourceSpec(name: "s", path: path), into: &table)
        }
    }

    @Test("a missing mapped column names the header it expected")
    func missingMappedColumn() throws {
        let files = try TestFiles()
        let path = try files.write("wide.csv", "单位,月份,发文数\nu1,2024-01,1\n")
        var table = ObservationTable(metrics: Self.wideMetrics)
        #expect(throws: IngestError.missingColumn(
            source: "w", path: path, field: "unit_id", header: "单位代码", found: ["单位", "月份", "发文数"])
        ) {
            try readObservations(SourceSpec(name: "w", path: path, layout: .wide, columns: Self.wideColumns), into: &table)
        }
    }

    @Test("an empty file stops the source", arguments: [[UInt8](), [0xEF, 0xBB, 0xBF]])
    func emptyFile(bytes: [UInt8]) throws {
        let files = try TestFiles()
        let path = try files.write("empty.csv", bytes: bytes)
        var table = ObservationTable(metrics: Self.longMetrics)
        #expect(throws: IngestError.empty(source: "s", path: path)) {
            try readObservations(SourceSpec(name: "s", path: path), into: &table)
        }
    }

    @Test("a wide source mixing granularities stops the source")
    func mixedGranularity() throws {
        let files = try TestFiles()
        let path = try files.write("wide.csv", "unit_id,period,documents,quarterly\nu1,2024-01,1,2\n")
        var table = ObservationTable(metrics: Self.longMetrics)
        #expect(throws: IngestError.mixedGranularity(source: "s", path: path, first: "documents", other: "quarterly")) {
            try readObservations(SourceSpec(name: "s", path: path, layout: .wide), into: &table)
        }
    }

    @Test("a wide source without any metric column stops the source")
    func noMetricColumns() throws {
        let files = try TestFiles()
        let path = try files.write("wide.csv", "unit_id,period,other\nu1,2024-01,1\n")
        var table = ObservationTable(metrics: [Metric(id: "documents")])
        #expect(throws: IngestError.noMetricColumns(source: "s", path: path, expected: ["documents"])) {
            try readObservations(SourceSpec(name: "s", path: path, layout: .wide), into: &table)
        }
    }

    @Test("a missing file is unreadable")
    func missingFile() throws {
        let files = try TestFiles()
        let path = files.directory.appendingPathComponent("absent.csv").path
        var table = ObservationTable(metrics: Self.longMetrics)
        let error = #expect(throws: IngestError.self) {
            try readObservations(SourceSpec(name: "s", path: path), into: &table)
        }
        guard case .unreadable(let source, let errorPath, _)? = error else {
            Issue.record("expected .unreadable, got \(String(describing: error))")
            return
        }
        #expect(source == "s")
        #expect(errorPath == path)
    }

    @Test("text after a closing quote rejects the row")
    func textAfterClosingQuote() throws {
        let files = try TestFiles()
        let path = try files.write("long.csv", """
            unit_id,unit_name,period,metric,value
            u1,"文一"街道,2024-01,documents,1
            u1,文一街道,2024-02,documents,2

            """)
        var table = ObservationTable(metrics: Self.longMetrics)
        let (report, rejections) = try readObservations(SourceSpec(name: "s", path: path), into: &table)
        #expect(rejections.map(Rejected.init) == [Rejected(2, "", .malformedRow)])
        #expect(rejections.first?.raw == "u1,\"文一\"街道,2024-01,documents,1")
        #expect(table.series[0][0] == [Entry(ordinal: 24289, line: 3, source: 0, value: 2)])
        #expect(report.rowsRejected == 1)
    }

    // MARK: rows that look blank but are not

    @Test("a row whose quoted fields are empty but is malformed is rejected, not counted blank", arguments: [
        "\"\"abc,,,\n",   // text after a closing quote
        "\"",           // a lone quote on the last line, never closed
    ])
    func malformedLooksBlank(row: String) throws {
        let files = try TestFiles()
        let path = try files.write("long.csv", "unit_id,period,metric,value\nu1,2024-01,documents,1\n" + row)
        var table = ObservationTable(metrics: Self.longMetrics)
        let (report, rejections) = try readObservations(SourceSpec(name: "s", path: path), into: &table)
        #expect(rejections.map(Rejected.init) == [Rejected(3, "", .malformedRow)])
        #expect(report.blankLines == 0)
    }
}
