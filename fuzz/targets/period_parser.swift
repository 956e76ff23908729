// libFuzzer target: PeriodParser on arbitrary bytes. A period it accepts has a year in
// 1900...2199, prints canonically (`2024-03`, `2024Q1`, `2024`) and reads back as itself; the
// String and byte entry points agree; bytes outside ASCII digits, spaces, `-/Qq` and the
// Chinese spellings are never accepted.
import JianfuModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let parsed = PeriodParser.parse(bytes)
    if let string = String(validating: bytes, as: UTF8.self) {
        check(PeriodParser.parse(string) == parsed, "String and byte parsing disagree")
    }
    guard let period = parsed else { return 0 }
    check((1900...2199).contains(period.year), "year \(period.year) out of range")
    check(PeriodParser.parse(period.description) == period, "\(period) does not read back as itself")
    let cjk = Array("年月第季度一二三四".utf8)
    for byte in bytes {
        let ok = (0x30...0x39).contains(byte) || [0x20, 0x09, UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "Q"), UInt8(ascii: "q")].contains(byte)
            || cjk.contains(byte)
        check(ok, "accepted a period with byte \(byte)")
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
