import Foundation
import JianfuIngest
import JianfuModel
import Testing

/// The parallel read of a large file must give exactly what one sequential pass gives: the same
/// values with the same lines, the same rejections in the same order, the same totals. The
/// sequential path is the oracle here (its behaviour is pinned by hand in the other suites);
/// the files are shaped to put record boundaries, quoted line breaks and duplicates at the cuts.
@Suite("ParallelFileReader") struct ParallelReaderTests {
    static let metrics = [
        Metric(id: "documents"),
        Metric(id: "survey", direction: .up, aggregate: .mean),
    ]

    /// Reads `spec` with `threads` threads, parallel from any size.
    /// `earlier` are values an earlier source (index 0) gave: (unit, metric, month ordinal, value).
    func read(_ spec: SourceSpec, threads: Int, unitsDeclared: Bool = false, units: [String] = [],
              earlier: [(String, Int, Int32, Double)] = [])
        throws -> (table: ObservationTable, report: SourceReport, rejections: [Rejection])
    {
        var table = ObservationTable(metrics: Self.metrics)
        for unit in units { _ = table.unitIndex(unit) }
        for (line, (unit, m, ordinal, value)) in earlier.enumerated() {
            _ = table.insert(metric: m, unit: table.unitIndex(unit), ordinal: ordinal, value: value, source: 0, line: line + 2)
        }
        var reader = ObservationReader(spec: spec, sourceIndex: 1, unitsDeclared: unitsDeclared, currentMonth: 2024 * 12 + 11, threads: threads)
        reader.parallelMinimumSize = 0
        var rejections: [Rejection] = []
        let report = try reader.read(into: &table, rejections: &rejections)
        return (table, report, rejections)
    }

    /// Everything a read produced, in a comparable form.
    func fingerprint(_ result: (table: ObservationTable, report: SourceReport, rejections: [Rejection])) -> [String] {
        var lines: [String] = []
        for u in 0..<result.table.unitCount {
            lines.append("unit \(result.table.unitID(Int32(u))) \(result.table.observedNames[u])")
            for m in Self.metrics.indices {
                for e in result.table.series[m][u] { lines.append("  \(m) \(e.ordinal) \(e.value) line \(e.line) src \(e.source)") }
            }
        }
        for r in result.rejections { lines.append("rejected \(r.line) \(r.field) \(r.reason.rawValue) \(r.isCell) \(RejectionMessages.english(r)) | \(r.raw)") }
        let p = result.report
        lines.append("report \(p.rowsRead) \(p.rowsRejected) \(p.cellsRejected) \(p.blankLines) \(p.observations) \(p.overrides) \(p.encoding) \(p.firstPeriod.sorted { $0.key < $1.key }) \(p.lastPeriod.sorted { $0.key < $1.key })")
        return lines
    }

    /// Expects `result` to fingerprint as `sequential`, naming the first difference.
    func expectSame(_ result: (table: ObservationTable, report: SourceReport, rejections: [Rejection]), _ sequential: [String],
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let difference = difference(fingerprint(result), sequential)
        #expect(difference == nil, "\(difference ?? "")", sourceLocation: sourceLocation)
    }

    /// The first line where two fingerprints differ, for a readable failure.
    func difference(_ a: [String], _ b: [String]) -> String? {
        for i in 0..<max(a.count, b.count) where i >= a.count || i >= b.count || a[i] != b[i] {
            return "#\(i): \(i < a.count ? a[i] : "-") ≠ \(i < b.count ? b[i] : "-")"
        }
        return nil
    }

    /// A long file, period by period, with bad rows, blank lines and quoted line breaks all
    /// through it.
    func longFile(units: Int = 40, duplicateAtEnd: Bool = false, bigQuotedField: Bool = false) -> String {
        var text = "unit_id,unit_name,period,metric,value\n"
        var row = 0
        for year in 2022...2024 {
            for month in 1...12 {
                for u in 0..<units {
                    row += 1
                    let name = row % 37 == 0 ? "\"村\n第\(u)组\"" : "村\(u)"
                    text += "u\(u),\(name),\(year)-\(month),documents,\(u + month)\n"
                    text += "u\(u),村\(u),\(year)-\(month),survey,\(70 + Double(u % 10) / 10)\n"
                    if row % 53 == 0 { text += "u\(u),村\(u),\(year)-13,documents,1\n" }
                    if row % 71 == 0 { text += "\n" }
                    if row % 89 == 0 { text += "u\(u),村\(u),\(year)-\(month),documents,x\n" }
                    if bigQuotedField, row == units * 18 {
                        text += "u0,\"" + String(repeating: "很长的\n备注,", count: 4000) + "\",2022-01,survey,1\n"
                    }
                }
            }
        }
        if duplicateAtEnd { text += "u0,村0,2022-1,documents,99\n" }
        return text
    }

