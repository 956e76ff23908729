import Foundation
@testable import JianfuPipeline
import JianfuReports
import Testing

/// The reference in `docs/` names every public contract: each key the pipeline loader accepts
/// in `docs/pipeline.md`, each output column in `docs/outputs.md` (issue 16: docs that stand
/// alone, checked so they cannot drift).
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func doc(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("docs/\(name)"), encoding: .utf8)
    }

    @Test func everyPipelineKeyIsInPipelineMD() throws {
        let text = try Self.doc("pipeline.md")
        let keys = PipelineLoader.keys + SourcesSection.keys + MetricsSection.keys + ReboundSection.keys + GradesSection.keys
            + OutputsSection.keys + CategoriesSection.keys + BulletinSection.keys + StateSection.keys + OutputFormat.allCases.map(\.rawValue)
        let missing = Set(keys).filter { !text.contains("`\($0)`") && !text.contains("`\($0):") && !text.contains("{\($0):") && !text.contains(" \($0):") }
        #expect(missing.isEmpty, "docs/pipeline.md does not name: \(missing.sorted())")
    }

    @Test func everyOutputColumnIsInOutputsMD() throws {
        let text = try Self.doc("outputs.md")
        let columns = IndicatorsCSVWriter.header + ScoresCSVWriter.header + SeriesCSVWriter.header + AlertsCSVWriter.header
            + RejectedCSVWriter.header + CorrectionsCSVWriter.header
        let missing = Set(columns).filter { !text.contains($0) }
        #expect(missing.isEmpty, "docs/outputs.md does not name: \(missing.sorted())")
    }
}
