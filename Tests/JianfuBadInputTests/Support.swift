import Foundation
import JianfuTestSupport

/// Helpers for the bad-input tests: they run the real `jianfu` executable as a child process on
/// files copied into a fresh temporary folder, with a time limit, and read back what it wrote.
/// What the test targets share (running a process, `TempDir`, CSV and JSON reading) is in
/// `Tests/JianfuTestSupport`.

extension Jianfu {
    /// Runs `jianfu ARGUMENTS` in `directory` with `environment` added to this process's, killed
    /// after `timeLimit` seconds.
    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], timeLimit: Double = 30
    ) throws -> RunResult {
        try runProcess(executable, arguments, in: directory, environment: environment, timeLimit: timeLimit)
    }
}

extension RunResult {
    /// The `jianfu: error: …` line, or the last line of stderr.
    var errorLine: String { stderrLines.first { $0.hasPrefix("jianfu: error:") } ?? stderrLines.last ?? "" }
}

extension TempDir {
    /// The names in the folder `name` (or the folder itself), sorted.
    func list(_ name: String = ".") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: file(name).path)) ?? []).sorted()
    }
}
