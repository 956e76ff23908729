import Foundation
import JianfuTestSupport
import Testing

/// Helpers for the HTTP source tests: a real HTTP(S) server (`server.py`, Python's standard
/// library) started and stopped by each test on a free port of 127.0.0.1, the built `jianfu`
/// run as a child process, and temporary folders. What the test targets share (running a
/// process, `TempDir`) is in `Tests/JianfuTestSupport`.

extension RunResult {
    /// The first stderr line holding `error:`.
    var errorLine: String { stderrLines.first { $0.contains("error:") } ?? "" }
}

extension Jianfu {
    /// This folder, `Tests/JianfuHTTPTests/`, which holds `server.py`.
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// Runs `jianfu ARGUMENTS` with `environment` added to this process's environment.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
        try runProcess(executable, arguments, environment: environment)
    }
}

/// `server.py` serving the files of a folder, on a free port of 127.0.0.1, for one test.
final class TestServer {
    let process = Process()
    let port: Int
    /// The folder it serves; it writes `_stats.json` there.
    let root: URL
    let scheme: String

    /// Starts the server and waits for the port it bound. `tls` is a certificate and key (PEM).
    init(root: URL, tls: (certificate: URL, key: URL)? = nil) throws {
        self.root = root
        scheme = tls == nil ? "http" : "https"
        var arguments = [Jianfu.testsFolder.appendingPathComponent("server.py").path, "--root", root.path]
        if let tls { arguments += ["--tls", tls.certificate.path, tls.key.path] }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is `PORT <n>`.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            line.append(byte)
        }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("PORT "),
              let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw ServerError.noPort(String(decoding: line, as: UTF8.self))
        }
        self.port = port
    }

    enum ServerError: Error { case noPort(String) }

    deinit { stop() }

    /// SIGTERM, then SIGKILL if the server is still there a second later.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(1)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// `http://127.0.0.1:PORT/PATH`.
    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)/\(path)" }

    /// What reached the server for one path (`/ROUTE/NAME`).
    struct Requests {
        var statuses: [Int] = []
        var headers: [[String: String]] = []
        /// Seconds since the server started.
        var times: [Double] = []
        /// Body bytes sent per response, as on the wire (compressed for the `gzip` route).
        var sent: [Int] = []
    }

    func requests(_ path: String) throws -> Requests {
        let file = root.appendingPathComponent("_stats.json")
        guard let data = FileManager.default.contents(atPath: file.path),
              let stats = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]],
              let entry = stats["/" + path] else { return Requests() }
        return Requests(
            statuses: entry["statuses"] as? [Int] ?? [],
            headers: entry["headers"] as? [[String: String]] ?? [],
            times: (entry["times"] as? [NSNumber] ?? []).map(\.doubleValue),
            sent: entry["sent"] as? [Int] ?? [])
    }
}

/// A self-signed certificate for 127.0.0.1, made by `openssl` into `dir`.
func selfSignedCertificate(in dir: TempDir) throws -> (certificate: URL, key: URL) {
    let certificate = dir.file("cert.pem"), key = dir.file("key.pem")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out", certificate.path,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "openssl could not make a certificate")
    return (certificate, key)
}

/// The data the tests serve and read from files: two units, a year of baseline and a year of
/// evaluation, with one bad period (line 8).
enum Sample {
    static let csv = """
        unit_id,period,metric,value
        U1,2018-01,documents,10
        U1,2018-02,documents,12
        U1,2019-01,documents,6
        U1,2019-02,documents,7
        U2,2018-01,documents,8
        U2,2019-01,documents,4
        U2,2019-13,documents,4
        U2,2019-02,documents,5

        """

    /// The same rows as JSON objects under `data.rows`; values as numbers where the CSV has
    /// a number, so the text the reader sees is the same.
    static let json = """
        {"data": {"total": 8, "rows": [
          {"unit_id": "U1", "period": "2018-01", "metric": "documents", "value": 10},
          {"unit_id": "U1", "period": "2018-02", "metric": "documents", "value": 12},
          {"unit_id": "U1", "period": "2019-01", "metric": "documents", "value": 6},
          {"unit_id": "U1", "period": "2019-02", "metric": "documents", "value": 7},
          {"unit_id": "U2", "period": "2018-01", "metric": "documents", "value": 8},
          {"unit_id": "U2", "period": "2019-01", "metric": "documents", "value": 4},
          {"unit_id": "U2", "period": "2019-13", "metric": "documents", "value": 4},
          {"unit_id": "U2", "period": "2019-02", "metric": "documents", "value": 5}
        ]}}
        """

    /// A pipeline over one source given by `source` (the YAML flow mapping's inside, after the
    /// name), writing CSV and JSON into `out`.
    static func pipeline(_ source: String, out: String = "out") -> String {
        """
        name: http-test
        sources:
          - {name: counts, \(source)}
        metrics:
          documents: {target: 0.3}
        baseline: {from: 2018-01, to: 2018-12}
        outputs: {dir: \(out), formats: [csv, json, prom]}

        """
    }
}
