import Foundation
import JianfuHTTP
import JianfuIngest
import JianfuModel

/// Reads `sources:` (SPEC §1 "Sources", §2): a list of at least one observations source (or, on a
/// state store, only units sources: the values are then those other pipelines stored) and any
/// number of units sources, in pipeline order (a key given by two sources takes the later one's
/// value).
///
/// Defaults: `kind: observations`, `layout: long`, `encoding: auto`, `delimiter: ","`; `format`
/// from the Content-Type of an HTTP response or the `.json` extension of a file, else `csv`;
/// for HTTP sources `timeout: 60`, `connect_timeout: 10`, `retries: 3`, `max_bytes: 1073741824`
/// (1 GiB, `RemoteSource.defaultMaxBytes`; `none` lifts it). Accepted
/// spellings: `encoding` `utf8` for `utf-8`, `gbk` and `gb2312` for `gb18030` (both are subsets
/// of it); `delimiter` `tab`, `comma`, `semicolon` and the two characters `\t` (what a single-quoted
/// `'\t'` holds) besides the characters themselves; a bare `,` cannot start a YAML value, so it is
/// written `","` or `comma`.
enum SourcesSection {
    static let keys = ["name", "kind", "path", "url", "layout", "encoding", "delimiter", "columns", "format", "json_path", "min_rows", "sheet", "sheets", "header_row"] + httpKeys
    /// The keys that only an `http://` or `https://` source takes.
    static let httpKeys = ["timeout", "connect_timeout", "retries", "auth", "headers", "ca_file", "insecure", "max_bytes"]
    /// The fields of an observations source (SPEC §1), besides one per declared metric (wide).
    static let observationFields = ["unit_id", "unit_name", "period", "metric", "value"]
    /// The fields of a units source (SPEC §1 "Units").
    static let unitFields = ["unit_id", "name", "category", "parent_id", "responsible"]

    static func read(_ node: ConfigNode, metrics: [Metric], location: PipelineLocation, readsStore: Bool) throws -> [SourceSpec] {
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
        // A pipeline of units only evaluates what other pipelines stored (SPEC §8): it needs a store.
        guard sources.contains(where: { $0.kind == .observations }) || (readsStore && sources.contains { $0.kind == .units }) else {
            throw node.invalid(
                "at least one source of kind observations (a pipeline with only units sources evaluates what other pipelines wrote into the store its state: names)",
                found: "only units sources")
        }
        return sources
    }

    private static func source(_ node: ConfigNode, metrics: [Metric], location: PipelineLocation) throws -> SourceSpec {
        let settings = try node.mapping("a source: a mapping with name, path or url and optional kind, layout, encoding, delimiter, columns")
        try settings.allowOnly(keys)
        let name = try settings.required("name").text("a source name")
        let kind = try settings["kind"]?.choice([("observations", SourceKind.observations), ("units", .units)]) ?? .observations
        let fields = kind == .units ? unitFields : observationFields + metrics.map(\.id)
        let origin = try self.origin(settings, location: location)
        var spec = SourceSpec(
            name: name,
            kind: kind,
            path: origin.location,
            layout: try settings["layout"]?.choice([("long", Layout.long), ("wide", .wide)]) ?? .long,
            encoding: try settings["encoding"].map(encoding) ?? .auto,
            delimiter: try settings["delimiter"].map(delimiter) ?? UInt8(ascii: ","),
            columns: try settings["columns"].map { try columns($0, fields: fields) } ?? [:])
        spec.minRows = try settings["min_rows"]?.integer("a whole number of data rows ≥ 1, such as 1000") { $0 >= 1 }

        var format = try settings["format"]?.choice([("csv", SourceFormat.csv), ("json", .json), ("xlsx", .xlsx)])
        if case .file(let path) = origin, format == nil { format = SourceFormat.of(path: path) }
        let sheet = try self.sheet(settings, format: format)
        let jsonPath = try settings["json_path"].map(jsonPath) ?? []
        if let node = settings["json_path"], format == .csv {
            throw node.invalid("json_path only with format: json", found: node.found)
        }
        if format == .json {
            // JSON is UTF-8 (RFC 8259) and its records are rendered comma-separated.
            if let node = settings["encoding"], spec.encoding == .gb18030 {
                throw node.invalid("auto or utf-8 for a JSON source (JSON is UTF-8)")
            }
            if let node = settings["delimiter"] { throw node.invalid("no delimiter for a JSON source", found: node.found) }
        }

        switch origin {
        case .file(let path):
            for key in httpKeys {
                if let node = settings[key] {
                    throw node.invalid("\(key) only on a source with an http:// or https:// url", found: node.found)
                }
            }
            (format ?? .csv).read(path, into: &spec, jsonPath: jsonPath, sheet: sheet)
        case .http(let url):
            var remote = try remote(settings, name: name, url: url, format: format, jsonPath: jsonPath, location: location)
            remote.sheet = sheet
            spec.bytes = remote
        }
        return spec
    }

