import JianfuModel

/// How a source's bytes are laid out (SPEC §1 "Observations").
public enum Layout: String, Sendable {
    /// One row per observation: `unit_id,period,metric,value`.
    case long
    /// One row per (unit, period), one column per metric.
    case wide
}

/// The character encoding of a source (SPEC §1): `auto` detects UTF-8 or GB18030.
public enum SourceEncoding: String, Sendable {
    case auto
    case utf8 = "utf-8"
    case gb18030
}

/// What a source holds: observations, or the units list.
public enum SourceKind: String, Sendable {
    case observations
    case units
}

/// One source of a pipeline, as ingest needs it: where its bytes are and how to read them.
public struct SourceSpec: Sendable {
    public var name: String
    public var kind: SourceKind
    /// Absolute path of the file.
    public var path: String
    public var layout: Layout
    public var encoding: SourceEncoding
    public var delimiter: UInt8
    /// Field name → header in the file. A field not mapped is looked up under its own name.
    public var columns: [String: String]

    public init(
        name: String, kind: SourceKind = .observations, path: String, layout: Layout = .long,
        encoding: SourceEncoding = .auto, delimiter: UInt8 = UInt8(ascii: ","), columns: [String: String] = [:]
    ) {
        self.name = name
        self.kind = kind
        self.path = path
        self.layout = layout
        self.encoding = encoding
        self.delimiter = delimiter
        self.columns = columns
    }

    /// The header a field is read from.
    public func header(for field: String) -> String { columns[field] ?? field }
}
