import ArgumentParser
import Foundation
import JianfuIngest
import JianfuPipeline

/// The exit codes of SPEC §7, and the one place errors become them.
enum Exit {
    static let failure: Int32 = 1
    static let badPipeline: Int32 = 2
    static let dataQuality: Int32 = 3
    static let locked: Int32 = 4

    /// Prints `error` as one line on stderr and returns the exit code it maps to.
    static func report(_ error: Error) -> ExitCode {
        let code: Int32
        switch error {
        case is PipelineError:
            code = badPipeline
        case RunError.qualityGate:
            code = dataQuality
        case is RunError, is IngestError, is FetchError:
            code = failure
        default:
            code = failure
        }
        FileHandle.standardError.write(Data("jianfu: error: \(error)\n".utf8))
        return ExitCode(code)
    }
}
