/// What one run of a child process did, its outputs as text.
public struct RunResult: CustomStringConvertible, Sendable {
    public let status: Int32
    /// False when the process died of a signal (a crash) or was killed at the time limit.
    public let exited: Bool
    public let timedOut: Bool
    public let stdout: String
    public let stderr: String

    /// The non-empty lines of stderr.
    public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    public var description: String {
        "exit \(status)\(exited ? "" : " (signal)")\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}
