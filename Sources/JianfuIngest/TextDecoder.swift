import Glibc
import JianfuModel

/// Turns a source's raw bytes into UTF-8, chunk by chunk (SPEC §1 "Encodings").
///
/// `auto`: a UTF-8 BOM means UTF-8; otherwise the decision waits for the first non-ASCII byte
/// (ASCII reads the same either way) and looks at up to 64 KiB from there (`Sample`): UTF-8
/// when it is, but for a stray bad byte here and there, else GB18030. So a UTF-8 file with a
/// stray bad byte stays UTF-8 and only that byte's row is rejected as undecodable (SPEC §5: the
/// row, not the file). A UTF-8 BOM at the start is dropped in every mode.
///
/// A declared `utf-8` or `gb18030` is checked on the same sample at the file's start: a file
/// that plainly is the other encoding is refused (`IngestError.encodingMismatch`) rather than
/// read as garbage — GB18030 read as UTF-8 would reject every row with Chinese text, UTF-8
/// read as GB18030 would turn it into other characters without a word.
///
/// What is not text is refused here too, before the CSV scanner sees it:
/// - a file that starts with a UTF-16 byte order mark (`FF FE` or `FE FF`, as Excel's "Unicode
///   text" export writes) throws `IngestError.utf16`: it is neither UTF-8 nor GB18030;
/// - a NUL byte becomes `0xFF`, like a byte GB18030 cannot decode: it is never text in a CSV
///   file, so its row is rejected as undecodable.
package final class TextDecoder {
    private enum State { case undecided, utf8, gb18030(GB18030Decoder) }
    private var state: State
    /// The encoding the pipeline declares.
    private let declared: SourceEncoding
    private var atStart = true
    private var pendingStart: [UInt8] = []
    /// Bytes held back while too little non-ASCII text has been seen to decide.
    private var undecidedCarry: [UInt8] = []
    package private(set) var detected: SourceEncoding
    /// The source's name and where it is, for errors.
    private let source: String, path: String

    /// `atFileStart: false` reads bytes from the middle of a file: a BOM there is data, not a
    /// byte order mark, and a declared encoding is taken as it is (the file's start was
    /// checked). `source` and `path` name the source in errors.
    package init(_ encoding: SourceEncoding, atFileStart: Bool = true, source: String = "", path: String = "") throws {
        declared = encoding
        detected = encoding
        atStart = atFileStart
        self.source = source
        self.path = path
        switch encoding {
        case .auto: state = .undecided
        case .utf8: state = atFileStart ? .undecided : .utf8
        case .gb18030: state = atFileStart ? .undecided : .gb18030(try GB18030Decoder())
        }
    }

    /// Decodes one chunk, appending UTF-8 to `output`.
    package func decode(_ chunk: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool) throws {
        let start = output.count
        defer { Self.markNUL(&output, from: start) }
        var bytes = chunk
        if atStart {
            // The BOM may be split across chunks; hold up to 3 bytes until it is decided.
            if !pendingStart.isEmpty || bytes.count < 3 {
                pendingStart.append(contentsOf: bytes)
                if pendingStart.count < 3 && !final { return }
                let held = pendingStart
                pendingStart = []
                atStart = false
                try held.withUnsafeBytes { raw in try decodeBody(dropBOM(raw), into: &output, final: final) }
                return
            }
            atStart = false
            bytes = try dropBOM(bytes)
        }
        try decodeBody(bytes, into: &output, final: final)
    }

    /// Drops a UTF-8 BOM (refused when GB18030 is declared); refuses a UTF-16 one.
    private func dropBOM(_ bytes: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
        if bytes.count >= 2, (bytes[0], bytes[1]) == (0xFF, 0xFE) || (bytes[0], bytes[1]) == (0xFE, 0xFF) {
            throw IngestError.utf16(source: source, path: path, bigEndian: bytes[0] == 0xFE)
        }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            if declared == .gb18030 {
                throw IngestError.encodingMismatch(source: source, path: path, declared: .gb18030, evidence: "it starts with a UTF-8 byte order mark")
            }
            state = .utf8
            detected = .utf8
            return UnsafeRawBufferPointer(rebasing: bytes[3...])
        }
        return bytes
    }

    private func decodeBody(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool) throws {
        if case .undecided = state {
            if undecidedCarry.isEmpty {
                try decideOrHold(bytes, into: &output, final: final)
            } else {
                let joined = undecidedCarry + Array(bytes)
                undecidedCarry.removeAll()
                try joined.withUnsafeBytes { try decideOrHold($0, into: &output, final: final) }
            }
            return
        }
        emit(bytes, into: &output, final: final)
    }

    /// Before the decision: ASCII passes through; from the first non-ASCII byte, 64 KiB (or the
    /// rest of the input) decide. Fewer bytes than that, with more to come, are held back, so a
    /// chunk ending just after a GB18030 lead byte is not mistaken for UTF-8 cut short.
    private func decideOrHold(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool) throws {
        guard let first = bytes.firstIndex(where: { $0 >= 0x80 }) else {
            output.append(contentsOf: bytes)
            if final { try settle(.utf8) }  // ASCII is UTF-8, and GB18030 too
            return
        }
        let window = 65536
        if bytes.count - first < window, !final {
            output.append(contentsOf: bytes[..<first])
            undecidedCarry.append(contentsOf: bytes[first...])
            return
        }
        let sample = try Sample(UnsafeRawBufferPointer(rebasing: bytes[first..<min(bytes.count, first + window)]),
                            cutAtWindow: !final || bytes.count - first > window)
        switch declared {
        case .auto:
            try settle(sample.readsAsUTF8 ? .utf8 : .gb18030)
        case .utf8:
            if !sample.readsAsUTF8 {
                throw IngestError.encodingMismatch(source: source, path: path, declared: .utf8, evidence: "its text is GB18030, not UTF-8")
            }
            try settle(.utf8)
        case .gb18030:
            if sample.isUTF8Text {
                throw IngestError.encodingMismatch(source: source, path: path, declared: .gb18030, evidence: "its text is UTF-8")
            }
            try settle(.gb18030)
        }
        emit(bytes, into: &output, final: final)
    }

    /// Decodes as `encoding` from here on; ASCII-only text keeps a declared GB18030.
    private func settle(_ encoding: SourceEncoding) throws {
        if encoding == .gb18030 || declared == .gb18030 {
            state = .gb18030(try GB18030Decoder())
            detected = .gb18030
        } else {
            state = .utf8
            detected = .utf8
        }
    }

    /// The first non-ASCII text of a file, up to 64 KiB, as evidence of its encoding: its
    /// well-formed UTF-8 sequences of 2 to 4 bytes, and how many of its bytes each encoding fails
    /// to decode.
    ///
    /// GB18030 Chinese read as UTF-8 fails on most characters (a character forms a valid UTF-8
    /// sequence by chance about one time in ten). UTF-8 read as GB18030 fails only where a run
    /// of Chinese characters has an odd number of bytes — often, not always. A file in the right
    /// encoding fails only at its stray bad bytes, whose rows are then rejected (not the file).
    private struct Sample {
        let utf8Sequences: Int, utf8Errors: Int, gb18030Errors: Int

        /// `cutAtWindow`: more text follows, so a sequence cut at the end is no error.
        init(_ bytes: UnsafeRawBufferPointer, cutAtWindow: Bool) throws {
            (utf8Sequences, utf8Errors) = UTF8Validation.tally(bytes, allowTruncatedEnd: cutAtWindow)
            var decoded: [UInt8] = []
            try GB18030Decoder().decode(bytes, into: &decoded, final: !cutAtWindow)
            gb18030Errors = decoded.reduce(0) { $0 + ($1 == 0xFF ? 1 : 0) }
        }

        /// UTF-8 with at most one bad byte per 8 characters, or at least no worse as UTF-8 than as
        /// GB18030: how `auto` decides, and what a declared `utf-8` must be.
        var readsAsUTF8: Bool { utf8Errors * 8 <= utf8Sequences || utf8Errors <= gb18030Errors }

        /// UTF-8 beyond chance: at least 4 characters, at most one bad byte per 8 of them. A
        /// declared `gb18030` must not be this.
        var isUTF8Text: Bool { utf8Sequences >= 4 && utf8Errors * 8 <= utf8Sequences }
    }

    /// Replaces each NUL byte of `output` from `start` on with `0xFF`, which no UTF-8 text holds,
    /// so the row is rejected as undecodable. `memchr` keeps this a scan at memory speed.
    private static func markNUL(_ output: inout [UInt8], from start: Int) {
        guard start < output.count else { return }
        output.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var from = start
            while from < buffer.count, let hit = memchr(base + from, 0, buffer.count - from) {
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                buffer[at] = 0xFF
                from = at + 1
            }
        }
    }

    private func emit(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool) {
        switch state {
        case .undecided, .utf8:
            output.append(contentsOf: bytes)
        case .gb18030(let decoder):
            decoder.decode(bytes, into: &output, final: final)
        }
    }
}

