import JianfuModel

/// One source of a pipeline, as ingest needs it: where its bytes are and how to read them.
package struct SourceSpec: Sendable {
    package var name: String
    package var kind: SourceKind
    /// Where the source is, as messages and the summary name it: the absolute path of the file,
    /// or the URL of an HTTP source.
    package var path: String
    /// Where the bytes are read from: by default the file at `path`; a JSON source renders its
    /// records as CSV (`JSONRecordSource`); an HTTP source reads the copy it fetched.
    package var bytes: any ByteSource
    package var layout: Layout
    package var encoding: SourceEncoding
    package var delimiter: UInt8
    /// Field name → header in the file. A field not mapped is looked up under its own name.
    package var columns: [String: String]
    /// `min_rows`: fewer data rows than this fail the run (an export cut short); nil: any
    /// number, an empty source warned about.
    package var minRows: Int?
    /// The line number of the first record `bytes` yields (the header): 1, or an `.xlsx`
    /// sheet's `header_row`, so that a row's `line` is its row number in the sheet.
    package var firstLine = 1

    /// `bytes` defaults to the file at `path`.
    package init(
        name: String, kind: SourceKind = .observations, path: String, bytes: (any ByteSource)? = nil,
        layout: Layout = .long, encoding: SourceEncoding = .auto, delimiter: UInt8 = UInt8(ascii: ","),
        columns: [String: String] = [:]
    ) {
        self.name = name
        self.kind = kind
        self.path = path
        self.bytes = bytes ?? FileByteSource(path: path, sourceName: name)
        self.layout = layout
        self.encoding = encoding
        self.delimiter = delimiter
        self.columns = columns
    }

    /// The local file the bytes are read from as they stand (`path`, or the fetched copy of an
    /// HTTP source), or `nil` when they are rendered from something else (a JSON source). A
    /// reader that opens the file itself must open this one, not `path`.
    package var filePath: String? { (bytes as? FileByteSource)?.path }

    /// The header a field is read from.
    package func header(for field: String) -> String { columns[field] ?? field }
}
