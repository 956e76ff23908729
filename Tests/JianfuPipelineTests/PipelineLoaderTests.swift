import Foundation
import JianfuIndicators
import JianfuIngest
import JianfuModel
import Testing

@testable import JianfuPipeline

/// A pipeline file written to `ROOT/pipelines/NAME.yml` in a fresh temporary folder, so that the
/// relative paths of SPEC §2 (`../fixtures/…`, `../reports/…`) resolve under ROOT.
private struct PipelineFile {
    let root: String
    let path: String

    init(_ yaml: String, name: String = "demo") throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("jianfu-loader-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/pipelines", withIntermediateDirectories: true)
        path = root + "/pipelines/\(name).yml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func load() throws -> PipelineConfig { try PipelineLoader.load(path: path) }

    /// The error loading throws; a failed expectation when it loads.
    func error() throws -> PipelineError {
        try #require(throws: PipelineError.self) { try load() }
    }
}

/// SPEC §2's example, verbatim.
private let specExample = """
    name: 示例市基层减负监测
    sources:
      - name: counts
        path: ../fixtures/demo/counts.csv
        layout: wide
        encoding: auto
        columns: {unit_id: 单位代码, period: 月份, documents: 发文数, meetings: 会议数,
                  inspections: 督查检查考核数, survey: 测评满意度}
      - name: units
        kind: units
        path: ../fixtures/demo/units.csv
    metrics:
      documents:   {label: 发文, direction: down, aggregate: sum,  target: 0.30, weight: 0.3}
      meetings:    {label: 会议, direction: down, aggregate: sum,  target: 0.30, weight: 0.3}
      inspections: {label: 督查检查考核, direction: down, aggregate: sum, target: 0.50, weight: 0.2}
      survey:      {label: 基层测评满意度, direction: up, aggregate: mean, target: 80, weight: 0.2}
      secondments: {label: 借调人数, direction: down, aggregate: sum, cap: 0, weight: 0.1}
    baseline:   {from: 2018-01, to: 2018-12}   # or: previous_year
    evaluation: {months: 12}          # the 12 calendar months ending at the latest month with data; or {from: .., to: ..}
    rebound:    {months: 3, threshold: 0.10, penalty: 5}
    categories:                        # overrides per unit category (分类指导)
      village: {targets: {documents: 0.50, meetings: 0.50}, weights: {survey: 0.4}}
      county_dept: {caps: {secondments: 2}}
    stale_after: 2                     # months without a report before a unit is flagged 未报送
    grades: [{name: 好, min: 90}, {name: 较好, min: 75}, {name: 一般, min: 60}, {name: 差, min: 0}]
    outputs: {dir: ../reports/demo, formats: [csv, json, prom, html]}

    """

/// The smallest valid pipeline, for tests that change one thing; `extra` is appended.
private func minimal(_ extra: String = "", metrics: String = "  documents: {target: 0.30}", baseline: String = "previous_year") -> String {
    """
    sources:
      - name: counts
        path: counts.csv
    metrics:
    \(metrics)
    baseline: \(baseline)
    \(extra)
    """
}

@Suite struct PipelineLoaderTests {
    // MARK: The SPEC example

