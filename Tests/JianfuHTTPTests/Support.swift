import Foundation
import Testing

/// Helpers for the HTTP source tests: a real HTTP(S) server (`server.py`, Python's standard
/// library) started and stopped by each test on a free port of 127.0.0.1, the built `jianfu`
/// run as a child process, and temporary folders.

/// What one run of the executable did.
struct RunResult: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }

    /// The first stderr line holding `error:`.
    var errorLine: String { stderr.split(separator: "\n").first { $0.contains("error:") }.map(String.init) ?? "" }
}

enum Jianfu {
    /// The built `jianfu` beside the test bundle (as the end-to-end tests find it).
    static let executable: URL = {
        let fm = FileManager.default
        let starts = [URL(fileURLWithPath: CommandLine.arguments[0])]
            + Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }
        for start in starts {
            var folder = start.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("jianfu")
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   fm.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                folder = folder.deletingLastPathComponent()
            }
        }
        return testsFolder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/jianfu")
    }()

    /// This folder, `Tests/JianfuHTTPTests/`, which holds `server.py`.
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// Runs `jianfu ARGUMENTS` with `environment` added to this process's environment.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
        let scratch = try TempDir()
        defer { scratch.remove() }
        let out = scratch.file("stdout"), err = scratch.file("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return RunResult(
            status: process.terminationStatus,
            stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
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
    }

    func requests(_ path: String) throws -> Requests {
        let file = root.appendingPathComponent("_stats.json")
        guard let data = FileManager.default.contents(atPath: file.path),
              let stats = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]],
              let entry = stats["/" + path] else { return Requests() }
        return Requests(
            statuses: entry["statuses"] as? [Int] ?? [],
            headers: entry["headers"] as? [[String: String]] ?? [],
            times: (entry["times"] as? [NSNumber] ?? []).map(\.doubleValue))
    }
}

/// A fresh temporary folder for one test; the test removes it with `defer { dir.remove() }`.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let target = file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target)
        return target
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Every regular file below the folder, with its bytes.
    func allFiles() throws -> [(String, Data)] {
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [(String, Data)] = []
        for case let file as URL in walker where (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files.append((file.path, try Data(contentsOf: file)))
        }
        return files
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
