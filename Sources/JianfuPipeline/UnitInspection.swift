import Foundation
import Glibc
import JianfuIndicators
import JianfuModel
import JianfuReports

/// `jianfu unit ID-or-name -p PIPELINE` (SPEC §7): the ad hoc evaluation of one unit. It reads
/// the sources and computes the indicators like a run (ranks need the unit's whole category),
/// but writes no output folder and applies no `max_rejected` gate: nothing is published.
public struct UnitInspection {
    public let evaluation: Evaluation
    /// The unit's index in `evaluation.units`.
    public let unitIndex: Int
    public let hierarchy: Hierarchy
    public let run: RunInfo

    /// Ingests, finds the unit (throwing `UnitLookupError` when the query does not name exactly
    /// one unit), then evaluates.
    public init(runner: PipelineRunner, query: String) throws {
        let ingestion = try runner.ingest()
        let outcome = UnitLookup.find(query, in: ingestion.units)
        guard case .found(let index) = outcome else {
            throw UnitLookupError(query: query, pipeline: runner.config.name, outcome: outcome, units: ingestion.units)
        }
        guard let evaluation = Evaluator.evaluate(
            table: ingestion.table, units: ingestion.units, hierarchy: ingestion.hierarchy, settings: runner.config.settings)
        else { throw RunError.noData(pipeline: runner.config.name) }
        self.evaluation = evaluation
        self.unitIndex = index
        self.hierarchy = ingestion.hierarchy
        self.run = runner.makeRunInfo(ingestion)
    }

    public var unit: UnitEvaluation { evaluation.units[unitIndex] }

    /// The terminal view: indicators, sparklines, alerts; ANSI colour when `colour`.
    public func terminalText(colour: Bool) -> String {
        UnitTerminalReport(self, style: TerminalStyle(enabled: colour)).text
    }

    /// Writes the unit's page alone (self-contained, no links to other pages) to `path`,
    /// through a temporary file beside it, so a reader never sees half a page.
    public func writeHTML(to path: String) throws {
        let out = OutputBuffer()
        UnitPageWriter.standalone(evaluation, unit: unitIndex, hierarchy: hierarchy).write(evaluation, run: run, to: out)
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(out.bytes)) else {
            throw RunError.output(path: path, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw RunError.output(path: path, reason: reason)
        }
    }
}
