import Dispatch
import Foundation
import Glibc
import JianfuReports

/// The all-or-nothing output directory (SPEC §6): every file is written into a staging folder
/// beside the target, and the folder replaces the target in one atomic `renameat2` exchange, so
/// a dashboard never reads a half-written report and a failed run leaves the previous one.
///
/// jianfu deletes no file it did not write (`ReportFolder`): a target that holds anything but
/// jianfu's report files is refused before anything is written, the replaced report is removed
/// file by known file, and a target that is a symbolic link stays one (the folder it points to
/// is the one replaced).
package struct OutputDirectory: Sendable {
    /// The folder as the pipeline names it.
    package let target: String
    /// Where the report goes: `target`, or the folder it links to.
    package let place: String
    package let staging: String
    /// The top-level files jianfu writes in a report folder (besides the marker and `units/`).
    let known: Set<String>

    /// Checks that `target` may be replaced (missing, empty, or jianfu's with nothing else in
    /// it), then creates the staging folder `.NAME.tmp-PID` beside it, holding the marker with
    /// `runID`. `files` are the names the run's writers will write.
    package init(target: String, runID: String, files: [String] = []) throws {
        self.target = target
        known = ReportFolder.reportFiles.union(files.map { String($0.split(separator: "/").first ?? "") })
        var info = stat()
        if lstat(target, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            guard let real = realpath(target, nil) else {
                throw RunError.output(path: target, reason: "it is a symbolic link to a folder that does not exist")
            }
            place = String(cString: real)
            free(real)
        } else {
            place = target
        }
        let parent = (place as NSString).deletingLastPathComponent
        let name = (place as NSString).lastPathComponent
        staging = (parent as NSString).appendingPathComponent(".\(name).tmp-\(getpid())")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: place, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RunError.output(path: target, reason: "it exists and is not a directory") }
            try ReportFolder.checkReplaceable(place, known: known)
        }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw RunError.output(path: target, reason: Self.fileInTheWay(of: parent) ?? "cannot create \(parent): \((error as NSError).localizedDescription)")
        }
        if FileManager.default.fileExists(atPath: staging) {
            let left = ReportFolder.remove(staging, known: known)
            guard left.isEmpty else {
                throw RunError.output(path: staging, reason: "it is in the way and holds \(left[0]), which jianfu did not write; move it away")
            }
        }
        guard mkdir(staging, 0o755) == 0 else {
            throw RunError.output(path: target, reason: "cannot create \(staging): \(String(cString: strerror(errno)))")
        }
        try write(ReportFolder.marker) { $0.write(ReportFolder.markerText(runID: runID)) }
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

    /// Removes the staging folders (`.NAME.tmp-PID`) beside the target whose process is gone: a
    /// run killed while writing leaves its folder behind. Only jianfu's files are removed; a
    /// folder that holds anything else stays. Returns the folders removed and those left.
    package func removeAbandonedStaging() -> (removed: [String], left: [String]) {
        let parent = (place as NSString).deletingLastPathComponent
        let prefix = ".\((place as NSString).lastPathComponent).tmp-"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        var removed: [String] = []
        var left: [String] = []
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = (parent as NSString).appendingPathComponent(entry)
            if ReportFolder.remove(path, known: known).isEmpty { removed.append(path) } else { left.append(path) }
        }
        return (removed, left)
    }

    /// Writes one file into the staging folder through `body`. `fileName` may name a file in a
    /// subfolder (`units/330106001.html`); the subfolder is created.
    package func write(_ fileName: String, _ body: (OutputBuffer) throws -> Void) throws {
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
    package func writeConcurrently(_ files: [(name: String, body: @Sendable (OutputBuffer) -> Void)]) throws {
        // Subfolders first, so that no two threads race to create one.
        for folder in Set(files.map { ($0.name as NSString).deletingLastPathComponent }) where !folder.isEmpty {
            let path = (staging as NSString).appendingPathComponent(folder)
            guard !folder.hasPrefix("/"), !folder.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else {
                throw RunError.output(path: path, reason: "not a path inside the output folder")
            }
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw RunError.output(path: path, reason: (error as NSError).localizedDescription)
            }
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

    /// Puts the staging folder in place of the target, atomically, keeping the target's
    /// permissions; then removes the previous report, file by known file. Returns the previous
    /// report's folder when something jianfu did not write was left in it (put there during
    /// the run), with what was left.
    @discardableResult
    package func commit() throws -> (folder: String, left: [String])? {
        var info = stat()
        guard stat(place, &info) == 0 else {
            guard rename(staging, place) == 0 else {
                throw RunError.output(path: target, reason: "cannot move the report into place: \(String(cString: strerror(errno)))")
            }
            return nil
        }
        chmod(staging, info.st_mode & 0o7777)
        guard renameat2(AT_FDCWD, staging, AT_FDCWD, place, 2 /* RENAME_EXCHANGE */) == 0 else {
            let busy = errno == EBUSY ? " (a mount point cannot be replaced: point outputs.dir at a folder inside it)" : ""
            throw RunError.output(path: target, reason: "cannot replace it: \(String(cString: strerror(errno)))\(busy)")
        }
        // `staging` now holds the previous report.
        let left = ReportFolder.remove(staging, known: known)
        return left.isEmpty ? nil : (staging, left)
    }

    /// Flushes the staging folder's files to disk: one `syncfs` for the whole folder rather than
    /// an `fsync` per file, which would cost a disk flush for each of thousands of unit pages.
    package func flush() throws { try flushToDisk() }

    private func flushToDisk() throws {
        let folder = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0, syncfs(folder) == 0 else {
            let reason = String(cString: strerror(errno))
            if folder >= 0 { close(folder) }
            throw RunError.output(path: staging, reason: "cannot flush the report to disk: \(reason)")
        }
        close(folder)
    }

    /// Removes the staging folder after a failure (only the files jianfu wrote into it).
    package func discard() {
        ReportFolder.remove(staging, known: known)
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
