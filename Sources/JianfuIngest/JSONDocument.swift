/// A JSON text (RFC 8259) held as bytes, walked without building a tree: enough to check its
/// syntax, find the array of records at a dotted path and read each record's members as text.
///
/// Invariants:
/// - `validate()` passes over the whole text before anything else reads it, so every other
///   walk may assume well-formed JSON (they never see a syntax error half-way through).
/// - Positions are byte offsets into `bytes`; a value's range runs from its first byte to just
///   after its last.
/// - Scalars keep their text as written: a number is not converted (so `12.50` stays `12.50`
///   and is then judged by the same value rules as a CSV cell), a string is unescaped to UTF-8.
struct JSONDocument {
    /// A syntax error or a document of the wrong shape, with where it is.
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    let bytes: UnsafeBufferPointer<UInt8>

    /// The document's root value starts here (after a UTF-8 BOM, which RFC 8259 lets parsers
    /// skip, and white space).
    var root: Int {
        var i = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        skipSpace(&i)
        return i
    }

    // MARK: Checking

    /// Throws the first syntax error, if any.
    func validate() throws {
        var i = root
        try skipValue(&i, depth: 0)
        skipSpace(&i)
        if i < bytes.count { throw Failure(offset: i, message: "text after the end of the JSON value") }
    }

    /// Deeper nesting than this is refused rather than risking the stack.
    static let maxDepth = 512

