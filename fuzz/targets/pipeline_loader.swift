// libFuzzer target: PipelineLoader on arbitrary bytes written to a pipeline file. It must
// return a configuration or throw PipelineError — never crash, hang or throw anything else
// (SPEC §2: a wrong pipeline file gets an error naming the file, the line and the key). An
// error's line is within the file.
import Foundation
import JianfuPipeline

let folder: String = {
    let path = NSTemporaryDirectory() + "jianfu-fuzz-loader-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()
let file = folder + "/p.yml"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard FileManager.default.createFile(atPath: file, contents: bytes) else { fail("cannot write \(file)") }
    do {
        _ = try PipelineLoader.load(path: file)
    } catch let error as PipelineError {
        let lines = 1 + lineBreaks(bytes)
        switch error {
        case .syntax(_, let line, _), .unknownKey(_, let line, _, _, _), .missingKey(_, let line, _, _),
             .invalidValue(_, let line, _, _, _), .anchorOrAlias(_, let line, _):
            check(line >= 1 && line <= lines + 1, "error at line \(line) of a \(lines)-line file: \(error)")
        case .unreadable:
            break
        case .unusedCategory:
            fail("unusedCategory comes from the units, after loading: \(error)")
        }
        check(!error.description.isEmpty)
    } catch {
        fail("not a PipelineError: \(type(of: error)): \(error)")
    }
    return 0
}

/// A failed invariant: the message is printed even in an optimized build, then the process traps
/// so that libFuzzer saves the input.
func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fail(message()) }
}

func fail(_ message: String) -> Never {
    fatalError("invariant broken: \(message)")
}

/// Line breaks as YAML counts them: LF, CR, CRLF (one), NEL, LS, PS.
func lineBreaks(_ bytes: Data) -> Int {
    let b = [UInt8](bytes)
    var n = 0
    for i in b.indices {
        if b[i] == 0x0A || (b[i] == 0x0D && (i + 1 == b.count || b[i + 1] != 0x0A)) { n += 1 }
        if b[i] == 0xC2, i + 1 < b.count, b[i + 1] == 0x85 { n += 1 }
        if b[i] == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 { n += 1 }
    }
    return n
}
