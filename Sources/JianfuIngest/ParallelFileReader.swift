import Dispatch
import Glibc
import JianfuModel

/// Reads one large observations file with several threads and merges the result so that it is
/// exactly what one sequential pass gives (SPEC §5: same observations, same rejections, same
/// line numbers, same order).
///
/// Invariants:
/// - The file is cut into stretches; every cut is just after a LF byte, so no cut splits a
///   CRLF pair or a GB18030/UTF-8 sequence (LF is never part of one).
/// - Stretch 0 starts at the file's start and holds the header, which its ingestor skips; the
///   other stretches use the columns resolved from the header beforehand.
/// - A cut inside a quoted field is not a record boundary. A cut is accepted only when the
///   stretch before it, scanned from a proven boundary, ends with a complete record (no quoted
///   field left open); by induction from the file's start every accepted cut is a boundary.
///   Otherwise `read` returns `nil` and the caller reads sequentially.
/// - Each stretch counts its lines from 1; lines and rejections are shifted by the lines of
///   the stretches before it.
/// - Each stretch inserts into its own copy of the table. Merging in stretch order (each value
///   of a later stretch inserted into the first's table, `ObservationTable.absorb`) reproduces
///   the sequential outcome unless a key of this source occurs in two stretches (the first
///   occurrence must win and the second be rejected with its row's text): then `read` returns
///   `nil` too.
/// - A record that outgrows the scanner's limit (a stray quote) is the source's fault only in
///   stretch 0; a later stretch may have begun inside a quoted field, so there it makes `read`
///   return `nil` and the sequential pass decides.
struct ParallelFileReader {
    static let blockSize = 4 << 20

    let reader: ObservationReader
    /// The local file read: the source's file, or the fetched copy of an HTTP source.
    let path: String
    let cuts: [Int]

    /// Plans the stretches; `nil` when the file is small or not a regular file.
    init?(reader: ObservationReader, threads: Int) throws {
        guard let path = reader.spec.filePath else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        guard size >= reader.parallelMinimumSize, size > 0 else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var cuts = [0]
        var probe = [UInt8](repeating: 0, count: 1 << 16)
        for k in 1..<threads {
            var position = max(size * k / threads, cuts.last! + 1)
            var found: Int?
            while found == nil, position < size {
                let n = probe.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
                guard n > 0 else { break }
                if let lf = probe[0..<n].firstIndex(of: 0x0A) { found = position + lf + 1 } else { position += n }
            }
            guard let cut = found, cut < size else { break }
            cuts.append(cut)
        }
        cuts.append(size)
        guard cuts.count > 2 else { return nil }
        self.reader = reader
        self.path = path
        self.cuts = cuts
    }

    struct Result {
        var table: ObservationTable
        var rejections: [Rejection]
        var report: SourceReport
    }

    /// What one thread found in its stretch.
    private final class Stretch: @unchecked Sendable {
        var ingestor: RowIngestor?
        var error: Error?
        var lines = 0
        var endsCleanly = true
        /// The stretch grew a record past the scanner's limit: it may have started inside a
        /// quoted field, so only a sequential pass can tell.
        var inconclusive = false
        var encoding = SourceEncoding.auto
    }