    @Test("long file: every thread count gives the sequential result", arguments: [2, 3, 7])
    func longEquivalence(threads: Int) throws {
        let files = try TestFiles()
        let spec = SourceSpec(name: "s", path: try files.write("long.csv", longFile()))
        let sequential = fingerprint(try read(spec, threads: 1))
        #expect(sequential.contains { $0.hasPrefix("rejected") })   // the file does hold bad rows
        let parallel = try read(spec, threads: threads)
        #expect(parallel.report.threads == threads)                  // it did not fall back
        try expectSame(parallel, sequential)
    }

    @Test("a duplicate in another stretch falls back to the sequential result")
    func crossStretchDuplicate() throws {
        let files = try TestFiles()
        let spec = SourceSpec(name: "s", path: try files.write("dup.csv", longFile(duplicateAtEnd: true)))
        let sequential = fingerprint(try read(spec, threads: 1))
        // The first u0 documents 2022-01 (line 2) is kept; the last line repeats it.
        #expect(sequential.contains { $0.hasPrefix("rejected") && $0.contains("duplicate_key") && $0.contains("line 2;") })
        let twice = try read(spec, threads: 2)
        #expect(twice.report.threads == 1)                            // it fell back
        try expectSame(twice, sequential)
        try expectSame(try read(spec, threads: 5), sequential)
    }

    @Test("a cut inside a quoted field spanning thousands of lines falls back to the sequential result")
    func cutInsideQuotes() throws {
        let files = try TestFiles()
        let spec = SourceSpec(name: "s", path: try files.write("quoted.csv", longFile(bigQuotedField: true)))
        let sequential = fingerprint(try read(spec, threads: 1))
        var fellBack = false
        for threads in [2, 3, 4, 9] {
            let result = try read(spec, threads: threads)
            fellBack = fellBack || result.report.threads == 1
            try expectSame(result, sequential)
        }
        #expect(fellBack)   // at least one cut landed inside the quoted field
    }

    @Test("values of an earlier source are overridden as in one pass, in every stretch", arguments: [2, 3])
    func overridesEarlierSource(threads: Int) throws {
        let files = try TestFiles()
        let spec = SourceSpec(name: "s", path: try files.write("long.csv", longFile()))
        // An earlier source gave u3 documents for every month of the three years (only this
        // source's value survives), u5 survey for 2023-06, and u999 a value this file never
        // mentions (it stays, with source 0). Also a period before the file's first.
        var earlier: [(String, Int, Int32, Double)] = (0..<36).map { ("u3", 0, Int32(2022 * 12 + $0), -1) }
        earlier += [("u5", 1, Int32(2023 * 12 + 5), -2), ("u999", 0, Int32(2024 * 12 + 11), -3), ("u7", 0, Int32(2019 * 12), -4)]
        let sequential = fingerprint(try read(spec, threads: 1, earlier: earlier))
        #expect(sequential.contains { $0.hasPrefix("  0 24264 4.0 line ") && $0.hasSuffix("src 1") })  // u3 2022-01: 3 + 1
        #expect(sequential.contains("  0 24299 -3.0 line 39 src 0"))   // u999 kept
        #expect(sequential.contains("  0 24228 -4.0 line 40 src 0"))   // u7 2019-01 kept
        #expect(sequential.last!.contains(" 37 ") )                     // 36 + 1 overrides
        let parallel = try read(spec, threads: threads, earlier: earlier)
        #expect(parallel.report.threads == threads)
        try expectSame(parallel, sequential)
    }

    @Test("declared units and unknown units")
    func declaredUnits() throws {
        let files = try TestFiles()
        let spec = SourceSpec(name: "s", path: try files.write("long.csv", longFile()))
        let units = (0..<30).map { "u\($0)" }   // u30...u39 are unknown
        let sequential = fingerprint(try read(spec, threads: 1, unitsDeclared: true, units: units))
        #expect(sequential.contains { $0.contains("unknown_unit") })
        try expectSame(try read(spec, threads: 3, unitsDeclared: true, units: units), sequential)
    }

    @Test("wide GB18030 file with CRLF")
    func wideGB18030() throws {
        var text = "单位代码,单位名称,月份,发文数,测评满意度\r\n"
        for month in 1...12 {
            for u in 0..<60 {
                let survey = u % 4 == 0 ? "" : "8\(u % 10).5"
                let documents = u % 31 == 0 ? "十二" : "\(u)"
                text += "U\(u),单位\(u)𠀾,2024年\(month)月,\(documents),\(survey)\r\n"
            }
        }
        let files = try TestFiles()
        let path = try files.write("wide.csv", bytes: Array(text.data(using: .init(rawValue: 0x8000_0632))!))  // GB18030
        let spec = SourceSpec(name: "w", path: path, layout: .wide,
                              columns: ["unit_id": "单位代码", "unit_name": "单位名称", "period": "月份",
                                        "documents": "发文数", "survey": "测评满意度"])
        let sequential = fingerprint(try read(spec, threads: 1))
        #expect(sequential.contains { $0.contains("unit U1 单位1𠀾") })
        #expect(sequential.last!.contains("gb18030"))
        let parallel = try read(spec, threads: 4)
        #expect(parallel.report.threads == 4)
        try expectSame(parallel, sequential)
    }
}
