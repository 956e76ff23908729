import JianfuModel
/// A streaming RFC 4180 record scanner over UTF-8 bytes.
///
/// Invariants:
/// - `pending` holds decoded bytes not yet consumed; its first byte is always the first byte of
///   a record, and `line` is that record's physical line number (the header is line 1).
/// - A chunk boundary may fall anywhere — inside a quoted field, between CR and LF, between the
///   two quotes of an escaped `""`, inside a multi-byte character. A record is handed out only
///   once its terminator has been seen (or the input has ended), so an incomplete tail simply
///   waits in `pending` for the next chunk. An incomplete record inside a quoted field is not
///   re-scanned from its start on every chunk: `openQuoteCheckedTo` remembers how far its open
///   field has been searched for the closing quote, only the new bytes are searched, and the
///   record is scanned whole once the quote closes — so a long quoted field costs linear time.
/// - A record (in practice: a stray quote that makes one field of the rest of the file) may not
///   grow beyond `maximumRecordBytes` without ending: `scan` throws `RecordTooLong` rather than
///   hold the file in memory.
/// - A record keeps the positions of at most `maximumFields` fields: past them it is still
///   scanned to its end, but marked `tooManyFields` (so a 60 MiB line of commas costs its bytes,
///   not 24 bytes of position per comma). The check sits where the field buffer would grow, off
///   the path of ordinary records.
/// - Quotes are tracked per field: a field is quoted only when its first byte is `"`; inside it,
///   `""` is a quote and delimiters and line breaks are data. A `"` inside an unquoted field is
///   data (as spreadsheets read it). Text after a closing quote marks the record malformed.
/// - Line ends are LF, CRLF or a lone CR; each counts one physical line, inside quotes too.
package final class CSVScanner {
    /// What made a record malformed; such a record is rejected whole.
    package enum Problem: Equatable, Sendable {
        case unterminatedQuote
        case textAfterClosingQuote
        /// More than `maximumFields` fields; only the first `maximumFields` are kept.
        case tooManyFields
    }

    struct Span {
        var start: Int
        var end: Int
        var inScratch: Bool
    }

    /// A record that reached `maximumRecordBytes` without ending.
    package struct RecordTooLong: Error, Equatable {
        /// The physical line the record starts on.
        package let line: Int
        /// True when a quoted field opened in it is still open.
        package let insideQuotes: Bool
    }

    package let delimiter: UInt8
    /// The longest a record may grow while waiting for its end (64 MiB by default).
    package let maximumRecordBytes: Int
    /// The most fields a record may have (4096 by default); see `Problem.tooManyFields`.
    package let maximumFields: Int
    /// When the record at the start of `pending` ended inside an open quoted field: the offset
    /// from which to keep searching for its closing quote.
    private var openQuoteCheckedTo: Int?
    /// The delimiter in each byte of a word, for `endOfUnquotedField`.
    private let delimiters: UInt64
    /// Decoded bytes waiting to be scanned; decoders append here.
    package var pending: [UInt8] = []
    private var line = 1
    /// The physical line the next record starts on; `nextLine - 1` lines have been consumed.
    package var nextLine: Int { line }
    // The fields of the record being scanned, and the unescaped text of its quoted fields that
    // held `""`: reused buffers managed by hand, so a record costs no allocation and no
    // reference counting. `scanRecord` works on local copies and stores them back once.
    private var spans: GrowableBuffer<Span>
    private var scratch = GrowableBuffer<UInt8>(capacity: 4096)

    /// `firstLine`: the line number of the first record (1; a rendered source whose header is
    /// further down, such as an `.xlsx` sheet's `header_row`, starts there).
    package init(delimiter: UInt8 = UInt8(ascii: ","), maximumRecordBytes: Int = 64 << 20, maximumFields: Int = 4096, firstLine: Int = 1) {
        self.delimiter = delimiter
        line = firstLine
        self.maximumRecordBytes = maximumRecordBytes
        self.maximumFields = maximumFields
        precondition(maximumFields >= 1, "a record has at least one field")
        spans = GrowableBuffer(capacity: 64, limit: maximumFields)
        delimiters = Self.everyByte(delimiter)
    }

    deinit {
        spans.deallocate()
        scratch.deallocate()
    }

    /// Hands every complete record in `pending` to `body`; with `final`, the tail too.
    ///
    /// The bytes are checked for valid UTF-8 once per call; when they are valid, every record is
    /// marked so (`isKnownValidUTF8`) and readers skip their per-row check. Throws
    /// `RecordTooLong` when the incomplete record left in `pending` exceeds `maximumRecordBytes`.
    package func scan(final: Bool, _ body: (CSVRecord) throws -> Void) throws {
        var consumed = 0
        var resume: Int?
        try pending.withUnsafeBufferPointer { bytes in
            if let from = openQuoteCheckedTo, !final, let open = Self.stillOpen(bytes, from: from) {
                resume = open  // the record's quoted field is still open: nothing new to hand out
                return
            }
            let valid = UTF8Validation.isValid(UnsafeRawBufferPointer(bytes), allowTruncatedEnd: !final)
            while consumed < bytes.count {
                guard let (end, next, lines, problem) = scanRecord(bytes, from: consumed, final: final, openQuote: &resume) else { break }
                let record = CSVRecord(
                    bytes: bytes, scratch: UnsafeBufferPointer(start: scratch.base, count: scratch.count),
                    spans: UnsafeBufferPointer(start: spans.base, count: spans.count), line: line,
                    raw: UnsafeBufferPointer(rebasing: bytes[consumed..<end]), problem: problem,
                    isKnownValidUTF8: valid)
                try body(record)
                line += lines
                consumed = next
            }
        }
        pending.removeSubrange(0..<consumed)
        openQuoteCheckedTo = resume.map { $0 - consumed }
        if pending.count > maximumRecordBytes {
            throw RecordTooLong(line: line, insideQuotes: openQuoteCheckedTo != nil)
        }
    }

    /// Continues the search for the closing quote of the open quoted field of the record at
    /// the start of `bytes`, from `from` (inside the field). Returns where to search from next
    /// time when the field is still open; `nil` when it closed (the record can be scanned).
    private static func stillOpen(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let quote = UInt8(ascii: "\"")
        var p = from
        while p < bytes.count {
            guard bytes[p] == quote else {
                p += 1
                continue
            }
            if p + 1 == bytes.count { return p }  // `"` or `""`: the next byte decides
            if bytes[p + 1] != quote { return nil }  // closed
            p += 2
        }
        return p
    }

    /// Scans one record starting at `start`. Returns the end of its content, where the next
    /// record starts, how many physical lines it spans, and its problem; `nil` when more input is
    /// needed to know where it ends.
    /// When more input is needed inside a quoted field, `openQuote` is set to the offset from
    /// which its closing quote is still to be found.
    private func scanRecord(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, final: Bool, openQuote: inout Int?
    ) -> (Int, Int, Int, Problem?)? {
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let delimiter = self.delimiter
        let delimiters = self.delimiters
        let count = bytes.count
        var spans = self.spans
        var scratch = self.scratch
        spans.count = 0
        scratch.count = 0
        defer {
            self.spans = spans
            self.scratch = scratch
        }
        var p = start
        var lines = 0
        var problem: Problem?
        while true {
            if p < count, bytes[p] == quote {
                p += 1
                let contentStart = p
                var escaped = false
                var contentEnd = -1
                while contentEnd < 0 {
                    if p == count {
                        guard final else {
                            openQuote = p
                            return nil
                        }
                        problem = .unterminatedQuote
                        contentEnd = count
                        break
                    }
                    let b = bytes[p]
                    if b == quote {
                        if p + 1 == count, !final {
                            openQuote = p
                            return nil
                        }
                        if p + 1 < count, bytes[p + 1] == quote {
                            escaped = true
                            p += 2
                            continue
                        }
                        contentEnd = p
                        p += 1
                    } else {
                        if b == lf || (b == cr && (p + 1 == count || bytes[p + 1] != lf)) { lines += 1 }
                        p += 1
                    }
                }
                if !spans.hasRoom {
                    problem = problem ?? .tooManyFields
                } else if escaped {
                    let scratchStart = scratch.count
                    var k = contentStart
                    while k < contentEnd {
                        scratch.append(bytes[k])
                        k += bytes[k] == quote ? 2 : 1
                    }
                    spans.append(Span(start: scratchStart, end: scratch.count, inScratch: true))
                } else {
                    spans.append(Span(start: contentStart, end: contentEnd, inScratch: false))
                }
                if p < count, bytes[p] != delimiter, bytes[p] != lf, bytes[p] != cr {
                    problem = problem ?? .textAfterClosingQuote
                    while p < count, bytes[p] != delimiter, bytes[p] != lf, bytes[p] != cr { p += 1 }
                }
            } else {
                let fieldStart = p
                p = Self.endOfUnquotedField(bytes, from: p, delimiters: delimiters)
                if spans.hasRoom {
                    spans.append(Span(start: fieldStart, end: p, inScratch: false))
                } else {
                    problem = problem ?? .tooManyFields
                }
            }
            if p == count {
                guard final else { return nil }
                return (count, count, lines, problem)
            }
            let b = bytes[p]
            if b == delimiter {
                p += 1
                continue
            }
            if b == lf { return (p, p + 1, lines + 1, problem) }
            // CR: a CRLF pair or a lone CR.
            if p + 1 == count {
                guard final else { return nil }
                return (p, p + 1, lines + 1, problem)
            }
            return (p, bytes[p + 1] == lf ? p + 2 : p + 1, lines + 1, problem)
        }
    }
}

