import JianfuModel
import Glibc

/// A streaming GB18030 → UTF-8 decoder over Glibc's `iconv` (GBK is a subset of GB18030).
///
/// Foundation's `String(data:encoding:)` is not used: it has had GB18030 regressions on Linux.
/// Bytes that are not GB18030 become the single byte `0xFF` in the output — a byte that never
/// occurs in UTF-8 — so the row holding them is rejected as undecodable and the rest of the
/// file is read as usual (SPEC §5: "undecodable bytes (the row, not the file)").
/// A multi-byte sequence split across two chunks is carried over to the next call.
package final class GB18030Decoder {
    private let descriptor: iconv_t
    private var carry: [UInt8] = []

    package init() throws {
        let cd = iconv_open("UTF-8", "GB18030")
        guard let cd, cd != iconv_t(bitPattern: -1) else { throw IngestError.encodingUnavailable("GB18030") }
        descriptor = cd
    }

    deinit { iconv_close(descriptor) }

    /// Decodes `input`, appending UTF-8 to `output`. With `final`, an incomplete trailing
    /// sequence is emitted as undecodable instead of being kept for the next chunk.
    package func decode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool) {
        if carry.isEmpty {
            convert(input, into: &output, final: final)
        } else {
            let joined = carry + Array(input)
            carry.removeAll(keepingCapacity: true)
            joined.withUnsafeBytes { convert($0, into: &output, final: final) }
        }
    }

    private func convert(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], final: Bool) {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var inPointer = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        while inLeft > 0 {
            let produced: Int
            var failure: Int32 = 0
            (produced, failure) = scratch.withUnsafeMutableBytes { out -> (Int, Int32) in
                var outPointer: UnsafeMutablePointer<CChar>? = out.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = out.count
                var inOptional: UnsafeMutablePointer<CChar>? = inPointer
                let result = iconv(descriptor, &inOptional, &inLeft, &outPointer, &outLeft)
                inPointer = inOptional!
                return (out.count - outLeft, result == -1 ? errno : 0)
            }
            output.append(contentsOf: scratch[0..<produced])
            switch failure {
            case 0, E2BIG:
                continue
            case EINVAL where !final:
                // An incomplete sequence at the end of this chunk: keep it for the next one.
                carry.append(contentsOf: UnsafeRawBufferPointer(start: inPointer, count: inLeft))
                return
            default:
                // EILSEQ (or an incomplete sequence at end of input): mark and skip one byte.
                output.append(0xFF)
                inPointer += 1
                inLeft -= 1
            }
        }
    }
}
