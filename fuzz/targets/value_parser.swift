// libFuzzer target: ValueParser on arbitrary bytes, against a reference written here: after
// trimming spaces and tabs, empty → .empty; `-`? digits (`.` digits)? → the value strtod reads
// (bit for bit: the parser claims correct rounding), negative when `-`, .outOfRange from 10^15
// up; anything else → .invalid.
import Glibc
import JianfuIngest

func reference(_ bytes: UnsafeBufferPointer<UInt8>) -> ValueParser.Outcome {
    var text = Array(bytes)
    while let first = text.first, first == 0x20 || first == 0x09 { text.removeFirst() }
    while let last = text.last, last == 0x20 || last == 0x09 { text.removeLast() }
    if text.isEmpty { return .empty }
    let negative = text.first == UInt8(ascii: "-")
    if negative { text.removeFirst() }
    let isDigit = { (b: UInt8) in (0x30...0x39).contains(b) }
    let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isDigit) }) else { return .invalid }
    let value = strtod(String(decoding: text, as: UTF8.self), nil)
    if value >= 1e15 { return .outOfRange }
    return negative ? .negative(-value) : .value(value)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let outcome = ValueParser.parse(bytes)
    let expected = reference(bytes)
    switch (outcome, expected) {
    case (.value(let a), .value(let b)), (.negative(let a), .negative(let b)):
        check(a.bitPattern == b.bitPattern, "parsed \(a), strtod reads \(b)")
        check(a.isFinite && a.magnitude < 1e15, "\(a) is out of range")
    default:
        check(outcome == expected, "parsed \(outcome), expected \(expected)")
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
