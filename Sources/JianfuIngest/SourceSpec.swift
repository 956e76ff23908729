import JianfuModel

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
