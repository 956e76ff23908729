import Foundation
import JianfuModel
import Logging
import Testing

@testable import JianfuPipeline

/// The stages of `jianfu run` one by one (docs/architecture.md "The stages of a run"): each
/// takes what the one before made, and only publish touches the report folder.
@Suite struct RunStagesTests {
    /// Two units, one metric: A 10 → 6 (a 40 % reduction), B 20 → 20; one row whose value is
    /// not a number.
    static let counts = """
        unit_id,period,metric,value
        A,2018-01,documents,10
        A,2019-01,documents,6
        B,2018-01,documents,20
        B,2019-01,documents,20
        B,2019-02,documents,many

        """

    static func pipeline(maxRejected: String) -> String {
        """
        name: stages
        sources:
          - {name: counts, path: counts.csv}
        metrics:
          documents: {label: 发文, direction: down, aggregate: sum, target: 0.3}
        baseline:   {from: 2018-01, to: 2018-12}
        evaluation: {months: 1}
        max_rejected: \(maxRejected)
        outputs: {dir: out, formats: [csv]}

        """
    }

    /// A folder with `counts.csv` and `pipeline.yml`, and the runner of that pipeline.
    static func runner(maxRejected: String) throws -> (folder: String, runner: PipelineRunner) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-stages-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try counts.write(toFile: folder + "/counts.csv", atomically: true, encoding: .utf8)
        try pipeline(maxRejected: maxRejected).write(toFile: folder + "/pipeline.yml", atomically: true, encoding: .utf8)
        let config = try PipelineLoader.load(path: folder + "/pipeline.yml")
        return (folder, PipelineRunner(config: config, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
    }

    @Test func eachStageTakesWhatTheOneBeforeMade() throws {
        let (folder, runner) = try Self.runner(maxRejected: "0.25")
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let ingestion = try runner.ingest()
        // 5 data rows, the last rejected: 4 observations.
        #expect(DataQuality(sources: ingestion.reports) == DataQuality(rowsRead: 5, rowsRejected: 1, observations: 4))
        #expect(ingestion.rejections.map(\.line) == [6])

        // 1 rejected of 5 read is 0.2, within 0.25.
        var admitted = try runner.gate(ingestion)
        let table = admitted.takeTable()
        #expect(admitted.table.unitCount == 0, "the ingestion gives its table up to the evaluation")
        let evaluated = try runner.evaluate(admitted, table: table, store: nil)
        let rates = evaluated.evaluation.units.map { ($0.unit.id, $0.metrics[0].reductionRate) }
        #expect(rates.map(\.0) == ["A", "B"])
        // (10 − 6) / 10 = 0.4; (20 − 20) / 20 = 0.
        #expect(rates.map(\.1) == [0.4, 0])
        #expect(evaluated.run.quality.rowsRejected == 1)
        #expect(evaluated.run.ledger == nil, "the ledger is made beside the writers, in the render stage")

        let rendered = try runner.render(evaluated, store: nil)
        #expect(rendered.evaluated.run.ledger != nil, "without a store every alert is new, and the ledger says so")
        #expect(FileManager.default.fileExists(atPath: rendered.folder.staging + "/indicators.csv"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"), "render writes only the staging folder")

        let outcome = try runner.publish(rendered, store: nil)
        #expect(outcome.outputDirectory == folder + "/out")
        let rejected = try String(contentsOfFile: folder + "/out/rejected.csv", encoding: .utf8)
        #expect(rejected.split(separator: "\n").count == 2, "the header and the row of line 6")
        #expect(!FileManager.default.fileExists(atPath: rendered.folder.staging), "the staging folder is the report now")
    }

    /// The pipeline above writes CSV with `series.csv` (the default): the run keeps the
    /// series for it. Without `series.csv` and HTML no output reads them, and the run lets them
    /// go before writing — the indicators are the same.
    @Test func theSeriesGoBeforeWritingWhenNoOutputReadsThem() throws {
        let (folder, runner) = try Self.runner(maxRejected: "0.25")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(runner.readsSeries)
        var config = runner.config
        config.writesSeries = false
        #expect(!PipelineRunner(config: config, logger: runner.logger).readsSeries)
        config.formats.insert(.html)
        #expect(PipelineRunner(config: config, logger: runner.logger).readsSeries, "the HTML charts read them")

        var evaluation = try runner.evaluate(runner.ingest())
        // A's series: 10 in 2018-01, 6 in 2019-01.
        #expect(evaluation.series[0][0].map(\.value) == [10, 6])
        evaluation.dropSeries()
        #expect(evaluation.series.isEmpty)
        #expect(evaluation.units.map { $0.metrics[0].reductionRate } == [0.4, 0])
    }

    @Test func theGateStopsTheRunBeforeTheReportFolderIsTouched() throws {
        let (folder, runner) = try Self.runner(maxRejected: "0.1")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ingestion = try runner.ingest()
        // 1 rejected of 5 read is 0.2, over 0.1: exit 3.
        #expect {
            try runner.gate(ingestion)
        } throws: { error in
            guard case RunError.qualityGate(let share, let limit, let rejected, let rowsRead, _) = error else { return false }
            return share == 0.2 && limit == 0.1 && rejected == 1 && rowsRead == 5
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
        #expect(FileManager.default.fileExists(atPath: folder + "/out.rejected.csv"), "the rejected rows are listed beside it")
    }
}