    /// Where a source's bytes are: a file, or an HTTP(S) URL fetched before it is read.
    private enum Origin {
        case file(String)
        case http(String)

        /// As messages, logs and reports name it: a URL without its userinfo (`HTTPURL.display`),
        /// so that what is shown downstream of the loader never holds a password.
        var location: String {
            switch self {
            case .file(let path): path
            case .http(let url): HTTPURL.display(url)
            }
        }
    }

    /// `path:` relative to the pipeline file, a `file://` `url:`, or an `http://` / `https://` one.
    private static func origin(_ settings: ConfigMapping, location: PipelineLocation) throws -> Origin {
        switch (settings["path"], settings["url"]) {
        case (let path?, nil):
            let text = try path.text("a file path, relative to the pipeline file")
            guard !text.isEmpty else { throw path.invalid("a file path, relative to the pipeline file") }
            return .file(location.resolve(text))
        case (nil, let url?):
            let expected = "an http://, https:// or file:// URL"
            let text = try url.text(expected)
            // What the error quotes: a refused URL may still hold a password (`http:user:pw@host`).
            let shown = HTTPURL.display(text)
            let found = ConfigNode.quote(shown)
            let withoutCredentials =
                "a URL without user:password@ (a secret never goes in the pipeline file; use auth: {header: Authorization, env: VARIABLE})"
            guard shown == text else { throw url.invalid(withoutCredentials, found: "a URL with credentials, \(found)") }
            let scheme = URL(string: text)?.scheme?.lowercased()
            if scheme == "http" || scheme == "https" {
                guard let parsed = URLComponents(string: text), let host = parsed.host, !host.isEmpty else {
                    throw url.invalid("an http:// or https:// URL with a host, such as https://example.org/counts.csv", found: found)
                }
                guard parsed.user == nil, parsed.password == nil else { throw url.invalid(withoutCredentials, found: "a URL with credentials") }
                return .http(text)
            }
            guard let parsed = URL(string: text), scheme == "file",
                  [nil, "", "localhost"].contains(parsed.host), !parsed.path.isEmpty else {
                throw url.invalid(expected + " such as https://example.org/counts.csv or file:///data/counts.csv", found: found)
            }
            return .file(location.resolve(parsed.path))
        case (_?, let url?):
            throw url.invalid("either path or url, not both", found: (try? url.text()).map { ConfigNode.quote(HTTPURL.display($0)) } ?? url.found)
        case (nil, nil):
            throw PipelineError.missingKey(file: settings.node.file, line: settings.node.line, key: "path", context: settings.context)
        }
    }

    /// The HTTP keys of a source with an `http://` or `https://` URL.
    private static func remote(
        _ settings: ConfigMapping, name: String, url: String, format: SourceFormat?, jsonPath: [String], location: PipelineLocation
    ) throws -> RemoteSource {
        var remote = RemoteSource(
            name: name, url: url, format: format, jsonPath: jsonPath,
            cache: HTTPCache(directory: location.resolve(".jianfu"), pipeline: location.baseName))
        let seconds = "a number of seconds greater than 0, such as 60"
        if let node = settings["timeout"] { remote.timeout = try node.number(seconds) { $0 > 0 } }
        if let node = settings["connect_timeout"] { remote.connectTimeout = try node.number(seconds) { $0 > 0 } }
        if let node = settings["retries"] { remote.retries = try node.integer("a whole number of retries from 0 to 10") { (0...10).contains($0) } }
        if let node = settings["max_bytes"] {
            let expected = "a whole number of bytes greater than 0, such as 2000000000, or none for no limit"
            remote.maxBytes = try node.text(expected) == "none" ? nil : try node.integer(expected) { $0 > 0 }
        }
        if let node = settings["auth"] { remote.credential = try credential(node) }
        if let node = settings["headers"] { remote.headers = try headers(node) }
        if let node = settings["ca_file"] {
            let path = try node.text("a PEM file of CA certificates, relative to the pipeline file")
            guard !path.isEmpty else { throw node.invalid("a PEM file of CA certificates, relative to the pipeline file") }
            remote.caFile = location.resolve(path)
        }
        if let node = settings["insecure"] {
            remote.insecure = try node.bool()
            if remote.insecure, settings["ca_file"] != nil {
                throw node.invalid("either ca_file or insecure: true, not both", found: node.found)
            }
        }
        return remote
    }

