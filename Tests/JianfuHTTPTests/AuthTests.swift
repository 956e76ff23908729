import Foundation
import JianfuHTTP
import JianfuTestSupport
import Testing

/// `auth: {header: NAME, env: VARIABLE}`: the secret comes from the environment, reaches the
/// server verbatim, and appears in no output, log line or error (SPEC §1 "an auth header taken
/// from an environment variable (never from the pipeline file)").
@Suite struct AuthTests {
    static let token = "Bearer s3cr3t-令牌-0123456789abcdef"

    /// Every place a secret could leak to: stdout, stderr, and every file under `dir` (the
    /// pipeline, the reports, the HTTP state and kept copies).
    static func expectNoSecret(in result: RunResult, dir: TempDir) throws {
        #expect(!result.stdout.contains("s3cr3t"))
        #expect(!result.stderr.contains("s3cr3t"), "\(result)")
        for (path, bytes) in try dir.allFiles() {
            #expect(bytes.range(of: Data("s3cr3t".utf8)) == nil, "the secret is in \(path)")
        }
    }

    @Test func theTokenReachesTheServerAndNoOutput() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("counts.csv", Sample.csv)
        let server = try TestServer(root: served.url)
        let pipeline = try dir.write("p.yml", Sample.pipeline(
            "url: \"\(server.url("auth/counts.csv"))\", auth: {header: Authorization, env: JIANFU_TEST_TOKEN}, headers: {X-Office: 示例县}"))
        for arguments in [["run", pipeline.path], ["run", "--log-format", "json", pipeline.path], ["validate", pipeline.path]] {
            let result = try Jianfu.run(arguments, environment: ["JIANFU_TEST_TOKEN": Self.token])
            #expect(result.status == 0, "\(result)")
            try Self.expectNoSecret(in: result, dir: dir)
        }
        let requests = try server.requests("auth/counts.csv")
        #expect(requests.headers.count == 3)
        // Python reads header bytes as Latin-1; compare the UTF-8 bytes.
        let received = requests.headers.first?["Authorization"].map { Data($0.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }) }
        #expect(received == Data(Self.token.utf8))
        #expect(requests.headers.first?["X-Office"] != nil)
        #expect(dir.exists("out/indicators.csv"))
    }

    @Test func aFailureWithATokenDoesNotShowIt() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("counts.csv", Sample.csv)
        let server = try TestServer(root: served.url)
        let pipeline = try dir.write("p.yml", Sample.pipeline(
            "url: \"\(server.url("flaky/counts.csv"))\", auth: {header: X-Api-Key, env: JIANFU_TEST_TOKEN}, retries: 0"))
        let result = try Jianfu.run(["run", pipeline.path], environment: ["JIANFU_TEST_TOKEN": Self.token])
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.contains("failed: HTTP 500"))
        try Self.expectNoSecret(in: result, dir: dir)
    }

    @Test func aMissingVariableIsNamed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let pipeline = try dir.write("p.yml", Sample.pipeline(
            "url: \"http://127.0.0.1:9/counts.csv\", auth: {header: Authorization, env: JIANFU_TEST_UNSET_TOKEN}"))
        let result = try Jianfu.run(["run", pipeline.path], environment: [:])
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine == "jianfu: error: source counts: auth.env names the environment variable JIANFU_TEST_UNSET_TOKEN, which is not set; the Authorization header takes its value")
    }

    @Test func theTokenIsNotSentToAnotherOrigin() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("counts.csv", Sample.csv)
        let server = try TestServer(root: served.url)
        // 127.0.0.1 redirects to localhost: same server, another origin.
        let pipeline = try dir.write("p.yml", Sample.pipeline(
            "url: \"\(server.url("elsewhere/counts.csv"))\", auth: {header: Authorization, env: JIANFU_TEST_TOKEN}"))
        let result = try Jianfu.run(["run", pipeline.path], environment: ["JIANFU_TEST_TOKEN": Self.token])
        #expect(result.status == 0, "\(result)")
        #expect(try server.requests("elsewhere/counts.csv").headers.first?["Authorization"] != nil)
        let redirected = try server.requests("auth/counts.csv")
        #expect(redirected.statuses == [200])
        #expect(redirected.headers.first?["Authorization"] == nil)
    }

    /// Issue 11 item 7, the reproducer: a header value holding CR LF would send an
    /// `Authorization` line of its own, past the refusal of credential headers, and forward it to
    /// the other origin a redirect names. Refused when the pipeline is read: nothing is sent.
    @Test func aSmuggledHeaderLineIsRefusedBeforeAnyRequest() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("counts.csv", Sample.csv)
        let server = try TestServer(root: served.url)
        let pipeline = try dir.write("p.yml", Sample.pipeline(
            #"url: "\#(server.url("elsewhere/counts.csv"))", headers: {"X-A": "v\r\nAuthorization: Bearer X"}"#))
        for arguments in [["run", pipeline.path], ["validate", pipeline.path]] {
            let result = try Jianfu.run(arguments)
            #expect(result.status == 2, "\(result)")
            #expect(result.errorLine.contains("p.yml:3: key 'sources[0].headers.X-A': expected a header value on one line"), "\(result)")
            #expect(!result.stderr.contains("Bearer"), "\(result)")
        }
        #expect(try server.requests("elsewhere/counts.csv").statuses.isEmpty)
        #expect(try server.requests("auth/counts.csv").statuses.isEmpty)
    }

    /// The client refuses such a header itself, for any caller that did not go through the
    /// pipeline loader: libcurl would send the line as it is.
    @Test func theClientSendsNoHeaderWithALineBreak() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("counts.csv", Sample.csv)
        let server = try TestServer(root: served.url)
        let request = HTTPRequest(
            url: server.url("elsewhere/counts.csv"), headers: [HTTPHeader(name: "X-A", value: "v\r\nAuthorization: Bearer X")])
        #expect(throws: HTTPError(url: request.url, tries: 0, failure: .unsendableHeader(name: "X-A"))) {
            try HTTPClient().fetch(request, to: dir.file("body").path, policy: RetryPolicy(retries: 0))
        }
        #expect(try server.requests("elsewhere/counts.csv").statuses.isEmpty)
        #expect(!dir.exists("body"))
        #expect(HTTPFailure.unsendableHeader(name: "X-A").description
            == "the request header X-A holds a control character (CR, LF, NUL …) that would forge header lines; nothing was sent")
    }

    /// The environment variable's value is checked the same way: CR LF in it would forge a
    /// header line too. The source fails (exit 1) naming the variable, not its value.
    @Test func aTokenWithALineBreakIsRefusedBeforeAnyRequest() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("counts.csv", Sample.csv)
        let server = try TestServer(root: served.url)
        let pipeline = try dir.write("p.yml", Sample.pipeline(
            "url: \"\(server.url("auth/counts.csv"))\", auth: {header: Authorization, env: JIANFU_TEST_TOKEN}"))
        for token in ["Bearer s3cr3t\r\nX-Forged: 1", "Bearer s3cr3t\nX-Forged: 1", "Bearer s3cr3t\u{7F}"] {
            let result = try Jianfu.run(["run", pipeline.path], environment: ["JIANFU_TEST_TOKEN": token])
            #expect(result.status == 1, "\(result)")
            #expect(result.errorLine == "jianfu: error: source counts: the value of the environment variable JIANFU_TEST_TOKEN (auth.env) holds a line break or another control character, which a header value cannot", "\(result)")
            try Self.expectNoSecret(in: result, dir: dir)
        }
        #expect(try server.requests("auth/counts.csv").statuses.isEmpty)
    }
}