    private func skipValue(_ i: inout Int, depth: Int) throws {
        guard i < bytes.count else { throw Failure(offset: i, message: "a value is expected, the text ends") }
        guard depth < Self.maxDepth else { throw Failure(offset: i, message: "nested more than \(Self.maxDepth) levels deep") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            skipSpace(&i)
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return }
            while true {
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure(offset: i, message: "a member name in quotes is expected") }
                try skipString(&i)
                skipSpace(&i)
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Failure(offset: i, message: "':' is expected after a member name") }
                i += 1
                skipSpace(&i)
                try skipValue(&i, depth: depth + 1)
                skipSpace(&i)
                guard i < bytes.count else { throw Failure(offset: i, message: "'}' is expected, the text ends") }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return }
                guard bytes[i] == UInt8(ascii: ",") else { throw Failure(offset: i, message: "',' or '}' is expected") }
                i += 1
                skipSpace(&i)
            }
        case UInt8(ascii: "["):
            i += 1
            skipSpace(&i)
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                try skipValue(&i, depth: depth + 1)
                skipSpace(&i)
                guard i < bytes.count else { throw Failure(offset: i, message: "']' is expected, the text ends") }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return }
                guard bytes[i] == UInt8(ascii: ",") else { throw Failure(offset: i, message: "',' or ']' is expected") }
                i += 1
                skipSpace(&i)
            }
        case UInt8(ascii: "\""):
            try skipString(&i)
        case UInt8(ascii: "t"): try skipLiteral("true", &i)
        case UInt8(ascii: "f"): try skipLiteral("false", &i)
        case UInt8(ascii: "n"): try skipLiteral("null", &i)
        default:
            try skipNumber(&i)
        }
    }

    private func skipLiteral(_ literal: StaticString, _ i: inout Int) throws {
        let count = literal.utf8CodeUnitCount
        guard i + count <= bytes.count,
              (0..<count).allSatisfy({ bytes[i + $0] == literal.utf8Start[$0] }) else {
            throw Failure(offset: i, message: "a value is expected")
        }
        i += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private func skipNumber(_ i: inout Int) throws {
        let start = i
        func digits() -> Int {
            let from = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - from
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let leadingZero = i < bytes.count && bytes[i] == UInt8(ascii: "0")
        let integer = digits()
        guard integer > 0, !(leadingZero && integer > 1) else { throw Failure(offset: start, message: "a value is expected") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw Failure(offset: i, message: "digits are expected after '.'") }
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw Failure(offset: i, message: "digits are expected in the exponent") }
        }
    }

    /// From the opening quote to just after the closing one. Control characters must be
    /// escaped; the escapes must be JSON's.
    private func skipString(_ i: inout Int) throws {
        let start = i
        i += 1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return }
            if b < 0x20 { throw Failure(offset: i, message: "a control character inside a string must be escaped") }
            if b == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { break }
                switch bytes[i + 1] {
                case UInt8(ascii: "u"):
                    guard i + 6 <= bytes.count, (i + 2..<i + 6).allSatisfy({ Self.hexValue(bytes[$0]) != nil }) else {
                        throw Failure(offset: i, message: "\\u must be followed by four hex digits")
                    }
                    i += 6
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                default:
                    throw Failure(offset: i, message: "unknown escape in a string")
                }
                continue
            }
            i += 1
        }
        throw Failure(offset: start, message: "a string is not closed before the end of the text")
    }

    func skipSpace(_ i: inout Int) {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    // MARK: Walking a valid document

    /// The end of the value starting at `start`.
    func end(of start: Int) -> Int {
        var i = start
        try? skipValue(&i, depth: 0)
        return i
    }

    /// Calls `body` with each member of the object at `start`: its unescaped name and where its
    /// value starts.
    func forEachMember(ofObjectAt start: Int, _ body: ([UInt8], Int) throws -> Void) rethrows {
        var i = start + 1
        skipSpace(&i)
        var name: [UInt8] = []
        while i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            name.removeAll(keepingCapacity: true)
            unescapeString(at: &i, into: &name)
            skipSpace(&i)
            i += 1  // ':'
            skipSpace(&i)
            let valueStart = i
            try body(name, valueStart)
            i = end(of: valueStart)
            skipSpace(&i)
            if bytes[i] == UInt8(ascii: ",") { i += 1; skipSpace(&i) }
        }
    }

    /// Calls `body` with where each element of the array at `start` begins.
    func forEachElement(ofArrayAt start: Int, _ body: (Int) throws -> Void) rethrows {
        var i = start + 1
        skipSpace(&i)
        while i < bytes.count, bytes[i] != UInt8(ascii: "]") {
            try body(i)
            i = end(of: i)
            skipSpace(&i)
            if bytes[i] == UInt8(ascii: ",") { i += 1; skipSpace(&i) }
        }
    }

    /// What kind of value starts at `start`.
    func isObject(_ start: Int) -> Bool { start < bytes.count && bytes[start] == UInt8(ascii: "{") }
    func isArray(_ start: Int) -> Bool { start < bytes.count && bytes[start] == UInt8(ascii: "[") }

    /// The value at `start` as the text of a cell: a string unescaped, `null` empty, a number,
    /// `true`, `false`, an object or an array as written.
    func appendText(ofValueAt start: Int, to out: inout [UInt8]) {
        var i = start
        switch bytes[start] {
        case UInt8(ascii: "\""):
            unescapeString(at: &i, into: &out)
        case UInt8(ascii: "n"):
            break
        default:
            appendJSON(ofValueAt: start, to: &out)
        }
    }

    /// The value at `start` as it is written in the text.
    func appendJSON(ofValueAt start: Int, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end(of: start)]))
    }

    /// Appends the unescaped UTF-8 of the string at `i` (its opening quote) and moves `i` past
    /// it. A lone surrogate escape becomes U+FFFD.
    func unescapeString(at i: inout Int, into out: inout [UInt8]) {
        i += 1
        while bytes[i] != UInt8(ascii: "\"") {
            guard bytes[i] == UInt8(ascii: "\\") else {
                out.append(bytes[i])
                i += 1
                continue
            }
            let escape = bytes[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(at: i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u"), case let low = hex4(at: i + 2), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: out.append(escape)  // \" \\ \/
            }
        }
        i += 1
    }

    private func hex4(at i: Int) -> UInt32 {
        (i..<i + 4).reduce(0) { $0 << 4 | Self.hexValue(bytes[$1])! }
    }

    /// Line and column (from 1, in bytes) of `offset`, for messages.
    func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}