    @Test func specExampleLoads() throws {
        let file = try PipelineFile(specExample)
        let config = try file.load()
        #expect(config.file == file.path)
        #expect(config.name == "示例市基层减负监测")

        #expect(config.sources.map(\.name) == ["counts", "units"])
        let counts = config.sources[0], units = config.sources[1]
        #expect(counts.kind == .observations)
        #expect(counts.layout == .wide)
        #expect(counts.encoding == .auto)
        #expect(counts.delimiter == UInt8(ascii: ","))
        #expect(counts.path == file.root + "/fixtures/demo/counts.csv")
        #expect(counts.columns["unit_id"] == "单位代码")
        #expect(counts.columns["inspections"] == "督查检查考核数")
        #expect(counts.columns.count == 6)
        #expect(units.kind == .units)
        #expect(units.layout == .long)
        #expect(units.path == file.root + "/fixtures/demo/units.csv")

        let metrics = config.settings.metrics
        #expect(metrics.map(\.id) == ["documents", "meetings", "inspections", "survey", "secondments"])
        #expect(metrics[0] == Metric(id: "documents", label: "发文", rule: .target(0.30), weight: 0.3))
        #expect(metrics[2].rule == .target(0.50))
        #expect(metrics[3] == Metric(id: "survey", label: "基层测评满意度", direction: .up, aggregate: .mean, rule: .target(80), weight: 0.2))
        #expect(metrics[4].rule == .cap(0))
        #expect(metrics[4].weight == 0.1)

        // baseline 2018-01 ... 2018-12: month ordinals 2018 * 12 + 0 = 24216 and 2018 * 12 + 11 = 24227
        #expect(config.settings.baseline == .window(MonthWindow(first: 24216, last: 24227)))
        #expect(config.settings.evaluation == .lastMonths(12))
        #expect(config.settings.rebound == ReboundRule(months: 3, threshold: 0.10, penalty: 5))

        let village = config.settings.override(for: "village")
        #expect(village.rule(for: metrics[0]) == .target(0.50))
        #expect(village.rule(for: metrics[2]) == .target(0.50))  // inspections: not overridden
        #expect(village.weight(for: metrics[3]) == 0.4)
        #expect(village.weight(for: metrics[0]) == 0.3)
        let countyDept = config.settings.override(for: "county_dept")
        #expect(countyDept.rule(for: metrics[4]) == .cap(2))
        #expect(config.settings.categories.count == 2)

        #expect(config.settings.staleAfter == 2)
        #expect(config.settings.grades.map(\.name) == ["好", "较好", "一般", "差"])
        #expect(config.settings.grades.map(\.min) == [90, 75, 60, 0])
        #expect(config.outputDirectory == file.root + "/reports/demo")
        #expect(config.formats == [.csv, .json, .prom, .html])
        #expect(config.deriveParents == false)
        #expect(config.maxRejected == nil)
    }

