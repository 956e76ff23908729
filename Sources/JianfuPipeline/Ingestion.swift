import Foundation
import JianfuIndicators
import JianfuIngest
import JianfuModel
import JianfuReports
import Logging

/// What the ingest stage of a run makes (`PipelineRunner.ingest()`, or `StoreRun.ingest()` with a
/// state store): every source read into one observation table, the units and their hierarchy,
/// and what each source held (SPEC §1, §4, §5).
package struct Ingestion: Sendable {
    package var table: ObservationTable
    /// `units[i]` is the table's unit `i`.
    package var units: [MonitoredUnit]
    package var hierarchy: Hierarchy
    package var reports: [SourceReport]
    package var rejections: [Rejection]
    /// Units whose `parent_id` names no unit (they are treated as roots).
    package var orphanWarnings: [String]
    /// Per source: its fingerprint and whether it was read again (with a state store).
    package var manifest: [String: SourceManifest] = [:]
    /// The stored values this run's reads replaced (with a state store, SPEC §6
    /// `corrections.csv`); empty with `state: none`.
    package var replaced: [Correction] = []
    /// The latest month with data (`Windows.latestMonth`): the table's, or with a state store
    /// the store's (a night may read only the periods its windows need).
    package var latestMonth: Int?

    /// The table, taken out: the ingestion keeps an empty one, so that the caller holds the
    /// only copy and its grid is freed with it (the run's evaluate stage).
    package mutating func takeTable() -> ObservationTable {
        let taken = table
        table = ObservationTable(metrics: taken.metrics)
        return taken
    }

    /// Reads every source of `config`: HTTP sources are fetched first (into local copies, so a
    /// network fault stops the run before any row is read), then units sources are read (so
    /// data rows can be checked against them), then the observation sources in pipeline order
    /// (later sources override earlier ones). Periods after `currentMonth` are rejected as
    /// future. `logger` hears the fetches (retries, 304s, `insecure` warnings).
    package static func run(
        _ config: PipelineConfig, currentMonth: Int,
        logger: Logger = Logger(label: "jianfu", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws -> Ingestion {
        let sources = try config.sources.map { try $0.fetched(logger: logger) }
        var table = ObservationTable(metrics: config.settings.metrics)
        var reports: [SourceReport] = []
        var rejections: [Rejection] = []
        var lists: [[MonitoredUnit]] = []
        for spec in sources where spec.kind == .units {
            let result = try UnitsReader.read(spec)
            lists.append(result.units)
            rejections += Self.namingCells(result.rejections[...], of: spec)
            reports.append(result.report)
        }
        let declared = merge(lists)
        try CategoriesSection.checkUsed(config.categoryKeys, units: declared)
        let unitsDeclared = !sources.filter { $0.kind == .units }.isEmpty
        for unit in declared { _ = table.unitIndex(unit.id) }
        for (i, spec) in sources.enumerated() where spec.kind == .observations {
            let reader = Self.reader(spec, index: i, unitsDeclared: unitsDeclared, currentMonth: currentMonth)
            let before = rejections.count
            reports.append(try reader.read(into: &table, rejections: &rejections))
            rejections.replaceSubrange(before..., with: Self.namingCells(rejections[before...], of: spec))
        }
        reports.sort(by: pipelineOrder(config))
        return try assemble(table: table, declared: unitsDeclared ? declared : nil, reports: reports, rejections: rejections, config: config)
    }

    /// The reader of observations source `index` (its position in the pipeline). A rendered
    /// source (JSON) is read in one pass: the parallel reader cuts a file's own bytes, which
    /// are not CSV there.
    static func reader(_ spec: SourceSpec, index: Int, unitsDeclared: Bool, currentMonth: Int) -> ObservationReader {
        ObservationReader(
            spec: spec, sourceIndex: UInt16(index), unitsDeclared: unitsDeclared, currentMonth: currentMonth,
            threads: spec.filePath == nil ? 1 : nil)
    }

    /// The rejections of an `.xlsx` source with their sheet and cell (`乡镇!C7`), which their
    /// sentences name first (`RejectionMessages`), and their `line` the row in that sheet (the
    /// same as the rendered line unless `sheets: all` read several sheets); others as they are.
    static func namingCells(_ rejections: ArraySlice<Rejection>, of spec: SourceSpec) -> [Rejection] {
        guard let xlsx = spec.bytes as? XLSXRecordSource else { return Array(rejections) }
        return rejections.map { rejection in
            var named = rejection
            if let cell = xlsx.cellReference(line: rejection.line, field: rejection.field) {
                named.cell = cell
                if let row = xlsx.place(ofLine: rejection.line)?.row { named.line = row }
            }
            return named
        }
    }

    /// The units of the units sources, read in pipeline order: a later source's entry for a
    /// unit corrects an earlier one's, in its place.
    static func merge(_ lists: [[MonitoredUnit]]) -> [MonitoredUnit] {
        var declared: [MonitoredUnit] = []
        var index: [UnitKey: Int] = [:]
        for unit in lists.joined() {
            if let i = index[UnitKey(unit.id)] {
                declared[i] = unit
            } else {
                index[UnitKey(unit.id)] = declared.count
                declared.append(unit)
            }
        }
        return declared
    }

    /// Orders source reports as the pipeline lists the sources.
    static func pipelineOrder(_ config: PipelineConfig) -> (SourceReport, SourceReport) -> Bool {
        let position = Dictionary(uniqueKeysWithValues: config.sources.enumerated().map { ($1.name, $0) })
        return { (position[$0.name] ?? 0) < (position[$1.name] ?? 0) }
    }

    /// The units of a filled table and their hierarchy (SPEC §1 "Units", §4): the declared units
    /// when there is a units source (named from the data where the units source gives no name),
    /// else the units the data named.
    static func assemble(
        table: ObservationTable, declared: [MonitoredUnit]?, reports: [SourceReport], rejections: [Rejection], config: PipelineConfig
    ) throws -> Ingestion {
        var units: [MonitoredUnit]
        if let declared {
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
        return Ingestion(
            table: table, units: units, hierarchy: hierarchy, reports: reports, rejections: rejections, orphanWarnings: warnings,
            latestMonth: Windows.latestMonth(in: table))
    }
}
