import Foundation
import Glibc
import JianfuReports

/// The run-status file `OUTPUT_DIR.run.prom` beside the output folder (docs/operations.md): three
/// gauges in the Prometheus text format, written at the end of every `run` of a pipeline that
/// has `prom` among its formats, failed runs too, so a nightly job that stopped succeeding shows
/// on a dashboard while `metrics.prom` keeps the last good report's numbers:
///
///     jianfu_last_run_timestamp_seconds{pipeline="NAME"}      start of this run (Unix seconds)
///     jianfu_last_success_timestamp_seconds{pipeline="NAME"}  start of the last run that exited 0
///     jianfu_last_run_exit_code{pipeline="NAME"}              this run's exit code (SPEC §7)
///
/// The last success survives failed runs: it is read back from the previous status file (or,
/// before the first one, from the output folder's `metrics.prom`, which only a successful run
/// writes); 0 when neither records one. The file is replaced atomically (a temporary file beside
/// it, renamed over it), and only when it is jianfu's: a file at that path whose first line is
/// not `header` is left alone and the write refused.
package struct RunStatusMetrics: Sendable {
    /// The first line of every status file: what marks it as written by jianfu.
    package static let header = "# jianfu run status (docs/operations.md); replaced at the end of every run"

    /// `OUTPUT_DIR.run.prom`.
    package let path: String
    package let pipelineName: String
    /// The output folder, whose `metrics.prom` gives the last success before the first status file.
    package let outputDirectory: String

    package init(outputDirectory: String, pipelineName: String) {
        self.outputDirectory = outputDirectory
        self.pipelineName = pipelineName
        path = outputDirectory + ".run.prom"
    }

    /// The status file of `config`, or nil when its outputs have no `prom` format.
    package init?(config: PipelineConfig) {
        guard config.formats.contains(.prom) else { return nil }
        self.init(outputDirectory: config.outputDirectory, pipelineName: config.name)
    }

    /// Writes the status of a run that started at `startedAt` and exits with `exitCode`.
    /// Throws `RunError.output` when the file cannot be written or is not jianfu's.
    package func record(startedAt: Date, exitCode: Int32) throws {
        let started = startedAt.timeIntervalSince1970.rounded()
        let previous = try previousText()
        let lastSuccess: Double
        if exitCode == ExitStatus.success {
            lastSuccess = started
        } else {
            let report = try? String(contentsOfFile: (outputDirectory as NSString).appendingPathComponent("metrics.prom"), encoding: .utf8)
            lastSuccess = previous.flatMap { Self.sample("jianfu_last_success_timestamp_seconds", in: $0) }
                ?? report.flatMap { Self.sample("jianfu_report_timestamp_seconds", in: $0) ?? Self.sample("jianfu_last_run_timestamp_seconds", in: $0) }
                ?? 0
        }
        try write(text(lastRun: started, lastSuccess: lastSuccess, exitCode: exitCode))
    }

    /// The status file's text.
    func text(lastRun: Double, lastSuccess: Double, exitCode: Int32) -> String {
        let labels = "{pipeline=\"\(PrometheusWriter.escape(pipelineName))\"}"
        var out = Self.header + "\n"
        func family(_ name: String, _ help: String, _ value: Double) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name)\(labels) \(NumberFormat.format(value))\n"
        }
        family("jianfu_last_run_timestamp_seconds", "Start time of the last run, successful or not (Unix seconds).", lastRun)
        family("jianfu_last_success_timestamp_seconds", "Start time of the last run that exited 0 (Unix seconds; 0: none recorded).", lastSuccess)
        family("jianfu_last_run_exit_code", "Exit code of the last run: 0 success, 1 failure, 2 bad pipeline, 3 data quality, 4 locked.", Double(exitCode))
        return out
    }

    /// The value of the first sample of `name` in a text-format `text`.
    static func sample(_ name: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }), value.isFinite { return value }
        }
        return nil
    }

    /// The current status file's text; nil when there is none. Throws when a file there is not jianfu's.
    private func previousText() throws -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw RunError.output(path: path, reason: isDirectory.boolValue ? "it is a folder, not jianfu's run-status file" : "it cannot be read")
            }
            return nil
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.hasPrefix(Self.header + "\n") else {
            throw RunError.output(path: path, reason: "the file there was not written by jianfu (its first line is not \"\(Self.header)\"); move it away")
        }
        return text
    }

    /// Writes `text` to a temporary file beside `path` and renames it over `path`.
    private func write(_ text: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent.isEmpty ? "." : parent, withIntermediateDirectories: true)
        } catch {
            throw RunError.output(path: path, reason: "cannot create \(parent): \((error as NSError).localizedDescription)")
        }
        let temporary = (parent as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).tmp-\(getpid())")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunError.output(path: temporary, reason: String(cString: strerror(errno))) }
        var failure: String?
        Array(text.utf8).withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { failure = String(cString: strerror(errno)); return }
                offset += written
            }
        }
        close(fd)
        if let failure {
            unlink(temporary)
            throw RunError.output(path: temporary, reason: failure)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw RunError.output(path: path, reason: reason)
        }
    }
}
