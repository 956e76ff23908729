import Foundation
import Glibc
import JianfuReports

/// The all-or-nothing output directory (SPEC §6): every file is written into a staging folder
/// beside the target, and the folder replaces the target in one atomic `renameat2` exchange, so
/// a dashboard never reads a half-written report and a failed run leaves the previous one.
public struct OutputDirectory {
    public let target: String
    public let staging: String

    /// Creates the staging folder `.NAME.tmp-PID` beside `target`.
    public init(target: String) throws {
        self.target = target
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        staging = (parent as NSString).appendingPathComponent(".\(name).tmp-\(getpid())")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw RunError.output(path: target, reason: "it exists and is not a directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw RunError.output(path: target, reason: "cannot create \(staging): \((error as NSError).localizedDescription)")
        }
    }

    /// Writes one file into the staging folder through `body`.
    public func write(_ fileName: String, _ body: (OutputBuffer) throws -> Void) throws {
        let path = (staging as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunError.output(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let out = OutputBuffer(descriptor: fd)
        do {
            try body(out)
            try out.flush()
            guard fsync(fd) == 0 else { throw OutputBuffer.WriteError(reason: String(cString: strerror(errno))) }
        } catch let error as OutputBuffer.WriteError {
            throw RunError.output(path: path, reason: error.reason)
        }
    }

    /// Puts the staging folder in place of the target, atomically.
    public func commit() throws {
        if FileManager.default.fileExists(atPath: target) {
            guard renameat2(AT_FDCWD, staging, AT_FDCWD, target, 2 /* RENAME_EXCHANGE */) == 0 else {
                throw RunError.output(path: target, reason: "cannot replace it: \(String(cString: strerror(errno)))")
            }
            try? FileManager.default.removeItem(atPath: staging)  // now the previous report
        } else {
            guard rename(staging, target) == 0 else {
                throw RunError.output(path: target, reason: "cannot move the report into place: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Removes the staging folder after a failure.
    public func discard() {
        try? FileManager.default.removeItem(atPath: staging)
    }
}

@_silgen_name("renameat2")
private func renameat2(_ olddirfd: Int32, _ oldpath: UnsafePointer<CChar>, _ newdirfd: Int32, _ newpath: UnsafePointer<CChar>, _ flags: UInt32) -> Int32
