import Foundation
import JianfuTestSupport
import Testing

/// Hostile text in the data reaches every output intact but inert (SPEC §6): a unit name, a unit
/// id, a metric id and label and the pipeline's name holding `<`, `&`, `"`, `\`, a line break,
/// a comma, a spreadsheet formula (`=cmd|' /C calc'!A0`) and 10 000 characters. The HTML
/// escapes them, the CSV quotes them and defuses the formula with `'`, the Prometheus labels
/// escape them, summary.json is valid JSON holding them exactly, jianfu.xlsx holds them as text
/// cells (no formula).
@Suite("Hostile text in outputs")
struct HostileOutputTests {
    static let formula = "=cmd|' /C calc'!A0"
    /// Starts with a formula; holds every character that needs care somewhere.
    static let name = formula + " <script>alert(\"x\")</script> & \"quoted\", comma\nsecond line \\ back"
    static let long = String(repeating: "长", count: 5000) + String(repeating: "<&>", count: 1666) + "XY"  // 10 000 characters
    static let unitID = "=1+2,\"<img src=x onerror=alert(1)>\"/../\n"
    static let longID = String(repeating: "9", count: 10_000)
    static let metricID = "doc\"s\\<x-evil>&\nx"
    static let metricLabel = "+cmd<script>&\"label\"\\,\nend"
    static let pipelineName = "@SUM(1)<script>\"p\"\\\nname"

    /// A CSV cell as RFC 4180 writes it.
    static func cell(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// YAML double-quoted scalar.
    static func yaml(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    static func runHostilePipeline(in dir: TempDir) throws -> RunResult {
        try dir.write("units.csv", "unit_id,name,category,parent_id,responsible\n"
            + "U1,\(cell(name)),township,,\(cell(formula))\n"
            + "U2,\(cell(long)),village,U1,\n"
            + "\(cell(unitID)),\(cell(name)),village,U1,\n"
            + "\(longID),长,village,U1,\n")
        var counts = "unit_id,period,metric,value\n"
        for unit in ["U2", cell(unitID), longID] {
            counts += "\(unit),2018-01,\(cell(metricID)),10\n\(unit),2019-01,\(cell(metricID)),12\n"
        }
        counts += "\(formula),2019-02,\(cell(metricID)),3\n"  // rejected: an unknown unit whose raw row starts with =
        try dir.write("counts.csv", counts)
        try dir.write("pipeline.yml", """
            name: \(yaml(pipelineName))
            sources:
              - {name: units, kind: units, path: units.csv}
              - {name: counts, path: counts.csv}
            metrics:
              \(yaml(metricID)): {label: \(yaml(metricLabel)), target: 0.3}
            baseline: {from: 2018-01, to: 2018-12}
            stale_after: 1
            outputs: {dir: out}

            """)
        return try Jianfu.run(["run", "pipeline.yml"], in: dir.url)
    }

    @Test("HTML, CSV, Prometheus, JSON and xlsx outputs hold hostile text inert")
    func hostileText() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let result = try Self.runHostilePipeline(in: dir)
        try #require(result.status == 0, "\(result)")

        try checkHTML(dir)
        try checkCSV(dir)
        try checkPrometheus(dir)
        try checkJSON(dir)
        try checkWorkbook(dir)
    }

    /// jianfu.xlsx read by openpyxl (scripts/check-xlsx.py): no cell is a formula; names, ids
    /// and labels are text cells holding the text, line breaks shown as spaces.
    func checkWorkbook(_ dir: TempDir) throws {
        let script = Jianfu.packageRoot.appendingPathComponent("scripts/check-xlsx.py")
        let read = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, dir.file("out/jianfu.xlsx").path])
        try #require(read.status == 0, "check-xlsx.py: \(read.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])
        let sheets = try #require(object["by_sheet"] as? [String: [String: Any]])
        #expect(sheets.count == 5)
        for (name, sheet) in sheets { #expect(sheet["formulas"] as? Int == 0, "\(name): no formulas") }
        func texts(_ sheet: String, column: Int) -> [String] {
            let rows = sheets[sheet]?["rows"] as? [[[String: Any]]] ?? []
            return rows.dropFirst(2).compactMap { column < $0.count && $0[column]["type"] as? String == "s" ? $0[column]["value"] as? String : nil }
        }
        let oneLine = { (text: String) in text.replacingOccurrences(of: "\n", with: " ") }
        let names = texts("得分排名", column: 1)
        #expect(names.contains(oneLine(Self.name)), "\(names.map { $0.prefix(80) })")
        #expect(names.contains(Self.long))
        #expect(texts("得分排名", column: 0).contains(oneLine(Self.unitID)))
        #expect(texts("指标", column: 4).contains(oneLine(Self.metricLabel)))
        #expect(texts("指标", column: 5).contains(oneLine(Self.metricID)))
        #expect(texts("未通过行", column: 5).contains { $0.hasPrefix(Self.formula) }, "the rejected raw row starting with =")
    }

