import Foundation
import JianfuTestSupport
import Testing

/// The HTML reports in a real browser (SPEC §6): headless Chromium renders the demo's
/// `index.html` and a unit page to PNG through `scripts/render-check.sh`, which fails on a blank
/// picture or a missing CJK font. `scripts/setup.sh` (the test command's first step) installs
/// Debian's `chromium` and `fonts-wqy-microhei`.
@Suite struct BrowserRenderTests {
    @Test func demoReportRendersInChromium() throws {
        let (dir, result) = try DemoTests.runDemo()
        defer { dir.remove() }
        try #require(result.status == 0, "\(result.stderr)")
        let report = dir.file("out")
        #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("index.html").path))
        let script = Jianfu.packageRoot.appendingPathComponent("scripts/render-check.sh")
        let check = try runProcess(URL(fileURLWithPath: "/bin/bash"), [script.path, report.path, dir.file("png").path])
        #expect(check.status == 0, "render-check: \(check.stdout) \(check.stderr)")
        for picture in ["index.png", "unit.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: dir.file("png/\(picture)").path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(picture) is \(size) bytes")
        }
    }
}
