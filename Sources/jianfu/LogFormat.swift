import ArgumentParser
import Foundation
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
        let line: String
        switch format {
        case .plain:
            line = "jianfu: \(event.level): \(String(describing: event.message).oneLine)\n"
        case .json:
            let time = ISO8601DateFormatter().string(from: Date())
            var fields: [String: String] = ["time": time, "level": event.level.rawValue, "message": "\(event.message)"]
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self) + "\n"
        }
        if let status = StatusLine.active {
            status.print(line)
        } else {
            FileHandle.standardError.write(Data(line.utf8))
        }
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

extension String {
    /// The text on one line: CR and LF shown as `\r` and `\n`, so that text from the data (a unit
    /// id holding a line break) can never forge a log line of its own.
    var oneLine: String {
        guard contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return self }
        return replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}
