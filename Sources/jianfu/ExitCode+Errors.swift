import ArgumentParser
import Foundation
import JianfuPipeline

/// The exit codes of SPEC §7 (`ExitStatus` maps each error family to one).
enum Exit {
    /// Writes `error` on stderr as a log line in `format` (one line, or one JSON object) and
    /// returns the exit code it maps to.
    static func report(_ error: Error, format: LogFormat) -> ExitCode {
        format.write(LogLine(error: error))
        return ExitCode(ExitStatus.code(for: error))
    }
}
