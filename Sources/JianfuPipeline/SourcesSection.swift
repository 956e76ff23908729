import Foundation
import JianfuIngest
import JianfuModel

/// Reads `sources:` (SPEC §1 "Sources", §2): a list of at least one observations source and any
/// number of units sources, in pipeline order (a key given by two sources takes the later one's
/// value).
///
/// Defaults: `kind: observations`, `layout: long`, `encoding: auto`, `delimiter: ","`. Accepted
/// spellings: `encoding` `utf8` for `utf-8`, `gbk` and `gb2312` for `gb18030` (both are subsets
/// of it); `delimiter` `tab`, `comma`, `semicolon` and the two characters `\t` (what a single-quoted
/// `'\t'` holds) besides the characters themselves; a bare `,` cannot start a YAML value, so it is
/// written `","` or `comma`.
enum SourcesSection {
    static let keys = ["name", "kind", "path", "url", "layout", "encoding", "delimiter", "columns"]
    /// The fields of an observations source (SPEC §1), besides one per declared metric (wide).
    static let observationFields = ["unit_id", "unit_name", "period", "metric", "value"]
    /// The fields of a units source (SPEC §1 "Units").
    static let unitFields = ["unit_id", "name", "category", "parent_id", "responsible"]

    static func read(_ node: ConfigNode, metrics: [Metric], location: PipelineLocation) throws -> [SourceSpec] {
        let items = try node.list("a list of sources, each with a name and a path")
        guard !items.isEmpty else { throw node.invalid("a list of at least one source") }
        var sources: [SourceSpec] = []
        for item in items {
            let source = try self.source(item, metrics: metrics, location: location)
            if sources.contains(where: { $0.name == source.name }) {
                let name = try item.mapping().required("name")
                throw name.invalid("a name no other source has", found: name.found)
            }
            sources.append(source)
        }
        guard sources.contains(where: { $0.kind == .observations }) else {
            throw node.invalid("at least one source of kind observations", found: "only units sources")
        }
        return sources
    }

    private static func source(_ node: ConfigNode, metrics: [Metric], location: PipelineLocation) throws -> SourceSpec {
        let settings = try node.mapping("a source: a mapping with name, path and optional kind, layout, encoding, delimiter, columns")
        try settings.allowOnly(keys)
        let name = try settings.required("name").text("a source name")
        let kind = try settings["kind"]?.choice([("observations", SourceKind.observations), ("units", .units)]) ?? .observations
        let fields = kind == .units ? unitFields : observationFields + metrics.map(\.id)
        return SourceSpec(
            name: name,
            kind: kind,
            path: try path(settings, location: location),
            layout: try settings["layout"]?.choice([("long", Layout.long), ("wide", .wide)]) ?? .long,
            encoding: try settings["encoding"].map(encoding) ?? .auto,
            delimiter: try settings["delimiter"].map(delimiter) ?? UInt8(ascii: ","),
            columns: try settings["columns"].map { try columns($0, fields: fields) } ?? [:])
    }

    /// `path:` relative to the pipeline file, or a `file://` `url:`. HTTP sources (SPEC §1) are not
    /// read by this version and are refused rather than skipped.
    private static func path(_ settings: ConfigMapping, location: PipelineLocation) throws -> String {
        switch (settings["path"], settings["url"]) {
        case (let path?, nil):
            let text = try path.text("a file path, relative to the pipeline file")
            guard !text.isEmpty else { throw path.invalid("a file path, relative to the pipeline file") }
            return location.resolve(text)
        case (nil, let url?):
            let text = try url.text("a file:// URL")
            let lowercased = text.lowercased()
            if lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://") {
                throw url.invalid("a file:// URL or a path (HTTP sources arrive in a later version)")
            }
            guard let parsed = URL(string: text), parsed.scheme?.lowercased() == "file",
                  [nil, "", "localhost"].contains(parsed.host), !parsed.path.isEmpty else {
                throw url.invalid("a file:// URL such as file:///data/counts.csv")
            }
            return location.resolve(parsed.path)
        case (_?, let url?):
            throw url.invalid("either path or url, not both")
        case (nil, nil):
            throw PipelineError.missingKey(file: settings.node.file, line: settings.node.line, key: "path", context: settings.context)
        }
    }

    private static func encoding(_ node: ConfigNode) throws -> SourceEncoding {
        try node.choice(
            [("auto", .auto), ("utf-8", .utf8), ("utf8", .utf8), ("gb18030", .gb18030), ("gbk", .gb18030), ("gb2312", .gb18030)],
            expected: "one of auto, utf-8, gb18030 (or utf8, gbk)")
    }

    private static func delimiter(_ node: ConfigNode) throws -> UInt8 {
        let expected = #"one of ",", ";", "\t" (or comma, semicolon, tab)"#
        switch try node.text(expected).lowercased() {
        case ",", "comma": return UInt8(ascii: ",")
        case ";", "semicolon": return UInt8(ascii: ";")
        case "\t", #"\t"#, "tab": return UInt8(ascii: "\t")
        default: throw node.invalid(expected)
        }
    }

    /// `columns:` field → header. Every field must be one the source reads (SPEC §1), so a typo
    /// is caught here rather than as a column silently never read.
    private static func columns(_ node: ConfigNode, fields: [String]) throws -> [String: String] {
        let mapping = try node.mapping("a mapping of fields to the headers in the file, e.g. {unit_id: 单位代码}")
        var columns: [String: String] = [:]
        for entry in mapping.entries {
            guard fields.contains(entry.key) else { throw mapping.unknownKey(entry, known: fields) }
            columns[entry.key] = try entry.value.text("a header in the file")
        }
        return columns
    }
}
