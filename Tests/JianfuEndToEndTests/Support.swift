import Foundation
import JianfuTestSupport
import Testing

/// Helpers for the end-to-end tests: they run the real `jianfu` executable as a child process
/// on small files written into a fresh temporary folder, and read back what it wrote. What the
/// test targets share (running a process, `TempDir`, CSV and JSON reading) is in
/// `Tests/JianfuTestSupport`.

extension Jianfu {
    /// `fixtures/demo` of the package.
    static var demoFixtures: URL { packageRoot.appendingPathComponent("fixtures/demo") }

    /// Runs `jianfu ARGUMENTS` in `directory` and waits for it. stdout and stderr go to files, so
    /// a chatty child can never block on a full pipe.
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> RunResult {
        try runProcess(executable, arguments, in: directory)
    }
}

/// The units source of several tests: two villages without a parent, U1 甲村 (张三 responsible)
/// and U2 乙村 (李四).
let twoVillages = """
    unit_id,name,category,parent_id,responsible
    U1,甲村,village,,张三
    U2,乙村,village,,李四

    """

/// Every file of a report folder, by name, with its bytes.
func snapshot(_ folder: URL) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
        files[name] = try bytes(folder.appendingPathComponent(name))
    }
    return files
}

/// A CSV output file as text lines: the BOM is required and stripped, the text split on LF
/// (outputs write LF; a quoted field with a line break would span two of these lines, and the
/// tests' data avoids that where they compare lines).
func csvLines(_ url: URL) throws -> [String] {
    let data = try bytes(url)
    #expect(Array(data.prefix(3)) == byteOrderMark, "\(url.lastPathComponent) must start with the UTF-8 BOM")
    var lines = csvText(data).components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// Text converted to GB18030 bytes by the system's iconv (a separate program, not the code
/// under test).
func gb18030(_ text: String) throws -> Data {
    let iconv = try runProcessBytes(
        URL(fileURLWithPath: "/usr/bin/iconv"), ["-f", "UTF-8", "-t", "GB18030"], stdin: Data(text.utf8))
    try #require(iconv.status == 0, "iconv failed: \(String(decoding: iconv.stderr, as: UTF8.self))")
    return iconv.stdout
}
