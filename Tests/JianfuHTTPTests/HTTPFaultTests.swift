import Foundation
import JianfuTestSupport
import Testing

/// Network faults never turn into wrong numbers (SPEC §1 "Sources"): what may pass is retried
/// with backoff, what cannot fails the run with a sentence a cron user can act on, exit 1, and
/// nothing written.
@Suite struct HTTPFaultTests {
    /// Serves the sample, writes a pipeline over `route` with `keys`, runs it.
    static func run(_ route: String, _ keys: String = "", in dir: TempDir, server: TestServer) throws -> RunResult {
        let source = "url: \"\(server.url(route))\"" + (keys.isEmpty ? "" : ", " + keys)
        let pipeline = try dir.write("p.yml", Sample.pipeline(source))
        return try Jianfu.run(["run", pipeline.path])
    }

    static func serve(_ dir: TempDir) throws -> TestServer {
        try dir.write("served/counts.csv", Sample.csv)
        try dir.write("served/big.csv", "unit_id,period,metric,value\n" + String(repeating: "U1,2018-01,documents,10\n", count: 2000))
        return try TestServer(root: dir.file("served"))
    }

    /// Nothing beside the pipeline but what the test wrote: no report, no staging folder, no
    /// half download.
    static func expectNothingWritten(_ dir: TempDir) throws {
        #expect(!dir.exists("out"))
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!entries.contains { $0.hasPrefix(".out") }, "staging left: \(entries)")
        let cache = dir.file(".jianfu/cache").path
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        #expect(!kept.contains { $0.hasSuffix(".download") }, "download left: \(kept)")
    }

    @Test func a500ThenA200IsRetriedAndSucceeds() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let result = try Self.run("flaky/counts.csv", in: dir, server: server)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("HTTP 500; try 2 of 4 in"), "\(result)")
        #expect(try server.requests("flaky/counts.csv").statuses == [500, 200])
        #expect(dir.exists("out/indicators.csv"))
    }

    @Test func a503WithRetryAfterWaitsThatLong() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let result = try Self.run("busy/counts.csv", in: dir, server: server)
        #expect(result.status == 0, "\(result)")
        let requests = try server.requests("busy/counts.csv")
        #expect(requests.statuses == [503, 200])
        // Retry-After: 1 → the second request at least ~1 s after the first (the server's
        // clock rounds to milliseconds).
        #expect(requests.times.count == 2 && requests.times[1] - requests.times[0] >= 0.95, "\(requests.times)")
    }

    @Test func aPersistent500FailsWithTheTriesAndWritesNothing() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let result = try Self.run("broken/counts.csv", in: dir, server: server)
        #expect(result.status == 1, "\(result)")
        // retries: 3 (the default) → 4 tries.
        #expect(result.errorLine == "jianfu: error: source counts: GET \(server.url("broken/counts.csv")) failed after 4 tries: HTTP 500")
        #expect(try server.requests("broken/counts.csv").statuses == [500, 500, 500, 500])
        try Self.expectNothingWritten(dir)
    }

    @Test func aPersistent503NamesTheLastRetryAfter() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let result = try Self.run("overloaded/counts.csv", "retries: 1", in: dir, server: server)
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.hasSuffix("source counts: GET \(server.url("overloaded/counts.csv")) failed after 2 tries: HTTP 503 (last: Retry-After 1s)"), "\(result)")
        try Self.expectNothingWritten(dir)
    }

    @Test func aFailedFetchLeavesThePreviousReportsAsTheyWere() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        #expect(try Self.run("files/counts.csv", in: dir, server: server).status == 0)
        let before = try Data(contentsOf: dir.file("out/indicators.csv"))
        let result = try Self.run("broken/counts.csv", "retries: 0", in: dir, server: server)
        #expect(result.status == 1, "\(result)")
        #expect(try Data(contentsOf: dir.file("out/indicators.csv")) == before)
    }

    @Test func aServerThatStallsTimesOut() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let start = Date()
        let result = try Self.run("stall/counts.csv", "timeout: 1, retries: 0", in: dir, server: server)
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.contains("failed: timed out"), "\(result)")
        #expect(Date().timeIntervalSince(start) < 5, "the server stalls 10 s; timeout: 1 must cut it")
        try Self.expectNothingWritten(dir)
    }

    @Test func aBodyCutShortFailsAndNothingOfItIsRead() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let result = try Self.run("short/counts.csv", "retries: 1", in: dir, server: server)
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.contains("failed after 2 tries: the body was cut short"), "\(result)")
        #expect(!result.stderr.contains("rows read"), "no row of a cut body is read")
        #expect(try server.requests("short/counts.csv").statuses.count == 2)
        try Self.expectNothingWritten(dir)
    }

    @Test func aRedirectLoopIsBounded() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let result = try Self.run("loop/0", "retries: 0", in: dir, server: server)
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.contains("failed: more than 10 redirects (the last to \(server.url("loop/11")))"), "\(result)")
        // /loop/0 and 10 redirects, /loop/1 … /loop/10; /loop/11 never asked for.
        #expect(try server.requests("loop/10").statuses == [302])
        #expect(try server.requests("loop/11").statuses.isEmpty)
        try Self.expectNothingWritten(dir)
    }

    /// The 2 GB limit of a real pipeline, simulated with 1000 bytes: announced by
    /// Content-Length, streamed without one, and gzip-compressed below the limit (a gzip bomb).
    @Test(arguments: ["files", "chunked", "gzip"])
    func aBodyOverMaxBytesFails(route: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let result = try Self.run("\(route)/big.csv", "max_bytes: 1000", in: dir, server: server)
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.contains("failed: the body is larger than the limit of 1000 bytes (max_bytes)"), "\(result)")
        try Self.expectNothingWritten(dir)
        if route == "gzip" {
            // big.csv is 28 + 2000 × 24 = 48 028 bytes of one repeated line: what crossed the
            // wire was under the limit, so it is the inflated size that was counted.
            let sent = try server.requests("gzip/big.csv").sent
            #expect(sent.count == 1 && sent[0] < 1000, "\(sent)")
        }
    }

    @Test func a404IsNotRetried() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let result = try Self.run("nowhere/counts.csv", in: dir, server: server)
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.hasSuffix("GET \(server.url("nowhere/counts.csv")) failed: HTTP 404"), "\(result)")
        #expect(try server.requests("nowhere/counts.csv").statuses == [404])
    }

    @Test func aClosedPortCannotConnect() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try Self.serve(dir)
        let url = server.url("files/counts.csv")
        server.stop()
        let pipeline = try dir.write("p.yml", Sample.pipeline("url: \"\(url)\", retries: 0"))
        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.errorLine.contains("failed: cannot connect: "), "\(result)")
    }
}
