import Foundation
import JianfuTestSupport
import Testing

/// An auth token in the environment appears in no output, log line or error message (SPEC §1:
/// the auth header is taken from an environment variable, never from the pipeline file). The
/// HTTP tests (Tests/JianfuHTTPTests/AuthTests) cover a token sent to a server; these cover the
/// other paths: a fetch that cannot connect, a pipeline file that is wrong (validate and run),
/// file sources with the JSON log, `unit`, and a secret pasted into the pipeline by mistake.
@Suite("Secrets stay secret")
struct SecretTests {
    static let secret = "s3cr3t-令牌-7f9c2d"
    static let token = "Bearer " + secret
    static let environment = ["JIANFU_TEST_TOKEN": token]

    static let counts = """
        unit_id,period,metric,value
        U1,2018-01,documents,10
        U1,2019-01,documents,6
        U1,2019-02,documents,x

        """

    /// A pipeline whose first source is `source` (a flow mapping's inside) plus `extra` keys.
    static func pipeline(_ source: String, _ extra: String = "") -> String {
        """
        name: secrets
        sources:
          - {name: counts, \(source)}
        metrics:
          documents: {target: 0.3}
        baseline: {from: 2018-01, to: 2018-12}
        outputs: {dir: out}
        \(extra)
        """
    }

    /// Every place the secret could leak to: stdout, stderr, and every file under `dir` (the
    /// pipeline, the reports, the state store, the HTTP cache).
    static func expectNoSecret(_ result: RunResult, in dir: TempDir, _ what: String) throws {
        #expect(!result.stdout.contains(secret), "\(what): stdout")
        #expect(!result.stderr.contains(secret), "\(what): stderr: \(result.stderr)")
        for (path, bytes) in try dir.allFiles() where path != "pipeline.yml" || !what.contains("pasted") {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(what): the secret is in \(path)")
        }
    }

    static let runs = [["run", "pipeline.yml"], ["run", "--log-format", "json", "pipeline.yml"], ["validate", "pipeline.yml"],
                       ["validate", "--log-format", "json", "pipeline.yml"]]

    @Test("an HTTP source that cannot connect fails without showing the token")
    func closedPort() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("pipeline.yml", Self.pipeline(
            "url: \"http://127.0.0.1:9/counts.csv\", auth: {header: Authorization, env: JIANFU_TEST_TOKEN}, retries: 0, connect_timeout: 5"))
        for arguments in Self.runs {
            let result = try Jianfu.run(arguments, in: dir.url, environment: Self.environment)
            #expect(result.status == 1, "\(arguments): \(result)")
            #expect(result.errorLine.contains("127.0.0.1:9"), "the error names the URL: \(result)")
            try Self.expectNoSecret(result, in: dir, "\(arguments)")
        }
    }

    @Test("a wrong pipeline file is reported without the token", arguments: [
        // A typo beside the auth source; a bad value in it; an unknown key inside auth.
        pipeline("url: \"http://127.0.0.1:9/counts.csv\", auth: {header: Authorization, env: JIANFU_TEST_TOKEN}", "metircs: {}"),
        pipeline("url: \"http://127.0.0.1:9/counts.csv\", auth: {header: Authorization, env: JIANFU_TEST_TOKEN}, retries: many"),
        pipeline("url: \"http://127.0.0.1:9/counts.csv\", auth: {header: Authorization, env: JIANFU_TEST_TOKEN, value: x}"),
        pipeline("path: counts.csv, auth: {header: Authorization, env: JIANFU_TEST_TOKEN}"),
    ])
    func badPipeline(_ text: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        try dir.write("pipeline.yml", text)
        for arguments in Self.runs {
            let result = try Jianfu.run(arguments, in: dir.url, environment: Self.environment)
            #expect(result.status == 2, "\(arguments): \(result)")
            #expect(result.errorLine.contains("pipeline.yml:"), "\(result)")
            try Self.expectNoSecret(result, in: dir, "\(arguments)")
        }
    }

    @Test("file sources with the token in the environment: no output or log holds it")
    func fileSources() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("counts.csv", Self.counts)
        try dir.write("pipeline.yml", Self.pipeline("path: counts.csv"))
        for arguments in Self.runs + [["unit", "U1", "-p", "pipeline.yml", "--html", "u1.html"]] {
            let result = try Jianfu.run(arguments, in: dir.url, environment: Self.environment)
            #expect(result.status == 0, "\(arguments): \(result)")
            try Self.expectNoSecret(result, in: dir, "\(arguments)")
        }
        #expect(dir.exists("out/rejected.csv") && dir.exists("u1.html"))
    }

    @Test("a secret pasted into the pipeline file by mistake is not echoed in the error", arguments: [
        // Where the variable's name belongs; as a header; in the URL.
        pipeline("url: \"http://127.0.0.1:9/counts.csv\", auth: {header: Authorization, env: \"\(token)\"}"),
        pipeline("url: \"http://127.0.0.1:9/counts.csv\", headers: {Authorization: \"\(token)\"}"),
        pipeline("url: \"http://user:\(secret)@127.0.0.1:9/counts.csv\""),
        // Issue 11 item 8: spellings a URL parser refuses, so the error quotes what was written.
        pipeline("url: 'http:user:\(secret)@127.0.0.1:9/counts.csv'"),
        pipeline("url: ' http://user:\(secret)@127.0.0.1:9/counts.csv'"),
        pipeline("url: 'file://user:\(secret)@host/counts.csv'"),
        pipeline("path: counts.csv, url: 'http:user:\(secret)@127.0.0.1:9/counts.csv'"),
        // Issue 11 item 7: a credential smuggled into another header's value after a line break.
        pipeline("url: \"http://127.0.0.1:9/counts.csv\", headers: {X-A: \"v\\r\\nAuthorization: \(token)\"}"),
    ])
    func pastedSecret(_ text: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("pipeline.yml", text)
        for arguments in Self.runs {
            let result = try Jianfu.run(arguments, in: dir.url)
            #expect(result.status == 2, "\(arguments): \(result)")
            try Self.expectNoSecret(result, in: dir, "pasted, \(arguments)")
        }
    }
}