extension CSVScanner {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    static func everyByte(_ byte: UInt8) -> UInt64 { ones &* UInt64(byte) }

    /// The offset of the first byte at or after `p` that ends an unquoted field: the delimiter,
    /// LF or CR (a quote is data there); `bytes.count` when there is none.
    ///
    /// Eight bytes at a time (SWAR): for each byte value `v` sought, `x = word ^ v·0x0101…` has
    /// a zero byte where the word holds `v`, and `(x - 0x0101…) & ~x & 0x8080…` sets the high
    /// bit of the lowest such byte (higher bytes may be flagged falsely, through the borrow, but
    /// never a lower one). So the lowest bit set in the union, over little-endian loads, is the
    /// first byte sought. Fields are short (ids, periods, values), so this halves the scan of
    /// a typical row compared with testing each byte three times.
    @inline(__always)
    static func endOfUnquotedField(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, delimiters: UInt64) -> Int {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        let lfs = ones &* 0x0A, crs = ones &* 0x0D
        var p = start
        while p &+ 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))
            let d = word ^ delimiters, l = word ^ lfs, c = word ^ crs
            let found = ((d &- ones) & ~d | (l &- ones) & ~l | (c &- ones) & ~c) & highs
            if found != 0 { return p &+ found.trailingZeroBitCount &>> 3 }
            p &+= 8
        }
        let delimiter = UInt8(truncatingIfNeeded: delimiters)
        while p < count {
            let b = base[p]
            if b == delimiter || b == 0x0A || b == 0x0D { return p }
            p &+= 1
        }
        return count
    }
}