    @Test func defaultsWhereKeysAreLeftOut() throws {
        let file = try PipelineFile(minimal(), name: "nightly")
        let config = try file.load()
        #expect(config.name == "nightly")
        let source = try #require(config.sources.first)
        #expect(source.kind == .observations)
        #expect(source.layout == .long)
        #expect(source.encoding == .auto)
        #expect(source.delimiter == UInt8(ascii: ","))
        #expect(source.columns.isEmpty)
        #expect(source.path == file.root + "/pipelines/counts.csv")
        #expect(config.settings.metrics == [
            Metric(id: "documents", label: "documents", direction: .down, aggregate: .sum, granularity: .month, rule: .target(0.30), weight: 1),
        ])
        #expect(config.settings.baseline == .previousYear)
        #expect(config.settings.evaluation == .lastMonths(12))
        #expect(config.settings.rebound == ReboundRule(months: 3, threshold: 0.10, penalty: 0))
        #expect(config.settings.categories.isEmpty)
        #expect(config.settings.grades == Grade.defaults)
        #expect(config.settings.staleAfter == nil)
        #expect(config.deriveParents == false)
        #expect(config.maxRejected == nil)
        #expect(config.outputDirectory == file.root + "/reports/nightly")
        #expect(config.formats == Set(OutputFormat.allCases))
    }

    @Test func remainingKeysAreRead() throws {
        let file = try PipelineFile(minimal("""
            evaluation: {from: 2024-01, to: 2024年12月}
            rebound: {months: 2}
            max_rejected: 0.01
            derive_parents: true
            state: ../.jianfu/demo.sqlite
            outputs: {dir: ../../out/./x, formats: [json, prom]}
            grades: [{name: A, min: 50}, {name: B, min: 0}]
            """))
        let config = try file.load()
        // 2024-01 = 2024 * 12 + 0 = 24288; 2024-12 = 24288 + 11 = 24299
        #expect(config.settings.evaluation == .window(MonthWindow(first: 24288, last: 24299)))
        #expect(config.settings.rebound == ReboundRule(months: 2, threshold: 0.10, penalty: 0))
        #expect(config.maxRejected == 0.01)
        #expect(config.deriveParents)
        #expect(config.formats == [.json, .prom])
        let parent = (file.root as NSString).deletingLastPathComponent
        #expect(config.outputDirectory == parent + "/out/x")
        #expect(config.settings.grades == [Grade(name: "A", min: 50), Grade(name: "B", min: 0)])
    }

    // MARK: Windows

    @Test func quarterlyMetricWithAYearBound() throws {
        let file = try PipelineFile(minimal(
            metrics: "  inspections: {granularity: quarter, target: 0.5}",
            baseline: "{from: 2018, to: 2018}"))
        let config = try file.load()
        #expect(config.settings.metrics[0].granularity == .quarter)
        // from: 2018 = 2018-01 (24216), to: 2018 = 2018-12 (24227)
        #expect(config.settings.baseline == .window(MonthWindow(first: 24216, last: 24227)))
    }

    @Test(arguments: [
        ("{from: 201801, to: 2018Q2}", 24216, 24221),  // 2018-01 .. last month of 2018Q2 = 2018-06 = 24216 + 5
        ("{from: 2018年3月, to: 2018年第三季度}", 24218, 24224),  // 2018-03 = 24216 + 2; 2018-09 = 24216 + 8
        ("{from: '2018-02', to: 2018-02-28}", 24217, 24217),
    ])
    func baselineBoundsInAnySpelling(baseline: String, first: Int, last: Int) throws {
        let config = try PipelineFile(minimal(baseline: baseline)).load()
        #expect(config.settings.baseline == .window(MonthWindow(first: first, last: last)))
    }

    @Test func baselineFromAfterToIsRefused() throws {
        let file = try PipelineFile(minimal(baseline: "{from: 2019-01, to: 2018-12}"))
        #expect(try file.error() == .invalidValue(
            file: file.path, line: 6, key: "baseline", expected: "from no later than to", found: "from '2019-01' to '2018-12'"))
    }

    @Test func baselineAfterTheEvaluationWindowIsRefused() throws {
        let file = try PipelineFile(minimal("evaluation: {from: 2020-01, to: 2020-12}", baseline: "{from: 2021-01, to: 2021-12}"))
        guard case .invalidValue(_, 6, "baseline", _, _) = try file.error() else {
            Issue.record("expected invalidValue on baseline, line 6")
            return
        }
    }

    @Test func badPeriodSaysWhatIsExpected() throws {
        let file = try PipelineFile(minimal(baseline: "{from: 2018-13, to: 2018-12}"))
        #expect(try file.error() == .invalidValue(
            file: file.path, line: 6, key: "baseline.from", expected: "a period such as 2018-01, 2018Q1 or 2018", found: "'2018-13'"))
    }

    @Test func missingBaselineIsReported() throws {
        let file = try PipelineFile("""
            sources: [{name: counts, path: counts.csv}]
            metrics: {documents: {target: 0.3}}
            """)
        #expect(try file.error() == .missingKey(file: file.path, line: 1, key: "baseline", context: "the pipeline"))
    }

    // MARK: Unknown keys

    @Test func topLevelTypoSuggestsTheKey() throws {
        let file = try PipelineFile("""
            sources: [{name: counts, path: counts.csv}]
            # the metrics
            metircs:
              documents: {target: 0.3}
            baseline: previous_year
            """)
        let error = try file.error()
        #expect(error == .unknownKey(file: file.path, line: 3, key: "metircs", context: "the pipeline", suggestion: "metrics"))
        #expect(error.description == "\(file.path):3: unknown key 'metircs' in the pipeline; did you mean 'metrics'?")
    }

    @Test func typoInsideAMetricHasItsLine() throws {
        let file = try PipelineFile(minimal(metrics: """
              documents:
                label: 发文
                dirction: down
            """))
        #expect(try file.error() == .unknownKey(
            file: file.path, line: 7, key: "dirction", context: "metrics.documents", suggestion: "direction"))
    }

    @Test func farOffKeyGetsNoSuggestion() throws {
        let file = try PipelineFile(minimal("colour: blue"))
        #expect(try file.error() == .unknownKey(file: file.path, line: 7, key: "colour", context: "the pipeline", suggestion: nil))
    }

    @Test func unknownMetricInCategories() throws {
        let file = try PipelineFile(minimal("""
            categories:
              village: {targets: {documnets: 0.5}}
            """))
        #expect(try file.error() == .unknownKey(
            file: file.path, line: 8, key: "documnets", context: "categories.village.targets", suggestion: "documents"))
    }

    @Test func unknownFieldInColumns() throws {
        let file = try PipelineFile("""
            sources:
              - name: counts
                path: counts.csv
                columns: {unit_id: 单位代码, peroid: 月份}
            metrics: {documents: {target: 0.3}}
            baseline: previous_year
            """)
        #expect(try file.error() == .unknownKey(
            file: file.path, line: 4, key: "peroid", context: "sources[0].columns", suggestion: "period"))
    }

    @Test func unitsSourceColumnsAreUnitFields() throws {
        let config = try PipelineFile("""
            sources:
              - {name: counts, path: counts.csv}
              - {name: units, kind: units, path: units.csv, columns: {name: 单位名称, parent_id: 上级代码}}
            metrics: {documents: {target: 0.3}}
            baseline: previous_year
            """).load()
        #expect(config.sources[1].columns == ["name": "单位名称", "parent_id": "上级代码"])
    }

    // MARK: Values

    @Test func wrongTypeSaysWhatIsExpected() throws {
        let file = try PipelineFile(minimal(metrics: "  documents: {target: abc}"))
        let error = try file.error()
        #expect(error == .invalidValue(
            file: file.path, line: 5, key: "metrics.documents.target",
            expected: "a reduction rate > 0 and ≤ 1, such as 0.30", found: "'abc'"))
        #expect(error.description
            == "\(file.path):5: key 'metrics.documents.target': expected a reduction rate > 0 and ≤ 1, such as 0.30, found 'abc'")
        #expect(!error.description.contains("\n"))
    }

    @Test func targetAndCapTogetherAreRefused() throws {
        let file = try PipelineFile(minimal(metrics: "  documents: {target: 0.3, cap: 2}"))
        guard case .invalidValue(_, 5, "metrics.documents.cap", let expected, _) = try file.error() else {
            Issue.record("expected invalidValue on metrics.documents.cap")
            return
        }
        #expect(expected == "either target or cap, not both")
    }

    @Test(arguments: [
        "  documents: {target: 1.5}",  // a reduction above 100%
        "  documents: {target: 0}",
        "  documents: {cap: -1}",
        "  survey: {direction: up, cap: 3}",
        "  documents: {weight: -0.1, target: 0.3}",
        "  documents: {direction: sideways}",
        "  documents: {granularity: week}",
        "  period: {target: 0.3}",  // a field name, not a metric name
    ])
    func metricValuesOutOfRange(metrics: String) throws {
        let file = try PipelineFile(minimal(metrics: metrics))
        guard case .invalidValue(_, 5, let key, _, _) = try file.error() else {
            Issue.record("expected invalidValue on line 5")
            return
        }
        #expect(key.hasPrefix("metrics."))
    }

    @Test func countingWordIsRead() throws {
        let config = try PipelineFile(minimal(metrics: """
              documents: {target: 0.3, unit: 件}
              calls: {weight: 1}
            """)).load()
        #expect(config.settings.metrics[0].countingWord == "件")
        #expect(config.settings.metrics[1].countingWord == nil)
    }

    @Test(arguments: ["  documents: {target: 0.3, unit: \"\"}", "  documents: {target: 0.3, unit: \"\\e[2J\"}"])
    func blankOrControlCountingWordIsRefused(metrics: String) throws {
        guard case .invalidValue(_, 5, "metrics.documents.unit", _, _) = try PipelineFile(minimal(metrics: metrics)).error() else {
            Issue.record("expected invalidValue on metrics.documents.unit, line 5")
            return
        }
    }

    @Test func upTargetIsALevel() throws {
        let config = try PipelineFile(minimal(metrics: "  survey: {direction: up, aggregate: mean, target: 80}")).load()
        #expect(config.settings.metrics[0].rule == .target(80))
    }

    @Test func weightsMustNotAllBeZero() throws {
        let file = try PipelineFile(minimal(metrics: """
              documents: {target: 0.3, weight: 0}
              meetings: {target: 0.3, weight: 0}
              calls: {weight: 5}
            """))
        guard case .invalidValue(_, 4, "metrics", let expected, _) = try file.error() else {
            Issue.record("expected invalidValue on metrics, line 4")
            return
        }
        #expect(expected.contains("weights must not all be 0"))
    }

    @Test func capOnAnUpMetricInACategoryIsRefused() throws {
        let file = try PipelineFile(minimal(
            "categories: {school: {caps: {survey: 3}}}",
            metrics: "  survey: {direction: up, target: 80}"))
        guard case .invalidValue(_, 7, "categories.school.caps.survey", _, _) = try file.error() else {
            Issue.record("expected invalidValue on categories.school.caps.survey")
            return
        }
    }

    @Test(arguments: [
        ("max_rejected: 1.5", "max_rejected"),
        ("stale_after: 0", "stale_after"),
        ("derive_parents: maybe", "derive_parents"),
        ("rebound: {months: 0}", "rebound.months"),
        ("rebound: {threshold: -0.1}", "rebound.threshold"),
        ("grades: []", "grades"),
        ("grades: [{name: A, min: 50}, {name: B, min: 60}]", "grades[1].min"),
        ("outputs: {formats: [csv, pdf]}", "outputs.formats[1]"),
        ("evaluation: {months: 0}", "evaluation.months"),
        ("evaluation: {months: 12, from: 2020-01}", "evaluation.from"),
    ])
    func otherValuesOutOfRange(extra: String, key: String) throws {
        let file = try PipelineFile(minimal(extra))
        guard case .invalidValue(_, 7, let found, _, _) = try file.error() else {
            Issue.record("expected invalidValue on line 7")
            return
        }
        #expect(found == key)
    }

    // MARK: Sources

    /// HTTP(S) sources are read (their keys are tested in JianfuHTTPTests); other schemes are not.
    @Test func httpSourcesKeepTheirURL() throws {
        let config = try PipelineFile(minimal().replacingOccurrences(of: "path: counts.csv", with: "url: https://example.org/counts.csv")).load()
        #expect(config.sources[0].path == "https://example.org/counts.csv")
        let file = try PipelineFile(minimal().replacingOccurrences(of: "path: counts.csv", with: "url: ftp://example.org/counts.csv"))
        guard case .invalidValue(_, 3, "sources[0].url", let expected, "'ftp://example.org/counts.csv'") = try file.error() else {
            Issue.record("expected invalidValue on sources[0].url")
            return
        }
        #expect(expected.contains("an http://, https:// or file:// URL"))
    }

    @Test func fileURLIsAPath() throws {
        let config = try PipelineFile(minimal().replacingOccurrences(of: "path: counts.csv", with: "url: file:///data/x/../counts%20v2.csv")).load()
        #expect(config.sources[0].path == "/data/counts v2.csv")
    }

    @Test(arguments: [
        (#"delimiter: "\t""#, UInt8(ascii: "\t")),
        (#"delimiter: '\t'"#, UInt8(ascii: "\t")),
        ("delimiter: tab", UInt8(ascii: "\t")),
        ("delimiter: ';'", UInt8(ascii: ";")),
        ("delimiter: semicolon", UInt8(ascii: ";")),
        ("delimiter: ','", UInt8(ascii: ",")),
    ])
    func delimiterSpellings(setting: String, byte: UInt8) throws {
        let yaml = minimal().replacingOccurrences(of: "path: counts.csv", with: "path: counts.csv\n    \(setting)")
        #expect(try PipelineFile(yaml).load().sources[0].delimiter == byte)
    }

    @Test(arguments: [("utf8", SourceEncoding.utf8), ("UTF-8", .utf8), ("gbk", .gb18030), ("GB18030", .gb18030)])
    func encodingSpellings(setting: String, encoding: SourceEncoding) throws {
        let yaml = minimal().replacingOccurrences(of: "path: counts.csv", with: "path: counts.csv\n    encoding: \(setting)")
        #expect(try PipelineFile(yaml).load().sources[0].encoding == encoding)
    }

    @Test func sourceWithoutPathIsMissingIt() throws {
        let file = try PipelineFile(minimal().replacingOccurrences(of: "    path: counts.csv\n", with: "    layout: wide\n"))
        #expect(try file.error() == .missingKey(file: file.path, line: 2, key: "path", context: "sources[0]"))
    }

    @Test func sourceNamesAreUnique() throws {
        let file = try PipelineFile(minimal().replacingOccurrences(
            of: "path: counts.csv", with: "path: counts.csv\n  - {name: counts, path: more.csv}"))
        #expect(try file.error() == .invalidValue(
            file: file.path, line: 4, key: "sources[1].name", expected: "a name no other source has", found: "'counts'"))
    }

    @Test func anObservationsSourceIsRequired() throws {
        let file = try PipelineFile(minimal().replacingOccurrences(of: "path: counts.csv", with: "path: counts.csv\n    kind: units"))
        guard case .invalidValue(_, 1, "sources", _, "only units sources") = try file.error() else {
            Issue.record("expected invalidValue on sources")
            return
        }
    }

    // MARK: The file itself

    @Test func yamlSyntaxErrorHasItsLine() throws {
        let file = try PipelineFile("""
            sources:
              - name: counts
                path: counts.csv
            metrics:
              documents: {target: 0.3}
             baseline: previous_year
            """)
        guard case .syntax(let path, 6, let message) = try file.error() else {
            Issue.record("expected a syntax error on line 6, the badly indented key")
            return
        }
        #expect(path == file.path)
        #expect(!message.contains("\n"))
    }

    @Test func duplicateKeyIsASyntaxError() throws {
        let file = try PipelineFile(minimal("baseline: previous_year"))
        guard case .syntax(_, let line, let message) = try file.error() else {
            Issue.record("expected a syntax error")
            return
        }
        #expect(line == 6)  // Yams marks the first of the two
        #expect(message.contains("'baseline'"))
    }

    @Test func emptyFileNeedsSources() throws {
        let file = try PipelineFile("# nothing yet\n")
        #expect(try file.error() == .missingKey(file: file.path, line: 1, key: "sources", context: "the pipeline"))
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let config = try PipelineFile("\u{FEFF}" + minimal()).load()
        #expect(config.sources.count == 1)
    }

    @Test func missingFileIsUnreadable() throws {
        #expect(throws: PipelineError.unreadable(file: "/nonexistent/x.yml", reason: "no such file")) {
            try PipelineLoader.load(path: "/nonexistent/x.yml")
        }
    }

    @Test func errorsNameThePathAsGiven() throws {
        let file = try PipelineFile(minimal("metircs: {}"))
        // Not standardized: the user finds in the message what they typed.
        let given = file.root + "/pipelines/../pipelines/demo.yml"
        #expect(throws: PipelineError.unknownKey(file: given, line: 7, key: "metircs", context: "the pipeline", suggestion: "metrics")) {
            try PipelineLoader.load(path: given)
        }
    }

    @Test func suggestionDistance() {
        #expect(KeySuggestion.distance("metircs", "metrics") == 1)
        #expect(KeySuggestion.distance("dirction", "direction") == 1)
        #expect(KeySuggestion.distance("Grades", "grades") == 0)
        #expect(KeySuggestion.nearest(to: "baseine", in: PipelineLoader.keys) == "baseline")
        #expect(KeySuggestion.nearest(to: "xyz", in: PipelineLoader.keys) == nil)
    }
}