/// UTF-8 validity checks on bytes (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
package enum UTF8Validation {
    /// Whether `bytes` are valid UTF-8; with `allowTruncatedEnd`, a sequence cut short by the end
    /// of the buffer is accepted (the rest is in the next chunk).
    package static func isValid(_ bytes: UnsafeRawBufferPointer, allowTruncatedEnd: Bool = false) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            // ASCII runs eight bytes at a time.
            while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            // Most Chinese text is three-byte sequences led by E1…EC (no range exception on the
            // second byte): checked inline, without the table.
            if b0 >= 0xE1, b0 <= 0xEC, i + 2 < n, bytes[i + 1] & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80 {
                i += 3
                continue
            }
            guard let (length, lower, upper) = sequence(startingWith: b0) else { return false }
            for k in 1..<length {
                if i + k >= n { return allowTruncatedEnd }
                let b = bytes[i + k]
                if k == 1 ? (b < lower || b > upper) : (b < 0x80 || b > 0xBF) { return false }
            }
            i += length
        }
        return true
    }

    /// How many well-formed sequences of 2 to 4 bytes `bytes` holds, and how many bytes start
    /// none (each counted once, then skipped); with `allowTruncatedEnd`, a sequence cut short by
    /// the end of the buffer counts as neither.
    package static func tally(_ bytes: UnsafeRawBufferPointer, allowTruncatedEnd: Bool) -> (sequences: Int, invalid: Int) {
        var sequences = 0, invalid = 0
        var i = 0
        let n = bytes.count
        scan: while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let (length, lower, upper) = sequence(startingWith: b0) ?? (0, 0, 0)
            var ok = length > 0
            if ok {
                for k in 1..<length {
                    if i + k >= n {
                        if allowTruncatedEnd { break scan }
                        ok = false
                        break
                    }
                    let b = bytes[i + k]
                    if k == 1 ? (b < lower || b > upper) : (b < 0x80 || b > 0xBF) { ok = false; break }
                }
            }
            if ok {
                sequences += 1
                i += length
            } else {
                invalid += 1
                i += 1
            }
        }
        return (sequences, invalid)
    }

    /// The length of the sequence a lead byte starts and the range its second byte must fall in
    /// (RFC 3629 table 3-7); `nil` for a byte that starts no sequence.
    @inline(__always)
    static func sequence(startingWith b0: UInt8) -> (length: Int, lower: UInt8, upper: UInt8)? {
        switch b0 {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
        case 0xED: (3, 0x80, 0x9F)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)
        default: nil
        }
    }

    /// The bytes as a `String`, each invalid sequence shown as U+FFFD.
    package static func repairing(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
