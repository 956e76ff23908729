import Foundation

/// The built `jianfu` executable and the package it comes from; each test target adds its own
/// `run` with the defaults its tests want.
public enum Jianfu {
    /// The built `jianfu` next to the test bundle: the bundle (`…/debug/jianfuPackageTests.xctest`)
    /// or its parent holds it, depending on the platform; else `<package>/.build/debug/jianfu`.
    public static let executable: URL = {
        let fm = FileManager.default
        // Linux runs the bundle itself (argv[0]); macOS runs it inside `xctest`, so also look
        // beside any loaded `.xctest` bundle.
        let starts = [URL(fileURLWithPath: CommandLine.arguments[0])]
            + Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }
        for start in starts {
            var folder = start.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("jianfu")
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   fm.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                folder = folder.deletingLastPathComponent()
            }
        }
        return packageRoot.appendingPathComponent(".build/debug/jianfu")
    }()

    /// The package root, from this file's place in `Tests/JianfuTestSupport/`.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