/// Pipeline files written to hurt (issue 11): an alias bomb, a file too large, a category that
/// no unit has.
@Suite struct HostilePipelineFileTests {
    /// The issue's reproducer: anchors nested `depth` levels, nine aliases each, and a mapping
    /// whose keys are the two deepest. Yams expanded and hashed the keys whole: 17.6 s at depth
    /// 7, nine times more per level.
    static func aliasBomb(depth: Int) -> String {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        for level in 1...depth {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        lines.append("y: {? *a\(depth) : 1, ? *a\(depth - 1) : 2}")
        return lines.joined(separator: "\n")
    }

    @Test func anAliasBombIsRefusedAtItsFirstAnchor() throws {
        // minimal() is 6 lines; the bomb starts on line 7 with the anchor &a0.
        let file = try PipelineFile(minimal(Self.aliasBomb(depth: 7)))
        let error = try file.error()
        #expect(error == .anchorOrAlias(file: file.path, line: 7, written: "&a0"))
        #expect("\(error)" == "\(file.path):7: &a0: YAML anchors (&name) and aliases (*name) are not accepted in a pipeline file; write the value out where it is used")
    }

    @Test func anAliasAloneIsRefused() throws {
        // No anchor at all: the alias is refused as written, before Yams says it is undefined.
        let file = try PipelineFile(minimal("name: *label"))
        #expect(try file.error() == .anchorOrAlias(file: file.path, line: 7, written: "*label"))
    }

    @Test func ampersandsAndStarsInTextAreNotAnchors() throws {
        // In quotes, inside a plain scalar, in a block scalar and in a comment, & and * are text.
        let file = try PipelineFile("""
            name: "R&D *weekly* &x"   # a comment with &anchor and *alias
            sources:
              - {name: counts, path: counts.csv}
            metrics:
              documents: {label: R&D *x, target: 0.30}
              meetings:
                label: |
                  &not *an alias
                target: 0.30
            baseline: previous_year
            """)
        let config = try file.load()
        #expect(config.name == "R&D *weekly* &x")
        #expect(config.settings.metrics.map(\.label) == ["R&D *x", "&not *an alias\n"])
    }

    @Test func aFileOverOneMiBIsRefusedUnread() throws {
        // 104 858 comment lines of 10 bytes: 1 048 580 bytes > 1 MiB (1 048 576) before the keys.
        let file = try PipelineFile(String(repeating: "# padding\n", count: 104_858) + minimal())
        #expect(try file.error() == .unreadable(file: file.path, reason: "it is larger than 1 MiB, the most a pipeline file may be"))
        // 100 000 lines (1 000 000 bytes) and the 6 lines of minimal(): under the limit, read.
        #expect(try PipelineFile(String(repeating: "# padding\n", count: 100_000) + minimal()).load().sources.count == 1)
    }

    @Test func aDeviceIsReadOnlyUpToTheLimit() throws {
        // /dev/zero never ends; the loader stops one byte past 1 MiB.
        #expect(throws: PipelineError.unreadable(file: "/dev/zero", reason: "it is larger than 1 MiB, the most a pipeline file may be")) {
            try PipelineLoader.load(path: "/dev/zero")
        }
    }

