import Foundation
import Glibc

/// The rule that jianfu deletes no file it did not write, applied to the report folder
/// (`outputs.dir`, README "Outputs"): what jianfu counts as its own files, how it recognises a
/// folder it wrote, and how it removes a report without touching anything else.
///
/// A report folder holds the marker `.jianfu-report` (with the id of the run that wrote it), the
/// report files (`indicators.csv` … `index.html`) and `units/*.html`. A folder written before the
/// marker existed is recognised by its content: only those files, and a `summary.json` whose
/// `schema` starts with `jianfu.summary/`. Nothing is ever removed recursively: a report is
/// removed file by known file, and a folder that still holds something else is left in place.
enum ReportFolder {
    /// The marker file of a report folder.
    static let marker = ".jianfu-report"
    /// The subfolder of the unit pages (`units/*.html`).
    static let pagesFolder = "units"
    /// The top-level files every jianfu version writes or wrote (SPEC §6), whatever the formats;
    /// the writers of a run add theirs (`OutputDirectory.init`).
    static let reportFiles: Set<String> = [
        "indicators.csv", "scores.csv", "series.csv", "alerts.csv", "rejected.csv", "corrections.csv", "summary.json", "metrics.prom",
        "index.html", "bulletin.md", "bulletin.docx", "jianfu.xlsx",
    ]

    /// The marker's text: what the folder is, and the run that wrote it (read back by
    /// `runID(in:)` to tell whether a run's reports were put in place, SPEC §8 run log).
    static func markerText(runID: String) -> String {
        """
        This folder holds reports written by jianfu. Each run replaces the files jianfu writes
        here (the reports, units/*.html and this file) and deletes no other file; a folder
        holding other files is refused.
        run_id: \(runID)

        """
    }

    /// The run id in the marker of `folder`, or nil when there is none.
    static func runID(in folder: String) -> String? {
        guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(marker)) else { return nil }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("run_id: ") }
        return line.map { String($0.dropFirst("run_id: ".count)) }
    }

    /// Whether `folder` (an existing folder) may be replaced by a report: it is empty, or it
    /// is jianfu's (the marker, or a report of a version without it) and holds nothing but the
    /// files jianfu writes (`known` top-level files and `units/*.html`). Throws
    /// `RunError.foreignOutput` naming a file that is in the way.
    static func checkReplaceable(_ folder: String, known: Set<String>) throws {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder).sorted()) ?? []
        guard !entries.isEmpty else { return }
        let marked = isRegularFile((folder as NSString).appendingPathComponent(marker))
        if !marked, !isLegacyReport(folder) {
            let example = entries.first { !known.contains($0) && $0 != pagesFolder } ?? entries[0]
            throw RunError.foreignOutput(folder: folder, file: example, marked: false)
        }
        if let foreign = foreignEntry(in: folder, known: known) {
            throw RunError.foreignOutput(folder: folder, file: foreign, marked: true)
        }
    }

    /// A report written by a jianfu without the marker: a `summary.json` with a
    /// `jianfu.summary/` schema (the other files are checked by `foreignEntry`).
    static func isLegacyReport(_ folder: String) -> Bool {
        let summary = (folder as NSString).appendingPathComponent("summary.json")
        guard isRegularFile(summary), let data = FileManager.default.contents(atPath: summary),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let schema = object["schema"] as? String
        else { return false }
        return schema.hasPrefix("jianfu.summary/")
    }

    /// The first entry of `folder` (relative path) that jianfu does not write there, or nil.
    static func foreignEntry(in folder: String, known: Set<String>) -> String? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder).sorted()) ?? []
        for entry in entries {
            let path = (folder as NSString).appendingPathComponent(entry)
            if entry == pagesFolder, isFolder(path) {
                let pages = (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? []
                if let page = pages.first(where: { !$0.hasSuffix(".html") || !isRegularFile((path as NSString).appendingPathComponent($0)) }) {
                    return pagesFolder + "/" + page
                }
            } else if !(known.contains(entry) || entry == marker) || !isRegularFile(path) {
                return entry
            }
        }
        return nil
    }

    /// Removes the files jianfu writes from `folder` (`known` top-level files, the marker,
    /// `units/*.html`), then the folder if that left it empty. Never recursive: anything else
    /// stays. Returns the entries left (relative paths), empty when the folder is gone.
    @discardableResult
    static func remove(_ folder: String, known: Set<String>) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for entry in entries {
            let path = (folder as NSString).appendingPathComponent(entry)
            if entry == pagesFolder, isFolder(path) {
                for page in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where page.hasSuffix(".html") {
                    let file = (path as NSString).appendingPathComponent(page)
                    if isRegularFile(file) { unlink(file) }
                }
                rmdir(path)
            } else if known.contains(entry) || entry == marker, isRegularFile(path) {
                unlink(path)
            }
        }
        guard rmdir(folder) != 0, errno != ENOENT else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    // MARK: Where a report folder may be

    /// A path with its symbolic links resolved, as far as it exists (`realpath` of the longest
    /// existing prefix, the rest appended): two spellings of one place compare equal.
    static func canonical(_ path: String) -> String {
        var head = path
        var tail: [String] = []
        while true {
            if let real = realpath(head, nil) {
                defer { free(real) }
                return tail.reversed().reduce(String(cString: real)) { ($0 as NSString).appendingPathComponent($1) }
            }
            let parent = (head as NSString).deletingLastPathComponent
            guard parent != head, !parent.isEmpty else { return path }
            tail.append((head as NSString).lastPathComponent)
            head = parent
        }
    }

    /// Why `folder` cannot be a report folder, or nil: it is `/`, is or contains `$HOME`, or is
    /// or contains one of `inputs` (what each is, and its path) — replacing it would take them
    /// away.
    static func placeProblem(_ folder: String, inputs: [(what: String, path: String)]) -> String? {
        let place = canonical(folder)
        if place == "/" { return "the root folder /" }
        func within(_ path: String) -> Bool { path == place || path.hasPrefix(place.hasSuffix("/") ? place : place + "/") }
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty, within(canonical(home)) {
            return place == canonical(home) ? "the home folder \(home)" : "a folder that contains the home folder \(home)"
        }
        for input in inputs where within(canonical(input.path)) {
            return canonical(input.path) == place
                ? "\(input.what) \(input.path) itself" : "a folder that contains \(input.what) \(input.path)"
        }
        return nil
    }
}
