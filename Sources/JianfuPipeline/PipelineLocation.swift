import Foundation

/// Where a pipeline file is, for the paths in it (SPEC §2: "Relative paths are relative to the
/// pipeline file").
struct PipelineLocation {
    /// The file's absolute, standardized path.
    let file: String
    /// The file's name without its extension (`demo` for `pipelines/demo.yml`): the default
    /// pipeline `name` and the NAME of the default output dir `../reports/NAME`.
    let baseName: String
    private let folder: URL

    init(path: String) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        file = url.path
        baseName = url.deletingPathExtension().lastPathComponent
        folder = url.deletingLastPathComponent()
    }

    /// `path` made absolute against the pipeline file's folder, with `.` and `..` removed.
    func resolve(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL.path
    }
}