    /// Reads the stretches in parallel and merges them; `nil` when the result could differ from
    /// a sequential read (see the invariants).
    func read(_ table: ObservationTable) throws -> Result? {
        guard let columns = try headerColumns(metrics: table.metrics) else { return nil }
        let stretches = (0..<cuts.count - 1).map { _ in Stretch() }
        DispatchQueue.concurrentPerform(iterations: stretches.count) { k in
            let stretch = stretches[k]
            do {
                try scan(k, columns: columns, table: table, into: stretch)
            } catch {
                stretch.error = error
            }
        }
        for stretch in stretches { if let error = stretch.error { throw error } }
        guard stretches.dropLast().allSatisfy(\.endsCleanly), !stretches.contains(where: \.inconclusive) else { return nil }

        var merged = stretches[0].ingestor!
        stretches[0].ingestor = nil  // so the merge owns the first table's cells: no copy on write
        var offset = stretches[0].lines
        var rejections = merged.rejections
        var report = merged.report
        report.encoding = stretches.first { $0.encoding != .auto }?.encoding ?? .utf8
        let initialUnits = table.unitCount
        for stretch in stretches.dropFirst() {
            let part = stretch.ingestor!
            let local = part.table
            var map = [Int32](repeating: 0, count: local.unitCount)
            for u in 0..<local.unitCount {
                let g = u < initialUnits ? Int32(u) : merged.table.unitIndex(local.unitID(Int32(u)))
                map[u] = g
                if local.hasName(unit: Int32(u)), !merged.table.hasName(unit: g) {
                    merged.table.noteName(local.observedNames[u], unit: g)
                }
            }
            // (Overrides were counted by the stretch, whose table held the earlier sources too.)
            guard merged.table.absorb(local, source: reader.sourceIndex, unitMap: map, lineOffset: offset) != nil else { return nil }
            let first = rejections.count
            rejections.append(contentsOf: part.rejections)
            for i in first..<rejections.count { rejections[i].line += offset }
            report.add(countsOf: part.report)
            for m in local.metrics.indices {
                merged.firstOrdinal[m] = min(merged.firstOrdinal[m], part.firstOrdinal[m])
                merged.lastOrdinal[m] = max(merged.lastOrdinal[m], part.lastOrdinal[m])
            }
            offset += stretch.lines
        }
        report.threads = stretches.count
        report = ObservationReader.finish(report, first: merged.firstOrdinal, last: merged.lastOrdinal, metrics: table.metrics)
        return Result(table: merged.table, rejections: rejections, report: report)
    }

    /// Scans stretch `k` with its own decoder, scanner and copy of the table.
    private func scan(_ k: Int, columns: RowIngestor.Columns, table: ObservationTable, into stretch: Stretch) throws {
        let spec = reader.spec
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw IngestError.unreadable(source: spec.name, path: spec.path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let decoder = try TextDecoder(spec.encoding, atFileStart: k == 0, source: spec.name, path: spec.path)
        let scanner = CSVScanner(delimiter: spec.delimiter)
        var ingestor = RowIngestor(reader: reader, columns: columns, table: table)
        var skipHeader = k == 0
        var lastProblem: CSVScanner.Problem?
        let body = { (record: CSVRecord) in
            if skipHeader {
                skipHeader = false
                return
            }
            ingestor.consume(record)
            lastProblem = record.problem
        }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 16)
        defer { block.deallocate() }
        var position = cuts[k]
        let end = cuts[k + 1]
        repeat {
            let want = min(Self.blockSize, end - position)
            let n = pread(fd, block.baseAddress, want, off_t(position))
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError.unreadable(source: spec.name, path: spec.path, reason: String(cString: strerror(errno)))
            }
            position += n
            let final = n == 0 || position >= end
            try decoder.decode(UnsafeRawBufferPointer(rebasing: block[0..<n]), into: &scanner.pending, final: final)
            do {
                try scanner.scan(final: final, body)
            } catch let tooLong as CSVScanner.RecordTooLong {
                // From the file's start this is the source's fault; a later stretch may have
                // begun inside a quoted field and read it inside out: one pass decides.
                guard k == 0 else {
                    stretch.inconclusive = true
                    return
                }
                throw IngestError(tooLong, spec: spec, limit: scanner.maximumRecordBytes)
            }
            if final { break }
        } while true
        stretch.lines = scanner.nextLine - 1
        stretch.endsCleanly = lastProblem != .unterminatedQuote
        stretch.encoding = decoder.detected
        stretch.ingestor = ingestor
    }

    /// The header's columns, read from the start of the file; `nil` when the header does not
    /// end within the first block.
    private func headerColumns(metrics: [Metric]) throws -> RowIngestor.Columns? {
        let spec = reader.spec
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw IngestError.unreadable(source: spec.name, path: spec.path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: min(1 << 20, cuts[1]))
        let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        // Up to the last LF read, so no character is cut and `auto` can decide on what it has.
        guard n > 0, let end = head[0..<n].lastIndex(of: 0x0A) else { return nil }
        let decoder = try TextDecoder(spec.encoding, source: spec.name, path: spec.path)
        let scanner = CSVScanner(delimiter: spec.delimiter)
        try head.withUnsafeBytes { try decoder.decode(UnsafeRawBufferPointer(rebasing: $0[0...end]), into: &scanner.pending, final: true) }
        var header: Header?
        do {
            try scanner.scan(final: false) { record in
                if header == nil { header = try Header(record, in: spec) }
            }
        } catch is CSVScanner.RecordTooLong {
            return nil  // the sequential pass reports it
        }
        guard let header else { return nil }
        return try RowIngestor.resolveColumns(header, spec: spec, metrics: metrics)
    }
}
