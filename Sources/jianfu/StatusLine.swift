import Foundation
import Glibc

/// The progress shown on a terminal (SPEC §7: "a progress bar on a terminal only"): one line on
/// stderr, `jianfu: reading source counts… 3.2 s`, redrawn in place with `\r` four times a
/// second. Only when stderr is a terminal and logs are plain text, so cron mail and log
/// collectors never see it. Log lines go through `print`, which erases the status, writes the
/// line, and draws the status again below it.
final class StatusLine: @unchecked Sendable {
    /// The status line of this process, when there is one.
    nonisolated(unsafe) static var active: StatusLine?

    private let lock = NSLock()
    private var stage = ""
    private var since = Date()
    private var shown = false
    private var stopped = false

    /// Starts the status line when stderr is a terminal; `nil` otherwise.
    static func start(plainLogs: Bool) -> StatusLine? {
        guard plainLogs, isatty(2) == 1 else { return nil }
        let line = StatusLine()
        active = line
        Thread.detachNewThread { line.tick() }
        return line
    }

    /// The stage the run is in now.
    func set(_ stage: String) {
        lock.withLock {
            self.stage = stage
            since = Date()
            draw()
        }
    }

    /// Writes a log line above the status.
    func print(_ text: String) {
        lock.withLock {
            erase()
            FileHandle.standardError.write(Data(text.utf8))
            draw()
        }
    }

    /// Erases the status for good (again: nothing).
    func stop() {
        lock.withLock {
            erase()
            stopped = true
        }
        if StatusLine.active === self { StatusLine.active = nil }
    }

    private func tick() {
        while lock.withLock({ !stopped }) {
            usleep(250_000)
            lock.withLock { draw() }
        }
    }

    private func draw() {
        guard !stopped, !stage.isEmpty else { return }
        let seconds = (Date().timeIntervalSince(since) * 10).rounded() / 10
        FileHandle.standardError.write(Data("\r\u{1B}[Kjianfu: \(stage)… \(seconds) s".utf8))
        shown = true
    }

    private func erase() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
