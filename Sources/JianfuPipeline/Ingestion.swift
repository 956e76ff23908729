import Foundation
import JianfuIndicators
import JianfuIngest
import JianfuModel
import Logging

/// The ingest stage of a run: every source read into one observation table, the units and
/// their hierarchy, and what each source held (SPEC §1, §4, §5).
public struct Ingestion: Sendable {
    public var table: ObservationTable
    /// `units[i]` is the table's unit `i`.
    public var units: [MonitoredUnit]
    public var hierarchy: Hierarchy
    public var reports: [SourceReport]
    public var rejections: [Rejection]
    /// Units whose `parent_id` names no unit (they are treated as roots).
    public var orphanWarnings: [String]

    /// Reads every source of `config`: HTTP sources are fetched first (into local copies, so a
    /// network fault stops the run before any row is read), then units sources are read (so
    /// data rows can be checked against them), then the observation sources in pipeline order
    /// (later sources override earlier ones). Periods after `latestMonth` are rejected as
    /// future. `logger` hears the fetches (retries, 304s, `insecure` warnings).
    public static func run(
        _ config: PipelineConfig, latestMonth: Int,
        logger: Logger = Logger(label: "jianfu", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws -> Ingestion {
        let sources = try config.sources.map { try $0.fetched(logger: logger) }
        var table = ObservationTable(metrics: config.settings.metrics)
        var reports: [SourceReport] = []
        var rejections: [Rejection] = []
        var declared: [MonitoredUnit] = []
        var declaredIndex: [String: Int] = [:]
        for spec in sources where spec.kind == .units {
            let result = try UnitsReader.read(spec)
            for unit in result.units {
                if let i = declaredIndex[unit.id] {
                    declared[i] = unit  // a later units source corrects an earlier one
                } else {
                    declaredIndex[unit.id] = declared.count
                    declared.append(unit)
                }
            }
            rejections += result.rejections
            reports.append(result.report)
        }
        let unitsDeclared = !sources.filter { $0.kind == .units }.isEmpty
        for unit in declared { _ = table.unitIndex(unit.id) }
        for (i, spec) in sources.enumerated() where spec.kind == .observations {
            // A rendered source (JSON) is read in one pass: the parallel reader cuts a file's own
            // bytes, which are not CSV there.
            let reader = ObservationReader(
                spec: spec, sourceIndex: UInt16(i), unitsDeclared: unitsDeclared, latestMonth: latestMonth,
                threads: spec.filePath == nil ? 1 : nil)
            reports.append(try reader.read(into: &table, rejections: &rejections))
        }
        // Reports in pipeline order.
        reports.sort { a, b in
            (config.sources.firstIndex { $0.name == a.name } ?? 0) < (config.sources.firstIndex { $0.name == b.name } ?? 0)
        }
        var units: [MonitoredUnit]
        if unitsDeclared {
            units = declared
            for (i, name) in table.observedNames.enumerated() where units[i].name.isEmpty { units[i].name = name }
        } else {
            units = (0..<table.unitCount).map { MonitoredUnit(id: table.unitID(Int32($0)), name: table.observedNames[$0]) }
        }
        let hierarchy: Hierarchy
        do {
            hierarchy = try Hierarchy(units: units, deriveFromCodes: config.deriveParents)
        } catch let error as Hierarchy.CycleError {
            throw RunError.hierarchy(error.description)
        }
        let warnings = hierarchy.orphans.map { "unit \(units[$0.unit].id): parent_id \($0.parentID) is not a known unit; treated as a top-level unit" }
        return Ingestion(table: table, units: units, hierarchy: hierarchy, reports: reports, rejections: rejections, orphanWarnings: warnings)
    }

    /// Run totals of the observation sources (SPEC §5).
    public var rowsRead: Int { reports.filter { $0.kind == .observations }.reduce(0) { $0 + $1.rowsRead } }
}
