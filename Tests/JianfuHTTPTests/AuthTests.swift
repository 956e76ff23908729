import Foundation
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
}
