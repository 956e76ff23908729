/// A minimal reader of the XML that `.xlsx` parts are written in (ECMA-376 SpreadsheetML): tags
/// with their attributes and the text that follows each tag, in document order. It reads what
/// Excel, WPS, LibreOffice and openpyxl write: elements with or without a namespace prefix
/// (the local name is compared), attributes in `"` or `'`, the five predefined entities and
/// character references. Comments, processing instructions and `<!DOCTYPE …>` are skipped; a
/// `CDATA` section is kept as text. It does not validate: a part that is not well formed reads
/// as far as it makes sense, and what is missing is reported by the caller.
///
/// It works on a complete stretch of bytes, so a sheet is fed to it one run of whole rows at a
/// time (`XLSXSheetReader`), never whole.
struct XMLTags {
    enum Kind { case open, close, empty }

    /// One tag: its local name, kind, attribute text and the raw text after it (up to the next `<`).
    struct Tag {
        var kind: Kind
        var name: UnsafeBufferPointer<UInt8>
        var attributes: UnsafeBufferPointer<UInt8>
        var text: UnsafeBufferPointer<UInt8>

        func isNamed(_ local: StaticString) -> Bool {
            guard name.count == local.utf8CodeUnitCount else { return false }
            let l = local.utf8Start
            for i in 0..<name.count where name[i] != l[i] { return false }
            return true
        }

        /// The raw (undecoded) value of attribute `wanted` (its local name), or nil when it is
        /// missing: the look-up, without allocation, of the cell and row attributes `r`, `t` and
        /// `s`, whose values (references, type letters, numbers) no producer escapes.
        func rawAttribute(_ wanted: StaticString) -> UnsafeBufferPointer<UInt8>? {
            let key = UnsafeBufferPointer(start: wanted.utf8Start, count: wanted.utf8CodeUnitCount)
            return value { XMLTags.localName($0).elementsEqual(key) }
        }

        /// The decoded value of attribute `wanted` (its local name, or `r:id` as written).
        func attribute(_ wanted: String) -> String? {
            let key = Array(wanted.utf8)
            let qualified = key.contains(UInt8(ascii: ":"))
            return value { name in name.elementsEqual(key) || (!qualified && XMLTags.localName(name).elementsEqual(key)) }
                .map(XMLTags.decode)
        }

        /// The raw value of the first attribute whose name (as written) `matches`: the one scan
        /// of `name="value"` / `name='value'` pairs both look-ups use.
        @inline(__always)
        private func value(_ matches: (UnsafeBufferPointer<UInt8>) -> Bool) -> UnsafeBufferPointer<UInt8>? {
            var i = 0
            let a = attributes
            while i < a.count {
                while i < a.count, XMLTags.isSpace(a[i]) { i += 1 }
                let nameStart = i
                while i < a.count, a[i] != UInt8(ascii: "="), !XMLTags.isSpace(a[i]) { i += 1 }
                let nameEnd = i
                while i < a.count, a[i] != UInt8(ascii: "\"") && a[i] != UInt8(ascii: "'") { i += 1 }
                guard i < a.count else { return nil }
                let quote = a[i]
                i += 1
                let valueStart = i
                while i < a.count, a[i] != quote { i += 1 }
                let valueEnd = min(i, a.count)
                i += 1
                if matches(UnsafeBufferPointer(rebasing: a[nameStart..<nameEnd])) {
                    return UnsafeBufferPointer(rebasing: a[valueStart..<valueEnd])
                }
            }
            return nil
        }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    static func localName(_ name: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let colon = name.lastIndex(of: UInt8(ascii: ":")) else { return name }
        return UnsafeBufferPointer(rebasing: name[(colon + 1)...])
    }

    /// Calls `body` with every tag of `bytes` in order. Returns the offset just past the last
    /// complete tag's text: what is left is an unfinished tag (to be read with more bytes).
    @discardableResult
    static func forEach(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Tag) throws -> Void) rethrows -> Int {
        let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">")
        let n = bytes.count
        var i = 0
        while i < n, bytes[i] != lt { i += 1 }
        while i < n {
            // bytes[i] == "<"
            let start = i
            if i + 1 < n, bytes[i + 1] == UInt8(ascii: "!") || bytes[i + 1] == UInt8(ascii: "?") {
                // comment, processing instruction, DOCTYPE or CDATA
                if bytes[(i + 1)...].starts(with: Array("![CDATA[".utf8)) {
                    guard let end = find(Array("]]>".utf8), in: bytes, from: i + 9) else { return start }
                    i = end + 3
                } else if bytes[(i + 1)...].starts(with: Array("!--".utf8)) {
                    guard let end = find(Array("-->".utf8), in: bytes, from: i + 4) else { return start }
                    i = end + 3
                } else {
                    guard let end = bytes[i...].firstIndex(of: gt) else { return start }
                    i = end + 1
                }
                while i < n, bytes[i] != lt { i += 1 }
                continue
            }
            guard let close = bytes[i...].firstIndex(of: gt) else { return start }
            var kind = Kind.open
            var nameStart = i + 1
            var tagEnd = close
            if nameStart < n, bytes[nameStart] == UInt8(ascii: "/") { kind = .close; nameStart += 1 }
            if tagEnd > nameStart, bytes[tagEnd - 1] == UInt8(ascii: "/") { kind = .empty; tagEnd -= 1 }
            var nameEnd = nameStart
            while nameEnd < tagEnd, !isSpace(bytes[nameEnd]) { nameEnd += 1 }
            var textEnd = close + 1
            while textEnd < n, bytes[textEnd] != lt { textEnd += 1 }
            try body(Tag(
                kind: kind,
                name: localName(UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])),
                attributes: UnsafeBufferPointer(rebasing: bytes[nameEnd..<tagEnd]),
                text: UnsafeBufferPointer(rebasing: bytes[(close + 1)..<textEnd])))
            i = textEnd
        }
        return n
    }

    static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// XML text with its entity and character references replaced, appended to `out`; also
    /// Excel's `_xHHHH_` escapes of control characters (ECMA-376 Part 1, 22.9.2.19).
    static func appendDecoded(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let amp = UInt8(ascii: "&"), underscore = UInt8(ascii: "_")
        guard text.contains(where: { $0 == amp || $0 == underscore }) else {
            out.append(contentsOf: text)
            return
        }
        var i = 0
        while i < text.count {
            let b = text[i]
            if b == amp, let semi = text[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) {
                let entity = String(decoding: text[(i + 1)..<semi], as: UTF8.self)
                var scalar: Unicode.Scalar?
                switch entity {
                case "amp": scalar = "&"
                case "lt": scalar = "<"
                case "gt": scalar = ">"
                case "quot": scalar = "\""
                case "apos": scalar = "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                    } else if entity.hasPrefix("#") {
                        scalar = UInt32(entity.dropFirst(1)).flatMap(Unicode.Scalar.init)
                    }
                }
                if let scalar {
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i = semi + 1
                    continue
                }
            } else if b == underscore, i + 6 < text.count, text[i + 1] == UInt8(ascii: "x"), text[i + 6] == underscore,
                      let code = UInt32(String(decoding: text[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(code) {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                i += 7
                continue
            }
            out.append(b)
            i += 1
        }
    }

    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        appendDecoded(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
