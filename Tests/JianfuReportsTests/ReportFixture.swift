import JianfuIndicators
import JianfuModel
import JianfuReports
import Testing

/// A small county evaluated by hand for the HTML tests (values are written out so the expected
/// figures can be checked with pencil and paper):
///
/// ```
/// C   示例县 (county)        ── T1 城关镇 (township) ── V1 <script>alert(1)</script> (village)
///                                                    ├─ "V/2 ä" 西塘村 (village)
///                                                    └─ V3 石桥村 (village, silent after 2024-08)
/// ```
/// documents (down, target 0.30), survey (up, mean, target 80), secondments (down, cap 1);
/// baseline 2018, evaluation 2024 (the 12 months ending at the latest data), rebound 3 months.
struct ReportFixture {
    static let documents = Metric(id: "documents", label: "发文", rule: .target(0.30), weight: 0.5)
    static let survey = Metric(id: "survey", label: "基层测评满意度", direction: .up, aggregate: .mean, rule: .target(80), weight: 0.3)
    static let secondments = Metric(id: "secondments", label: "借调人数", rule: .cap(1), weight: 0.2)
    static let metrics = [documents, survey, secondments]
    static let scriptName = "<script>alert(1)</script>"
    static let unsafeID = "V/2 ä"

    static let units = [
        MonitoredUnit(id: "C", name: "示例县", category: "county", responsible: "王建国"),
        MonitoredUnit(id: "T1", name: "城关镇", category: "township", parentID: "C", responsible: "陈志强"),
        MonitoredUnit(id: "V1", name: scriptName, category: "village", parentID: "T1", responsible: "张三 & \"李四\""),
        MonitoredUnit(id: unsafeID, name: "西塘村", category: "village", parentID: "T1", responsible: "黄丽"),
        MonitoredUnit(id: "V3", name: "石桥村", category: "village", parentID: "T1", responsible: "罗德胜"),
    ]

    let evaluation: Evaluation
    let hierarchy: Hierarchy
    let run: RunInfo

    init() throws {
        var table = ObservationTable(metrics: Self.metrics)
        for unit in Self.units { _ = table.unitIndex(unit.id) }
        func add(_ unit: String, _ metric: Int, _ year: Int, _ months: ClosedRange<Int>, _ value: Double) {
            let u = table.unitIndex(unit)
            for month in months {
                _ = table.insert(metric: metric, unit: u, ordinal: Int32(year * 12 + month - 1), value: value, source: 0, line: 2)
            }
        }
        // V1: documents 20 a month in 2018, 10 in 2023, 11 in 2024 → reduction (20 − 11) / 20 = 45.0 %.
        add("V1", 0, 2018, 1...12, 20)
        add("V1", 0, 2023, 1...12, 10)
        add("V1", 0, 2024, 1...12, 11)
        // V2: documents 10 (2018), 6 (2023); 2024: 5 in Jan–Sep, 9 in Oct–Dec → level 6, and a
        // rebound: L = 9 vs P = 5, (9 − 5) / 5 = +80.0 %.
        add(Self.unsafeID, 0, 2018, 1...12, 10)
        add(Self.unsafeID, 0, 2023, 1...12, 6)
        add(Self.unsafeID, 0, 2024, 1...9, 5)
        add(Self.unsafeID, 0, 2024, 10...12, 9)
        // V3: documents 6 (2018), 3 (2024 Jan–Aug only): stale for 4 months at 2024-12.
        add("V3", 0, 2018, 1...12, 6)
        add("V3", 0, 2024, 1...8, 3)
        // Survey (a mean metric): V1 70 → 85, V2 72 → 75 (misses 80).
        add("V1", 1, 2018, 6...6, 70)
        add("V1", 1, 2024, 6...6, 85)
        add(Self.unsafeID, 1, 2018, 6...6, 72)
        add(Self.unsafeID, 1, 2024, 6...6, 75)
        // Secondments: V1 2 a month in 2024 → cap 1 exceeded.
        add("V1", 2, 2018, 1...12, 3)
        add("V1", 2, 2024, 1...12, 2)

        hierarchy = try Hierarchy(units: Self.units)
        let settings = EvaluationSettings(
            metrics: Self.metrics, baseline: .window(MonthWindow(first: 2018 * 12, last: 2018 * 12 + 11)),
            evaluation: .lastMonths(12), rebound: ReboundRule(months: 3, threshold: 0.10, penalty: 5), staleAfter: 2)
        evaluation = try #require(Evaluator.evaluate(table: table, units: Self.units, hierarchy: hierarchy, settings: settings))

        var counts = SourceReport(name: "counts", path: "/data/counts.csv", kind: .observations)
        counts.rowsRead = 120
        counts.rowsRejected = 2
        counts.observations = 118
        run = RunInfo(
            runID: "20250101T000000Z-test", startedAt: "2025-01-01T00:00:00Z", startedAtEpoch: 1_735_689_600,
            pipelineName: "测试县 <b>减负</b>", pipelineFile: "/pipelines/test.yml", jianfuVersion: "0.1.0",
            sources: [counts],
            rejections: [
                Rejection(source: "counts", line: 7, field: "月份", problem: .badPeriod("2019-13", expected: .month),
                          raw: "V1,<img src=x onerror=alert(2)>,2019-13,5"),
                Rejection(source: "counts", line: 9, field: "", problem: .unknownUnit("X"), raw: "X,某村,2020-03,5"),
            ],
            maxRejected: 0.05)
    }

    func index() -> String {
        let out = OutputBuffer()
        IndexPageWriter().write(evaluation, run: run, to: out)
        return out.text
    }

    func unitPage(_ id: String) throws -> String {
        let writer = try #require(UnitPageWriter.pages(for: evaluation, hierarchy: hierarchy).first { evaluation.units[$0.unitIndex].unit.id == id })
        let out = OutputBuffer()
        writer.write(evaluation, run: run, to: out)
        return out.text
    }
}

/// The text of the first element that starts with `opening` (e.g. `<tr id="x">`), up to its
/// closing tag `</NAME>` (elements of the same name are not nested in these pages).
func element(_ opening: String, in html: String) throws -> String {
    let start = try #require(html.firstRange(of: opening), "no \(opening)")
    let name = opening.dropFirst().prefix { $0.isLetter }
    let end = try #require(html[start.upperBound...].firstRange(of: "</\(name)>"))
    return String(html[start.lowerBound..<end.upperBound])
}
