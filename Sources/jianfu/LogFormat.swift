import JianfuModel
import ArgumentParser
import Foundation
import JianfuPipeline
import Logging

/// How log lines look on stderr: `plain` for people and cron mail, `json` (one object per line)
/// for log collectors.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case plain, json
}

/// A `LogHandler` writing one line per message to stderr.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let format: LogFormat

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = LogLine(level: event.level.rawValue, message: "\(event.message)")
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            if case .stringConvertible(let number as Int) = value {
                line.add(key, number)
            } else {
                line.add(key, value.description)
            }
        }
        format.write(line)
    }
}

extension LogFormat {
    /// Writes `line` on stderr in this format (above the status line, when one is shown).
    func write(_ line: LogLine) {
        let text = switch self {
        case .plain: line.plain
        case .json: line.json(time: UTCTimestamp.string(Date()))
        }
        if let status = StatusLine.active {
            status.print(text)
        } else {
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// The format asked for on the command line, for an error found before the arguments are
    /// parsed (a bad argument): `--log-format json` or `--log-format=json` anywhere.
    static var fromArguments: LogFormat {
        let arguments = CommandLine.arguments
        for (i, argument) in arguments.enumerated() {
            if argument == "--log-format=json" || (argument == "--log-format" && arguments.dropFirst(i + 1).first == "json") { return .json }
        }
        return .plain
    }
}

extension CommonOptions {
    /// A logger for this invocation.
    func makeLogger() -> Logger {
        var logger = Logger(label: "jianfu") { _ in StderrLogHandler(format: logFormat) }
        logger.logLevel = quiet ? .warning : .info
        return logger
    }
}