    /// `auth: {header: NAME, env: VARIABLE}`: the header's value is the variable's, read at
    /// fetch time, so that the secret never sits in the pipeline file.
    private static func credential(_ node: ConfigNode) throws -> RemoteSource.Credential {
        let expected = "{header: NAME, env: VARIABLE}: the header's value is read from the environment variable"
        let mapping = try node.mapping(expected)
        try mapping.allowOnly(["header", "env"])
        let header = try mapping.required("header")
        let env = try mapping.required("env")
        let name = try header.text("a header name such as Authorization")
        guard HTTPHeader.isToken(name) else { throw header.invalid("a header name such as Authorization") }
        let variable = try env.text("an environment variable name such as JIANFU_TOKEN")
        guard let first = variable.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
              variable.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) })
        else {
            // Not quoted: what stands where the variable's name belongs is often the secret itself.
            throw env.invalid("an environment variable name such as JIANFU_TOKEN (letters, digits, _), not the secret itself",
                              found: "a value that is not a variable name (not shown)")
        }
        return RemoteSource.Credential(header: name, variable: variable)
    }

    /// `headers: {NAME: VALUE}`: headers that are not secret. A credential header is refused
    /// here: it belongs in `auth:`.
    private static func headers(_ node: ConfigNode) throws -> [HTTPHeader] {
        let mapping = try node.mapping("a mapping of header names to values, e.g. {Accept: text/csv}")
        return try mapping.entries.map { entry in
            guard HTTPHeader.isToken(entry.key) else {
                // Named by the mapping, not by a key path holding the name: the text after a
                // line break in it may be a secret.
                let found = HTTPHeader.isFieldValue(entry.key) ? ConfigNode.quote(entry.key) : "a name with a control character (not shown)"
                throw PipelineError.invalidValue(
                    file: node.file, line: entry.value.line, key: node.key, expected: "a header name (letters, digits, -) as the key", found: found)
            }
            if ["authorization", "proxy-authorization", "cookie"].contains(entry.key.lowercased()) {
                throw entry.value.invalid(
                    "no \(entry.key) in headers: a secret never goes in the pipeline file; use auth: {header: \(entry.key), env: VARIABLE}",
                    found: "a value")
            }
            let value = try entry.value.text("a header value")
            guard HTTPHeader.isFieldValue(value) else {
                // Not quoted: the text after a line break is a header line of its own, often a secret.
                throw entry.value.invalid(
                    "a header value on one line, without control characters (CR, LF, NUL …)",
                    found: "a value with a control character (not shown)")
            }
            return HTTPHeader(name: entry.key, value: value)
        }
    }

    /// `sheet:` (a sheet name, or its 1-based position among the tabs; default the first) or
    /// `sheets: all` (every sheet, the same layout in each), and `header_row:` (default 1, in
    /// every sheet read) of an xlsx source; refused on a source of another format (an HTTP
    /// source whose format comes from its Content-Type takes them).
    private static func sheet(_ settings: ConfigMapping, format: SourceFormat?) throws -> SourceFormat.Sheet {
        var sheet = SourceFormat.Sheet()
        for key in ["sheet", "sheets", "header_row"] {
            if let node = settings[key], let format, format != .xlsx {
                throw node.invalid("\(key) only with format: xlsx (an .xlsx file)", found: node.found)
            }
        }
        if let node = settings["sheet"] {
            let expected = "a sheet name, or its position among the sheet tabs from 1"
            let text = try node.text(expected)
            guard !text.isEmpty else { throw node.invalid(expected) }
            if let position = Int(text) {
                guard position >= 1 else { throw node.invalid(expected) }
                sheet.choice = .named(text)  // a sheet named "2024" is that sheet; else the position
            } else {
                sheet.choice = .named(text)
            }
        }
        if let node = settings["sheets"] {
            if let other = settings["sheet"] {
                throw node.invalid("either sheet: (one sheet) or sheets: all, not both", found: "sheet \(other.found) and sheets \(node.found)")
            }
            sheet.choice = try node.choice([("all", XLSXSheetChoice.all)], expected: "all (every sheet of the workbook, each with the same header row)")
        }
        if let node = settings["header_row"] {
            sheet.headerRow = try node.integer("the row number of the header in the sheet, from 1, such as 3") { $0 >= 1 && $0 <= 1_048_576 }
        }
        return sheet
    }

    /// `json_path: data.rows`: the member names from the top-level object to the array.
    private static func jsonPath(_ node: ConfigNode) throws -> [String] {
        let expected = "member names joined by dots, such as data.rows"
        let parts = try node.text(expected).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else { throw node.invalid(expected) }
        return parts
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
