import Foundation
import Testing

/// Helpers for the bad-input tests: they run the real `jianfu` executable as a child process
/// (the approach of Tests/JianfuEndToEndTests, whose code a test target cannot share) on files
/// copied into a fresh temporary folder, with a time limit, and read back what it wrote.

/// What one run of the executable did.
struct RunResult: CustomStringConvertible {
    let status: Int32
    /// False when the process died of a signal (a crash) or was killed at the time limit.
    let exited: Bool
    let timedOut: Bool
    let stdout: String
    let stderr: String

    /// The `jianfu: error: …` line, or the last line of stderr.
    var errorLine: String {
        let lines = stderr.split(separator: "\n").map(String.init)
        return lines.first { $0.hasPrefix("jianfu: error:") } ?? lines.last ?? ""
    }

    var description: String { "exit \(status)\(exited ? "" : " (signal)")\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

enum Jianfu {
    /// The built `jianfu` next to the test bundle (as Tests/JianfuEndToEndTests finds it), else
    /// `<package>/.build/debug/jianfu`.
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
        return packageRoot.appendingPathComponent(".build/debug/jianfu")
    }()

    /// The package root, from this file's place in `Tests/JianfuBadInputTests/`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `jianfu ARGUMENTS` in `directory`, with `environment` added to this process's (or
    /// replacing it with `replacingEnvironment`), killed after `timeLimit` seconds.
    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], timeLimit: Double = 30
    ) throws -> RunResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-bad-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        let timedOut = done.wait(timeout: .now() + timeLimit) == .timedOut
        if timedOut {
            process.terminate()
            if done.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                done.wait()
            }
        }
        try out.close()
        try err.close()
        return RunResult(
            status: process.terminationStatus, exited: process.terminationReason == .exit, timedOut: timedOut,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// A fresh temporary folder for one test; the test removes it with `defer { dir.remove() }`.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL { try write(name, Data(text.utf8)) }

    @discardableResult
    func write(_ name: String, _ bytes: Data) throws -> URL {
        let target = file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: target)
        return target
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }

    /// The names in the folder `name` (or the folder itself), sorted.
    func list(_ name: String = ".") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: file(name).path)) ?? []).sorted()
    }

    /// Every regular file below the folder, by path relative to it, with its bytes.
    func allFiles() throws -> [(String, Data)] {
        var files: [(String, Data)] = []
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        while let item = enumerator?.nextObject() as? URL {
            guard (try item.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            files.append((String(item.path.dropFirst(url.path.count + 1)), try Data(contentsOf: item)))
        }
        return files
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The UTF-8 byte order mark every CSV output starts with (SPEC §6).
let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

/// A CSV output file as records of fields, BOM stripped, header included.
func csvRows(_ url: URL) throws -> [[String]] {
    let data = [UInt8](try Data(contentsOf: url))
    return parseCSV(String(decoding: data.starts(with: byteOrderMark) ? Array(data.dropFirst(3)) : data, as: UTF8.self))
}

/// A minimal RFC 4180 reader for the tests (comma delimiter, LF or CRLF records), written here
/// rather than taken from the code under test.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var inQuotes = false, afterQuote = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if inQuotes {
            if c == "\"" {
                if chars.first == "\"" {
                    field.unicodeScalars.append("\"")
                    chars.removeFirst()
                } else {
                    inQuotes = false
                    afterQuote = true
                }
            } else {
                field.unicodeScalars.append(c)
            }
            continue
        }
        switch c {
        case "\"" where field.isEmpty && !afterQuote:
            inQuotes = true
        case ",":
            row.append(field)
            field = ""
            afterQuote = false
        case "\r" where chars.first == "\n":
            break
        case "\n":
            row.append(field)
            rows.append(row)
            row = []
            field = ""
            afterQuote = false
        default:
            field.unicodeScalars.append(c)
        }
    }
    if !field.isEmpty || !row.isEmpty || afterQuote {
        row.append(field)
        rows.append(row)
    }
    return rows
}

/// A JSON file as a dictionary.
func readJSON(_ url: URL) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
}