    func checkHTML(_ dir: TempDir) throws {
        let pages = try dir.allFiles().filter { $0.0.hasSuffix(".html") }
        #expect(pages.count >= 5, "index.html and a page per unit")
        for (path, data) in pages {
            let text = String(decoding: data, as: UTF8.self).lowercased()
            #expect(!text.contains("<script"), "\(path) holds a raw <script")
            #expect(!text.contains("<img"), "\(path) holds a raw <img")
            #expect(!text.contains("<x-evil"), "\(path) holds a raw <x-evil>")
            // A page's file name stays a short, safe name, whatever the unit id.
            let file = (path as NSString).lastPathComponent
            #expect(file.utf8.count <= 210 && file.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.~".contains($0)) }, "\(file)")
        }
        let index = String(decoding: try Data(contentsOf: dir.file("out/index.html")), as: UTF8.self)
        #expect(index.contains("&lt;script&gt;alert("), "the name is shown, escaped")
        #expect(index.contains("&amp;"))
    }

    func checkCSV(_ dir: TempDir) throws {
        for file in ["indicators.csv", "scores.csv", "series.csv", "alerts.csv", "rejected.csv"] {
            let rows = try csvRows(dir.file("out/\(file)"))
            let width = rows.first?.count ?? 0
            for row in rows {
                #expect(row.count == width, "\(file): a row of \(row.count) cells, the header has \(width)")
                for cell in row {
                    // No cell a spreadsheet would run: text starting with = + @ is prefixed with ',
                    // and - only starts a number.
                    #expect(!cell.hasPrefix("=") && !cell.hasPrefix("+") && !cell.hasPrefix("@"), "\(file): \(cell.prefix(40))")
                    if cell.hasPrefix("-") { #expect(Double(cell) != nil, "\(file): \(cell.prefix(40))") }
                }
            }
        }
        let scores = try csvRows(dir.file("out/scores.csv"))
        let names = Set(scores.map { $0[1] })
        #expect(names.contains("'" + Self.name), "the name round-trips, prefixed with '")
        #expect(names.contains(Self.long), "10 000 characters round-trip")
        let ids = Set(scores.map { $0[0] })
        #expect(ids.contains("'" + Self.unitID) && ids.contains(Self.longID))
        let alerts = try csvRows(dir.file("out/alerts.csv"))
        #expect(alerts.contains { $0[2] == "'" + Self.formula }, "the responsible person's formula is defused")
        let metrics = Set(try csvRows(dir.file("out/indicators.csv")).map { $0[4] })
        #expect(metrics.contains(Self.metricID))
        let rejected = try csvRows(dir.file("out/rejected.csv"))
        #expect(rejected.count == 2 && rejected[1][5].hasPrefix("'" + Self.formula), "\(rejected)")
    }

    func checkPrometheus(_ dir: TempDir) throws {
        let text = String(decoding: try Data(contentsOf: dir.file("out/metrics.prom")), as: UTF8.self)
        func escaped(_ value: String) -> String {
            value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
        }
        #expect(text.contains("pipeline=\"\(escaped(Self.pipelineName))\""))
        #expect(text.contains("metric=\"\(escaped(Self.metricID))\""))
        // Every line is a comment or one sample: no label value broke a line.
        let sample = try Regex(#"^[a-zA-Z_:][a-zA-Z0-9_:]*\{([a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*",?)*\} -?[0-9.e+]+$"#)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: sample) != nil, "not a sample line: \(line.prefix(200))")
        }
    }

    func checkJSON(_ dir: TempDir) throws {
        let summary = try readJSON(dir.file("out/summary.json"))
        let pipeline = try #require(summary["pipeline"] as? [String: Any])
        #expect(pipeline["name"] as? String == Self.pipelineName)
        let metrics = try #require(summary["metrics"] as? [[String: Any]])
        #expect(metrics.first?["id"] as? String == Self.metricID)
        #expect(metrics.first?["label"] as? String == Self.metricLabel)
    }

    @Test("text from the data cannot forge a log line", arguments: [["run", "pipeline.yml"], ["validate", "pipeline.yml"]])
    func logLines(_ arguments: [String]) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let forged = "U1\njianfu: info: all sources read, 0 rows rejected"
        // An orphan parent (a warning naming the unit) and a cycle (an error naming them).
        try dir.write("units.csv", "unit_id,name,parent_id\n\(Self.cell(forged)),a,U9\n")
        try dir.write("counts.csv", "unit_id,period,metric,value\n\(Self.cell(forged)),2018-01,documents,1\n\(Self.cell(forged)),2019-01,documents,1\n")
        let pipeline = """
            sources:
              - {name: units, kind: units, path: units.csv}
              - {name: counts, path: counts.csv}
            metrics:
              documents: {target: 0.3}
            baseline: {from: 2018-01, to: 2018-12}
            outputs: {dir: out}

            """
        try dir.write("pipeline.yml", pipeline)
        let warned = try Jianfu.run(arguments, in: dir.url)
        #expect(warned.status == 0, "\(warned)")
        try dir.write("units.csv", "unit_id,name,parent_id\n\(Self.cell(forged)),a,\(Self.cell(forged))\n")
        let failed = try Jianfu.run(arguments, in: dir.url)
        #expect(failed.status == 1, "\(failed)")
        for result in [warned, failed] {
            for line in result.stderr.split(separator: "\n") {
                #expect(line.hasPrefix("jianfu: "), "\(line)")
                #expect(!line.hasPrefix("jianfu: info: all sources read"), "a forged log line: \(result.stderr)")
            }
        }
        #expect(warned.stderr.contains("warning: unit U1\\njianfu: info: all sources read"), "\(warned.stderr)")
    }
}
