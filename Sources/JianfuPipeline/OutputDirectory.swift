import Dispatch
import Foundation
import Glibc
import JianfuReports

/// The all-or-nothing output directory (SPEC §6): every file is written into a staging folder
/// beside the target, and the folder replaces the target in one atomic `renameat2` exchange, so
/// a dashboard never reads a half-written report and a failed run leaves the previous one.
public struct OutputDirectory: Sendable {
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
        } catch {
            throw RunError.output(path: target, reason: Self.fileInTheWay(of: parent) ?? "cannot create \(parent): \((error as NSError).localizedDescription)")
        }
        try? FileManager.default.removeItem(atPath: staging)
        guard mkdir(staging, 0o755) == 0 else {
            throw RunError.output(path: target, reason: "cannot create \(staging): \(String(cString: strerror(errno)))")
        }
    }

    /// `PATH is a file, not a folder` for the nearest existing ancestor of `folder` (or itself)
    /// when that is not a folder: the reason `folder` cannot be created, in plain words.
    static func fileInTheWay(of folder: String) -> String? {
        var path = folder
        while !path.isEmpty, path != "/" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? nil : "\(path) is a file, not a folder"
            }
            path = (path as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// Removes the staging folders (`.NAME.tmp-PID`) beside `target` whose process is gone: a
    /// run killed while writing leaves its folder behind. Returns the folders removed.
    public static func removeAbandonedStaging(beside target: String) -> [String] {
        let parent = (target as NSString).deletingLastPathComponent
        let prefix = ".\((target as NSString).lastPathComponent).tmp-"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        var removed: [String] = []
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = (parent as NSString).appendingPathComponent(entry)
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }

    /// Writes one file into the staging folder through `body`. `fileName` may name a file in a
    /// subfolder (`units/330106001.html`); the subfolder is created.
    public func write(_ fileName: String, _ body: (OutputBuffer) throws -> Void) throws {
        let path = (staging as NSString).appendingPathComponent(fileName)
        let components = fileName.split(separator: "/", omittingEmptySubsequences: false)
        if components.count > 1 {
            guard !fileName.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                throw RunError.output(path: path, reason: "not a path inside the output folder")
            }
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            } catch {
                throw RunError.output(path: path, reason: (error as NSError).localizedDescription)
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunError.output(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let out = OutputBuffer(descriptor: fd)
        do {
            try body(out)
            try out.flush()
        } catch let error as OutputBuffer.WriteError {
            throw RunError.output(path: path, reason: error.reason)
        }
    }

    /// Writes several files at once, one per thread at a time; the first error is thrown after
    /// all have finished.
    public func writeConcurrently(_ files: [(name: String, body: @Sendable (OutputBuffer) -> Void)]) throws {
        // Subfolders first, so that no two threads race to create one.
        for folder in Set(files.map { ($0.name as NSString).deletingLastPathComponent }) where !folder.isEmpty {
            try write(folder + "/.keep") { _ in }
            unlink((staging as NSString).appendingPathComponent(folder + "/.keep"))
        }
        let errors = ErrorSlot()
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            do {
                try write(files[i].name, files[i].body)
            } catch {
                errors.keep(error)
            }
        }
        if let error = errors.first { throw error }
    }

    /// Puts the staging folder in place of the target, atomically. With `sync`, only once its
    /// files are on disk: one `syncfs` for the whole folder rather than an `fsync` per file,
    /// which would cost a disk flush for each of thousands of unit pages.
    public func commit(sync: Bool = false) throws {
        if sync { try flushToDisk() }
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

    private func flushToDisk() throws {
        let folder = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0, syncfs(folder) == 0 else {
            let reason = String(cString: strerror(errno))
            if folder >= 0 { close(folder) }
            throw RunError.output(path: staging, reason: "cannot flush the report to disk: \(reason)")
        }
        close(folder)
    }

    /// Removes the staging folder after a failure.
    public func discard() {
        try? FileManager.default.removeItem(atPath: staging)
    }
}

@_silgen_name("syncfs")
private func syncfs(_ fd: Int32) -> Int32

@_silgen_name("renameat2")
private func renameat2(_ olddirfd: Int32, _ oldpath: UnsafePointer<CChar>, _ newdirfd: Int32, _ newpath: UnsafePointer<CChar>, _ flags: UInt32) -> Int32

/// The first error reported by any of several threads.
private final class ErrorSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?

    func keep(_ error: Error) {
        lock.lock()
        if self.error == nil { self.error = error }
        lock.unlock()
    }

    var first: Error? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
}
