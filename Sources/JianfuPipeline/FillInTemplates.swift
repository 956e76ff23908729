import Foundation
import Glibc
import JianfuIndicators
import JianfuIngest
import JianfuModel
import JianfuReports
import Logging

/// `jianfu template`: the fill-in workbooks (填报模板, docs/templates.md) of a pipeline's wide
/// source for one period — every unit of the units sources pre-filled (code, name, period), one
/// entry column per metric the source maps, under the headers its `columns:` expects, so that a
/// filled-in workbook is read back by the same pipeline (with the source's `path` pointing at
/// it). With `by` (a unit category such as `township`), one workbook per unit of that category,
/// holding it and every unit under it; units under none of them go into one more workbook
/// (`-其他`).
package struct FillInTemplates: Sendable {
    /// One workbook to write.
    package struct File: Sendable {
        /// The file name: `填报模板-2025-01.xlsx`, `填报模板-2025-01-<code>.xlsx` per group,
        /// `填报模板-2025-01-其他.xlsx` for the units in no group.
        package var name: String
        /// The unit the workbook is for (`--by`), by name; nil for all units or the rest.
        package var group: String?
        package var units: Int
        package var bytes: [UInt8]
    }

    package var files: [File]
    /// Things the user should know (units rows rejected, so missing from the templates).
    package var notes: [String] = []

    /// The file name of the templates of `period`, for the unit with code `group` (or `其他`).
    static func fileName(period: String, group: String?) -> String {
        "填报模板-\(period)" + (group.map { "-" + safeName($0) } ?? "") + ".xlsx"
    }

    /// A unit code as part of a file name: `/`, `\`, control characters and a leading `.`
    /// become `_`.
    static func safeName(_ code: String) -> String {
        var out = String(code.unicodeScalars.map { scalar -> Character in
            scalar == "/" || scalar == "\\" || scalar.properties.generalCategory == .control ? "_" : Character(scalar)
        })
        if out.hasPrefix(".") { out = "_" + out.dropFirst() }
        return out.isEmpty ? "_" : out
    }

    /// The templates of `config`'s wide source (`source`, when the pipeline has several) for
    /// `period` (`2025-01`; a quarter or year when the source's metrics are reported so), one
    /// per unit of category `by` when given.
    package init(
        config: PipelineConfig, period text: String, by category: String?, source name: String?,
        logger: Logger = Logger(label: "jianfu", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        let spec = try Self.wideSource(config, named: name)
        let layout = try Self.layout(spec, config: config)
        guard let period = PeriodParser.parse(text) else { throw TemplateError.badPeriod(text) }
        guard period.granularity == layout.granularity else {
            throw TemplateError.periodGranularity(period: text, source: spec.name, granularity: layout.granularity)
        }

        var lists: [[MonitoredUnit]] = []
        var notes: [String] = []
        for units in config.sources where units.kind == .units {
            let result = try UnitsReader.read(units.fetched(logger: logger))
            lists.append(result.units)
            if !result.rejections.isEmpty {
                notes.append("units source \(units.name): \(result.rejections.count) rows rejected, so not in the templates "
                    + "(jianfu validate lists them)")
            }
        }
        let units = Ingestion.merge(lists)
        guard !units.isEmpty else { throw TemplateError.noUnits(pipeline: config.file) }

        let title = "\(config.name) 填报模板 \(period)"
        // A source reading every sheet: each group's sheet is named after it, so that the filled
        // workbooks' sheets can be gathered into one workbook without a clash.
        let readsAll = (spec.bytes as? XLSXRecordSource)?.sheet == .all
        func template(_ members: [Int], group: MonitoredUnit?) -> FillInTemplate {
            FillInTemplate(
                sheetName: readsAll ? Self.sheetName(group.map { $0.name.isEmpty ? $0.id : $0.name } ?? layout.sheetName) : layout.sheetName,
                title: title + (group.map { " — \($0.name.isEmpty ? $0.id : $0.name)" } ?? ""),
                headerRow: spec.firstLine, unitIDHeader: spec.header(for: "unit_id"), unitNameHeader: spec.header(for: "unit_name"),
                periodHeader: spec.header(for: "period"), period: period.description,
                units: members.map { (units[$0].id, units[$0].name) }, metrics: layout.metrics)
        }
        // The first day of the period: the same template for the same period is the same bytes.
        let created = Date(timeIntervalSince1970: Self.epochSeconds(ofMonth: period.firstMonthOrdinal))
        let author = config.bulletin.issuer ?? config.name
        func file(_ members: [Int], group: MonitoredUnit?, code: String?) -> File {
            File(name: Self.fileName(period: period.description, group: code), group: group?.name, units: members.count,
                 bytes: template(members, group: group).bytes(author: author, created: created))
        }

        guard let category else {
            files = [file(Array(units.indices), group: nil, code: nil)]
            self.notes = notes
            return
        }
        let hierarchy: Hierarchy
        do {
            hierarchy = try Hierarchy(units: units, deriveFromCodes: config.deriveParents)
        } catch let error as Hierarchy.CycleError {
            throw RunError.hierarchy(error.description)
        }
        // Each unit's group: itself or its nearest ancestor of the category.
        let groupOf: [Int?] = units.indices.map { unit in
            var at: Int? = unit
            var steps = 0
            while let u = at, steps <= units.count {
                if units[u].category == category { return u }
                at = hierarchy.parent[u]
                steps += 1
            }
            return nil
        }
        let heads = units.indices.filter { units[$0].category == category }
        guard !heads.isEmpty else {
            let known = Array(Set(units.map(\.category).filter { !$0.isEmpty })).sorted()
            throw TemplateError.noUnitOfCategory(category: category, known: known)
        }
        var files = heads.map { head in
            file(units.indices.filter { groupOf[$0] == head }, group: units[head], code: units[head].id)
        }
        let rest = units.indices.filter { groupOf[$0] == nil }
        if !rest.isEmpty { files.append(file(rest, group: nil, code: "其他")) }
        self.files = files
        self.notes = notes
    }

    /// `name` as a sheet may be named: without `[ ] : * ? / \`, not blank, at most 31 characters.
    static func sheetName(_ name: String) -> String {
        let kept = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        return kept.trimmingCharacters(in: .whitespaces).isEmpty ? "填报" : kept
    }

    /// The wide observations source the templates are for.
    static func wideSource(_ config: PipelineConfig, named name: String?) throws -> SourceSpec {
        let wide = config.sources.filter { $0.kind == .observations && $0.layout == .wide }
        if let name {
            guard let spec = wide.first(where: { $0.name == name }) else {
                throw TemplateError.unknownSource(name: name, wide: wide.map(\.name))
            }
            return spec
        }
        guard let spec = wide.first else { throw TemplateError.noWideSource(pipeline: config.file) }
        guard wide.count == 1 else { throw TemplateError.severalWideSources(names: wide.map(\.name)) }
        return spec
    }

    /// The sheet name, the entry columns and their granularity of source `spec`.
    static func layout(_ spec: SourceSpec, config: PipelineConfig) throws
        -> (sheetName: String, metrics: [FillInTemplate.MetricColumn], granularity: Granularity) {
        var sheetName = "填报"
        if let xlsx = spec.bytes as? XLSXRecordSource {
            switch xlsx.sheet {
            case .named(let text) where Int(text) == nil: sheetName = text
            case .named(let text) where text != "1": throw TemplateError.sheetPosition(source: spec.name, sheet: text)
            case .position(let n) where n != 1: throw TemplateError.sheetPosition(source: spec.name, sheet: "\(n)")
            default: break
            }
        }
        let metrics = config.settings.metrics
        // The metrics `columns:` maps; a source that maps none reads each under its own name.
        let mapped = metrics.filter { spec.columns[$0.id] != nil }
        let chosen = mapped.isEmpty ? metrics : mapped
        let granularity = chosen[0].granularity
        if let other = chosen.first(where: { $0.granularity != granularity }) {
            throw IngestError.mixedGranularity(source: spec.name, path: spec.path, first: chosen[0].id, other: other.id)
        }
        let columns = chosen.map { metric in
            FillInTemplate.MetricColumn(
                header: spec.header(for: metric.id), label: metric.label, countingWord: metric.countingWord,
                entry: metric.isCount ? .count : metric.direction == .up ? .score : .number)
        }
        return (sheetName, columns, granularity)
    }

    /// Midnight UTC of the first day of the month with ordinal `month` (`year * 12 + month - 1`).
    static func epochSeconds(ofMonth month: Int) -> Double {
        var parts = DateComponents()
        parts.year = month / 12
        parts.month = month % 12 + 1
        parts.day = 1
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: parts)?.timeIntervalSince1970 ?? 0
    }

    /// Writes the files into `folder` (created when missing). jianfu overwrites no file it did
    /// not write, and a filled-in template is someone's work: a file already there with other
    /// bytes than this template's refuses the whole command before anything is written; one
    /// with the same bytes (the same template written before) is left as it is. Each file is
    /// written beside its place and linked into it, so a file that appears meanwhile is not
    /// overwritten either. Returns per file its path and whether it was already there.
    package func write(to folder: String) throws -> [(path: String, unchanged: Bool)] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RunError.output(
                path: folder, reason: OutputDirectory.fileInTheWay(of: folder) ?? "cannot create it: \((error as NSError).localizedDescription)")
        }
        var unchanged: [Bool] = []
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file.name)
            var info = stat()
            guard lstat(path, &info) == 0 else { unchanged.append(false); continue }
            guard (info.st_mode & S_IFMT) == S_IFREG, let existing = FileManager.default.contents(atPath: path), [UInt8](existing) == file.bytes else {
                throw TemplateError.fileInTheWay(path: path)
            }
            unchanged.append(true)
        }
        var written: [(path: String, unchanged: Bool)] = []
        for (file, same) in zip(files, unchanged) {
            let path = (folder as NSString).appendingPathComponent(file.name)
            if !same { try Self.create(path, file.bytes) }
            written.append((path, same))
        }
        return written
    }

    /// Writes `bytes` to a new file at `path`: into `.NAME.tmp-PID` beside it, then linked to
    /// `path` (which fails, rather than replaces, when `path` exists).
    static func create(_ path: String, _ bytes: [UInt8]) throws {
        let temporary = ((path as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent(".\((path as NSString).lastPathComponent).tmp-\(getpid())")
        unlink(temporary)
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw RunError.output(path: path, reason: "cannot write \(temporary)")
        }
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { throw TemplateError.fileInTheWay(path: path) }
            throw RunError.output(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

/// Why `jianfu template` writes nothing: the pipeline has no wide source or no units, a bad
/// `--period`, `--by` or `--source` (exit 2), or a file in the way (exit 1).
package enum TemplateError: Error, Sendable, Equatable {
    case noWideSource(pipeline: String)
    case severalWideSources(names: [String])
    case unknownSource(name: String, wide: [String])
    case noUnits(pipeline: String)
    case badPeriod(String)
    case periodGranularity(period: String, source: String, granularity: Granularity)
    /// The source reads a sheet by its position (other than 1), which a template cannot name.
    case sheetPosition(source: String, sheet: String)
    case noUnitOfCategory(category: String, known: [String])
    /// A file of that name is there with other bytes than this template (filled in, perhaps).
    case fileInTheWay(path: String)
}

extension TemplateError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .noWideSource(let pipeline):
            "pipeline \(pipeline) has no wide observations source (layout: wide); a template is the sheet such a source reads"
        case .severalWideSources(let names):
            "the pipeline has several wide sources (\(names.joined(separator: ", "))); say which with --source NAME"
        case .unknownSource(let name, let wide):
            "--source \(name) is not a wide observations source of the pipeline"
                + (wide.isEmpty ? " (it has none)" : "; its wide sources are: \(wide.joined(separator: ", "))")
        case .noUnits(let pipeline):
            "pipeline \(pipeline) lists no units (no units source, or an empty one): a template is pre-filled with the units; "
                + "add a source with kind: units"
        case .badPeriod(let text):
            "--period '\(text)' is not a period (expected e.g. 2025-01, 2025Q1 or 2025)"
        case .periodGranularity(let period, let source, let granularity):
            "--period \(period) does not match source \(source), whose metrics are reported by \(granularity); give a \(granularity)"
        case .sheetPosition(let source, let sheet):
            "source \(source) reads sheet \(sheet) by its position, which a one-sheet template cannot have; "
                + "name the sheet in the pipeline (sheet: NAME) to make templates for it"
        case .noUnitOfCategory(let category, let known):
            "--by \(category): no unit has category \(category)"
                + (known.isEmpty ? " (the units have no category)" : "; the units' categories are: \(known.joined(separator: ", "))")
        case .fileInTheWay(let path):
            "\(path) exists and is not this template as jianfu writes it (a filled-in copy, perhaps); jianfu does not "
                + "overwrite it: move it away, or write the templates elsewhere with --dir"
        }
    }
}
