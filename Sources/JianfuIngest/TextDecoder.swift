import JianfuModel
/// Turns a source's raw bytes into UTF-8, chunk by chunk (SPEC §1 "Encodings").
///
/// `auto`: a UTF-8 BOM means UTF-8; otherwise the decision waits for the first non-ASCII byte
/// (ASCII reads the same either way) and looks at up to 64 KiB from there: valid UTF-8 means
/// UTF-8, anything else GB18030. A UTF-8 BOM at the start is dropped in every mode.
public final class TextDecoder {
    private enum State { case undecided, utf8, gb18030(GB18030Decoder) }
    private var state: State
    private var atStart = true
    private var pendingStart: [UInt8] = []
    /// Bytes held back while `auto` has seen too little non-ASCII text to decide.
    private var undecidedCarry: [UInt8] = []
    public private(set) var detected: SourceEncoding

    /// `atFileStart: false` reads bytes from the middle of a file: a BOM there is data, not a
    /// byte order mark.
    public init(_ encoding: SourceEncoding, atFileStart: Bool = true) throws {
        detected = encoding
        atStart = atFileStart
        switch encoding {
        case .auto: state = .undecided
        case .utf8: state = .utf8
        case .gb18030: state = .gb18030(try GB18030Decoder())
        }
    }

    /// Decodes one chunk, appending UTF-8 to `output`.
    public func decode(_ chunk: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool) throws {
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
            bytes = dropBOM(bytes)
        }
        try decodeBody(bytes, into: &output, final: final)
    }

    private func dropBOM(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            if case .undecided = state {
                state = .utf8
                detected = .utf8
            }
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

    /// In `auto` mode before the decision: ASCII passes through; from the first non-ASCII byte,
    /// 64 KiB (or the rest of the input) decide. Fewer bytes than that, with more to come, are
    /// held back, so a chunk ending just after a GB18030 lead byte is not mistaken for UTF-8
    /// cut short.
    private func decideOrHold(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool) throws {
        guard let first = bytes.firstIndex(where: { $0 >= 0x80 }) else {
            output.append(contentsOf: bytes)
            if final {
                state = .utf8
                detected = .utf8  // ASCII is UTF-8
            }
            return
        }
        let window = 65536
        if bytes.count - first < window, !final {
            output.append(contentsOf: bytes[..<first])
            undecidedCarry.append(contentsOf: bytes[first...])
            return
        }
        let sample = UnsafeRawBufferPointer(rebasing: bytes[first..<min(bytes.count, first + window)])
        if UTF8Validation.isValid(sample, allowTruncatedEnd: sample.count == window) {
            state = .utf8
            detected = .utf8
        } else {
            state = .gb18030(try GB18030Decoder())
            detected = .gb18030
        }
        emit(bytes, into: &output, final: final)
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
public enum UTF8Validation {
    /// Whether `bytes` are valid UTF-8; with `allowTruncatedEnd`, a sequence cut short by the end
    /// of the buffer is accepted (the rest is in the next chunk).
    public static func isValid(_ bytes: UnsafeRawBufferPointer, allowTruncatedEnd: Bool = false) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            // ASCII runs eight bytes at a time.
            while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return false
            }
            for k in 1..<length {
                if i + k >= n { return allowTruncatedEnd }
                let b = bytes[i + k]
                if k == 1 ? (b < lower || b > upper) : (b < 0x80 || b > 0xBF) { return false }
            }
            i += length
        }
        return true
    }

    /// The bytes as a `String`, each invalid sequence shown as U+FFFD.
    public static func repairing(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
