import Foundation
import JianfuTestSupport
import Testing
@testable import JianfuPipeline

/// The HTTP source keys of the pipeline file (SPEC §2: a wrong key names the file, the line and
/// the key, and says what is expected; exit 2).
@Suite struct SourceKeysTests {
    static func load(_ source: String) throws -> PipelineConfig {
        let dir = try TempDir()
        defer { dir.remove() }
        return try PipelineLoader.load(path: try dir.write("p.yml", Sample.pipeline(source)).path)
    }

    /// The error `source` gets, as the CLI prints it.
    static func error(_ source: String) -> String {
        do {
            _ = try load(source)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func anHTTPSourceHasTheDocumentedDefaults() throws {
        let config = try Self.load("url: \"https://example.org/counts.csv\"")
        let remote = try #require(config.sources[0].bytes as? RemoteSource)
        #expect(config.sources[0].path == "https://example.org/counts.csv")
        #expect(remote.timeout == 60)
        #expect(remote.connectTimeout == 10)
        #expect(remote.retries == 3)
        #expect(remote.format == nil)
        // 1 GiB = 1024 × 1024 × 1024 bytes, counted after decompression: a gzip bomb stops there.
        #expect(remote.maxBytes == 1_073_741_824)
        #expect(!remote.insecure)
        #expect(remote.cache.indexPath.hasSuffix("/.jianfu/p.http-cache.json"))
    }

    @Test func everyKeyIsRead() throws {
        let config = try Self.load("""
            url: "http://example.org/api", timeout: 5, connect_timeout: 2.5, retries: 0, max_bytes: 2000000000, \
            format: json, json_path: data.rows, auth: {header: Authorization, env: TOKEN}, \
            headers: {Accept: application/json}, ca_file: ca.pem
            """)
        let remote = try #require(config.sources[0].bytes as? RemoteSource)
        #expect(remote.timeout == 5)
        #expect(remote.connectTimeout == 2.5)
        #expect(remote.retries == 0)
        #expect(remote.maxBytes == 2_000_000_000)
        #expect(remote.format == .json)
        #expect(remote.jsonPath == ["data", "rows"])
        #expect(remote.credential == RemoteSource.Credential(header: "Authorization", variable: "TOKEN"))
        #expect(remote.headers.map(\.name) == ["Accept"])
        #expect(remote.caFile?.hasSuffix("/ca.pem") == true)
    }

    @Test func wrongHTTPKeysAreRefusedWithTheirLine() {
        // The source is on line 3 of the pipeline file.
        #expect(Self.error("path: counts.csv, timeout: 5").hasSuffix(
            ":3: key 'sources[0].timeout': expected timeout only on a source with an http:// or https:// url, found '5'"))
        #expect(Self.error("url: \"https://x.org/a.csv\", retries: 99").contains("key 'sources[0].retries': expected a whole number of retries from 0 to 10"))
        #expect(Self.error("url: \"https://x.org/a.csv\", timeout: 0").contains("key 'sources[0].timeout': expected a number of seconds greater than 0"))
        #expect(Self.error("url: \"https://x.org/a.csv\", auth: {header: Authorization, value: abc}").contains("unknown key 'value' in sources[0].auth"))
        #expect(Self.error("url: \"https://x.org/a.csv\", auth: {header: Authorization, env: 1X}").contains("an environment variable name"))
        #expect(Self.error("url: \"https://x.org/a.csv\", headers: {Authorization: Bearer abc}").contains(
            "no Authorization in headers: a secret never goes in the pipeline file; use auth: {header: Authorization, env: VARIABLE}"))
        #expect(!Self.error("url: \"https://x.org/a.csv\", headers: {Authorization: Bearer abc}").contains("abc"))
        #expect(Self.error("url: \"https://user:pw@x.org/a.csv\"").contains("a URL without user:password@"))
        #expect(!Self.error("url: \"https://user:pw@x.org/a.csv\"").contains("pw@"))
        #expect(Self.error("url: \"https://x.org/a.csv\", ca_file: ca.pem, insecure: true").contains("either ca_file or insecure: true"))
        #expect(Self.error("url: \"ftp://x.org/a.csv\"").contains("expected an http://, https:// or file:// URL"))
        #expect(Self.error("path: counts.csv, json_path: data").contains("json_path only with format: json"))
        #expect(Self.error("path: counts.json, delimiter: \";\"").contains("no delimiter for a JSON source"))
        #expect(Self.error("url: \"https://x.org/a\", format: xml").contains("expected one of csv, json"))
    }

    @Test func maxBytesNoneLiftsTheLimit() throws {
        let remote = try #require(try Self.load("url: \"https://example.org/counts.csv\", max_bytes: none").sources[0].bytes as? RemoteSource)
        #expect(remote.maxBytes == nil)
        #expect(Self.error("url: \"https://x.org/a.csv\", max_bytes: 0").contains(
            "key 'sources[0].max_bytes': expected a whole number of bytes greater than 0, such as 2000000000, or none for no limit, found '0'"))
    }

    /// Issue 11 item 7: a header value holding CR LF would send a header line of its own — an
    /// `Authorization` past the refusal below, forwarded to any origin a redirect names.
    @Test(arguments: [
        #"headers: {"X-A": "v\r\nAuthorization: Bearer X"}"#, #"headers: {"X-A": "v\nAuthorization: Bearer X"}"#,
        #"headers: {"X-A": "v\rAuthorization: Bearer X"}"#, #"headers: {"X-A": "v\0Authorization: Bearer X"}"#,
        #"headers: {"X-A": "v\x7FAuthorization: Bearer X"}"#,
    ])
    func aHeaderValueWithAControlCharacterIsRefused(_ headers: String) {
        let error = Self.error("url: \"https://x.org/a.csv\", " + headers)
        #expect(error.hasSuffix(
            ":3: key 'sources[0].headers.X-A': expected a header value on one line, without control characters (CR, LF, NUL …), found a value with a control character (not shown)"),
            "\(error)")
        #expect(!error.contains("Bearer"))
    }

    @Test func aHeaderNameWithALineBreakIsRefusedUnquoted() {
        let error = Self.error(#"url: "https://x.org/a.csv", headers: {"X-A: v\r\nAuthorization: Bearer X": y}"#)
        #expect(error.contains("expected a header name (letters, digits, -) as the key, found a name with a control character (not shown)"), "\(error)")
        #expect(!error.contains("Bearer"))
        // A tab is allowed in a value (RFC 9110 §5.5).
        #expect(Self.error(#"url: "https://x.org/a.csv", headers: {"X-A": "a\tb"}"#) == "no error")
    }

    /// Issue 11 item 8: a URL that is refused is quoted in the error without its userinfo.
    @Test(arguments: ["'http:user:PW@host/x'", "' http://user:PW@host/x'", "'https://user:PW@host/x'", "'file://user:PW@host/x'",
                      "'http://user:PW@'", "'user:PW@host/x'"])
    func aPasswordInAURLIsNeverQuoted(_ url: String) {
        let error = Self.error("url: \(url)")
        #expect(error.contains("key 'sources[0].url': expected a URL without user:password@"), "\(error)")
        #expect(error.contains("***@"), "\(error)")
        #expect(!error.contains("PW"), "\(error)")
    }

    @Test func aURLGivenWithAPathIsQuotedWithoutItsUserinfo() {
        let error = Self.error("path: counts.csv, url: 'http:user:PW@host/x'")
        #expect(error.contains("expected either path or url, not both, found 'http:***@host/x'"), "\(error)")
    }

    @Test func fileSourcesReadJSONByFormatOrExtension() throws {
        #expect(try Self.load("path: counts.json").sources[0].filePath == nil)  // rendered, not read as it stands
        #expect(try Self.load("path: counts.txt, format: json").sources[0].filePath == nil)
        #expect(try Self.load("path: counts.csv").sources[0].filePath?.hasSuffix("/counts.csv") == true)
        #expect(try Self.load("url: \"file:///data/counts.csv\"").sources[0].filePath == "/data/counts.csv")
    }
}

/// The example pipeline of the README loads.
@Suite struct ExamplePipelineTests {
    @Test func theHTTPExampleLoads() throws {
        let path = Jianfu.testsFolder.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("pipelines/http-example.yml").path
        let config = try PipelineLoader.load(path: path)
        let counts = try #require(config.sources.first?.bytes as? RemoteSource)
        #expect(counts.credential == RemoteSource.Credential(header: "Authorization", variable: "JIANFU_REPORTING_TOKEN"))
        #expect(counts.maxBytes == 2_000_000_000)
        #expect((config.sources[1].bytes as? RemoteSource)?.jsonPath == ["data", "rows"])
    }
}