    @Test func categoryKeysKeepTheirLines() throws {
        let file = try PipelineFile(minimal("""
            categories:
              乡村: {targets: {documents: 0.5}}
              township: {weights: {documents: 2}}
            """))
        #expect(try file.load().categoryKeys == [
            ConfigKey(file: file.path, line: 8, key: "乡村"), ConfigKey(file: file.path, line: 9, key: "township"),
        ])
    }

    @Test func aCategoryNoUnitHasIsRefusedWithTheExistingOnes() throws {
        let units = [
            MonitoredUnit(id: "T1", category: "township"), MonitoredUnit(id: "V1", category: "村"),
            MonitoredUnit(id: "V2", category: "村"), MonitoredUnit(id: "X"),
        ]
        let typo = [ConfigKey(file: "p.yml", line: 8, key: "township"), ConfigKey(file: "p.yml", line: 9, key: "乡村")]
        var thrown: Error?
        do { try CategoriesSection.checkUsed(typo, units: units) } catch { thrown = error }
        // 乡村 → 村 is one deletion: suggested. The categories in the order the units give them.
        #expect(thrown as? PipelineError == .unusedCategory(file: "p.yml", line: 9, category: "乡村", known: ["township", "村"], suggestion: "村"))
        #expect(thrown.map { "\($0)" } == "p.yml:9: key 'categories.乡村': no unit has the category '乡村', so its settings would apply to nothing; the units' categories are 'township', '村'; did you mean '村'?")
        // Every key used: no error. No categories: nothing to check.
        try CategoriesSection.checkUsed([ConfigKey(file: "p.yml", line: 8, key: "村")], units: units)
        try CategoriesSection.checkUsed([], units: [])
        // Units without categories (no units source): every entry is unused, and the error says why.
        #expect(throws: PipelineError.unusedCategory(file: "p.yml", line: 8, category: "村", known: [], suggestion: nil)) {
            try CategoriesSection.checkUsed([ConfigKey(file: "p.yml", line: 8, key: "村")], units: [MonitoredUnit(id: "V1")])
        }
    }
}
