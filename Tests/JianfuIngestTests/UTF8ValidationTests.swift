import JianfuIngest
import Testing

/// `UTF8Validation.isValid` (RFC 3629 table 3-7) decides per block whether rows need their own
/// check; the common three-byte CJK sequences take an inline path that must agree with it.
@Suite("UTF8Validation") struct UTF8ValidationTests {
    @Test(arguments: [
        ("61 62 63", true, false),                 // ASCII
        ("e4 b8 ad e6 96 87", true, false),        // 中文 (E1…EC path)
        ("e4 41 80", false, false),                // continuation byte missing
        ("e4 b8 41", false, false),                // third byte not a continuation
        ("ec bf bf", true, false),                 // the last lead of the inline path
        ("ed 9f bf", true, false),                 // ED: second byte up to 9F
        ("ed a0 80", false, false),                // a UTF-16 surrogate
        ("e0 9f bf", false, false),                // overlong (E0 needs A0…)
        ("e0 a0 80", true, false),
        ("ee 80 80 ef bf bd", true, false),        // EE, EF (U+FFFD)
        ("f0 9f 98 80", true, false),              // 4 bytes
        ("c0 80", false, false),                   // overlong NUL
        ("e4 b8", false, false),                   // cut short at the end …
        ("e4 b8", true, true),                     // … allowed when more input follows
        ("e4", true, true),
        ("61 62 63 64 65 66 67 68 e5 9b bd 69", true, false),  // after an 8-byte ASCII run
    ])
    func validity(hex: String, valid: Bool, allowTruncatedEnd: Bool) {
        let bytes = hexBytes(hex)
        let result = bytes.withUnsafeBytes { UTF8Validation.isValid($0, allowTruncatedEnd: allowTruncatedEnd) }
        #expect(result == valid)
    }
}
