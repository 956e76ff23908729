import Foundation
import Testing

/// Helpers for the end-to-end tests: they run the real `jianfu` executable as a child process
/// on small files written into a fresh temporary folder, and read back what it wrote.

/// What one run of the executable did.
struct RunResult: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    /// The non-empty lines of stderr.
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

enum Jianfu {
    /// The built `jianfu` next to the test bundle: the bundle (`…/debug/jianfuPackageTests.xctest`)
    /// or its parent holds it, depending on the platform; else `<package>/.build/debug/jianfu`.
    static let executable: URL = {
        let fm = FileManager.default
        // Linux runs the bundle itself (argv[0]); macOS runs it inside `xctest`, so also look
        // beside any loaded `.xctest` bundle.
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

    /// The package root, from this file's place in `Tests/JianfuEndToEndTests/`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `fixtures/demo` of the package.
    static var demoFixtures: URL { packageRoot.appendingPathComponent("fixtures/demo") }

    /// Runs `jianfu ARGUMENTS` in `directory` and waits for it. stdout and stderr go to files, so
    /// a chatty child can never block on a full pipe.
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> RunResult {
        try runProcess(executable, arguments, in: directory)
    }
}

/// Runs `executable ARGUMENTS` and collects its output as text.
func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> RunResult {
    let (status, out, err) = try runProcessBytes(executable, arguments, in: directory)
    return RunResult(status: status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
}

/// Runs a child process with stdout and stderr captured in files, so a chatty child can never
/// block on a full pipe; returns its exit status and both outputs as bytes.
private func runProcessBytes(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil, stdin: Data? = nil
) throws -> (status: Int32, stdout: Data, stderr: Data) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-e2e-io-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = out
    process.standardError = err
    if let stdin {
        let inURL = scratch.appendingPathComponent("stdin")
        try stdin.write(to: inURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return (process.terminationStatus, try Data(contentsOf: outURL), try Data(contentsOf: errURL))
}

/// A fresh temporary folder for one test (`FileManager.temporaryDirectory` + UUID); the test
/// removes it with `defer { dir.remove() }`.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` as UTF-8 (no BOM) to `name` inside the folder and returns its URL.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ bytes: Data) throws -> URL {
        let target = file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: target)
        return target
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The raw bytes of a file.
func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

/// Every file of a report folder, by name, with its bytes.
func snapshot(_ folder: URL) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
        files[name] = try bytes(folder.appendingPathComponent(name))
    }
    return files
}

/// The UTF-8 byte order mark every CSV output starts with (SPEC §6).
let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

/// A CSV output file as text lines: the BOM is required and stripped, the text split on LF
/// (outputs write LF; a quoted field with a line break would span two of these lines, and the
/// tests' data avoids that where they compare lines).
func csvLines(_ url: URL) throws -> [String] {
    let data = try bytes(url)
    #expect(Array(data.prefix(3)) == byteOrderMark, "\(url.lastPathComponent) must start with the UTF-8 BOM")
    let text = String(decoding: data.starts(with: byteOrderMark) ? Array(data.dropFirst(3)) : data, as: UTF8.self)
    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// A CSV output file as records of fields (RFC 4180: quoted fields, doubled quotes, line breaks
/// inside quotes), BOM stripped, header included.
func csvRows(_ url: URL) throws -> [[String]] {
    let data = try bytes(url)
    let text = String(decoding: data.starts(with: byteOrderMark) ? Array(data.dropFirst(3)) : data, as: UTF8.self)
    return parseCSV(text)
}

/// A minimal RFC 4180 reader for the tests (comma delimiter, LF or CRLF records).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var inQuotes = false
    var afterQuote = false
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

/// Text converted to GB18030 bytes by the system's iconv (a separate program, not the code
/// under test).
func gb18030(_ text: String) throws -> Data {
    let (status, out, err) = try runProcessBytes(
        URL(fileURLWithPath: "/usr/bin/iconv"), ["-f", "UTF-8", "-t", "GB18030"], stdin: Data(text.utf8))
    try #require(status == 0, "iconv failed: \(String(decoding: err, as: UTF8.self))")
    return out
}

/// Parses `summary.json` into a dictionary.
func readJSON(_ url: URL) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    return try #require(object as? [String: Any])
}

