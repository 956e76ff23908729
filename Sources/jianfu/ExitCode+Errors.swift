import ArgumentParser
import Foundation
import JianfuPipeline

/// The exit codes of SPEC §7 (`ExitStatus` maps each error family to one).
enum Exit {
    static let badPipeline = ExitStatus.badPipeline

    /// Prints `error` as one line on stderr and returns the exit code it maps to.
    static func report(_ error: Error) -> ExitCode {
        FileHandle.standardError.write(Data("jianfu: error: \(String(describing: error).oneLine)\n".utf8))
        return ExitCode(ExitStatus.code(for: error))
    }
}