/// One record handed out by `CSVScanner`; its buffers are valid only inside the callback.
package struct CSVRecord {
    let bytes: UnsafeBufferPointer<UInt8>
    let scratch: UnsafeBufferPointer<UInt8>
    let spans: UnsafeBufferPointer<CSVScanner.Span>
    /// Physical line of the record's first line.
    package let line: Int
    /// The record as it stands in the (decoded) file, without its line terminator.
    package let raw: UnsafeBufferPointer<UInt8>
    package let problem: CSVScanner.Problem?
    /// True when the whole chunk this record came from is valid UTF-8.
    package let isKnownValidUTF8: Bool

    package var fieldCount: Int { spans.count }

    /// The unquoted, unescaped bytes of field `index`.
    @inline(__always)
    package func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let span = spans[index]
        let base = span.inScratch ? scratch : bytes
        return UnsafeBufferPointer(rebasing: base[span.start..<span.end])
    }

    package func string(_ index: Int) -> String {
        String(decoding: field(index), as: UTF8.self)
    }

    /// True when every field is empty or spaces: a blank line, or a row of bare delimiters as
    /// spreadsheets export empty rows.
    package var isBlank: Bool {
        if problem != nil { return false }
        // Nearly every record's first field starts with text: answered without the loop.
        if let first = field(0).first, first != 0x20, first != 0x09 { return false }
        for index in 0..<spans.count {
            for byte in field(index) where byte != 0x20 && byte != 0x09 { return false }
        }
        return true
    }
}

extension CSVRecord {
    /// The longest row read (4 MiB): a longer one is rejected (`malformed_row`), and no
    /// rejection keeps more of its row than this in `raw`, so rejected rows cost bounded memory.
    package static let maximumRowBytes = 4 << 20

    /// The record's text for `Rejection.raw`: as decoded (bytes that are not UTF-8 shown as
    /// U+FFFD), whole up to `maximumRowBytes`; a longer record is cut before the character
    /// that would cross the limit and ends in `…`.
    package var rejectedText: String {
        guard raw.count > Self.maximumRowBytes else { return UTF8Validation.repairing(raw) }
        var end = Self.maximumRowBytes
        while end > 0, raw[end] & 0xC0 == 0x80 { end -= 1 }  // back to the start of a character
        return UTF8Validation.repairing(UnsafeBufferPointer(rebasing: raw[..<end])) + "…"
    }
}

/// A buffer of trivial values grown by hand: appends cost a compare and a store, with no
/// uniqueness check or reference counting. Its owner deallocates it.
struct GrowableBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    var count = 0
    private var capacity: Int
    /// The most elements `hasRoom` admits; the capacity grows up to it, not past it.
    private let limit: Int

    init(capacity: Int, limit: Int = .max) {
        self.limit = limit
        self.capacity = min(capacity, limit)
        base = .allocate(capacity: self.capacity)
    }

    /// False once `limit` elements are held. Cheap: while the buffer has room (the capacity
    /// never passes `limit`), `limit` is not even looked at.
    @inline(__always)
    var hasRoom: Bool {
        count < capacity || count < limit
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        base[count] = element
        count += 1
    }

    private mutating func grow() {
        let grown = capacity < limit ? min(max(capacity * 2, 1), limit) : capacity * 2
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: grown)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = grown
    }

    func deallocate() { base.deallocate() }
}
