import Crypto
import Foundation
import JianfuModel

/// A stored bulletin set against a list of alerts (`ObservationStore.bulletin(pipeline:before:matching:others:)`,
/// the rectification ledger, SPEC §6 `alerts.csv` `first_seen,months_open,status`): which of
/// them it raised, and which alerts it raised besides. Alerts are the same when their unit id,
/// metric and rule are the same byte for byte, as the stores' primary keys compare them.
package struct BulletinMatch: Sendable, Equatable {
    /// The bulletin's month (a month ordinal) and the run that issued it.
    package var month: Int
    package var run: Int64
    /// For each alert asked about, in the order given: whether the bulletin raised it.
    package var raised: [Bool]
    /// The bulletin's alerts that are not among those asked about, in key order (unit id,
    /// metric, rule, byte for byte); empty unless asked for.
    package var others: [StoredAlert]

    package init(month: Int, run: Int64, raised: [Bool], others: [StoredAlert]) {
        self.month = month
        self.run = run
        self.raised = raised
        self.others = others
    }

    /// The bulletin of `pipeline` for `month`, issued by `run`, whose stored alerts are `packed`
    /// (`PackedAlerts`), set against `alerts` (`AlertMerge.match`); a value that does not decode
    /// is `StoreError.unusable` for the store at `location`.
    init(
        pipeline: String, month: Int, run: Int64, packed: UnsafeRawBufferPointer, matching alerts: [StoredAlert], others: Bool,
        location: String
    ) throws {
        var rows = PackedAlerts(packed)
        do {
            let match = try AlertMerge(alerts).match(&rows, others: others)
            self.init(month: month, run: run, raised: match.raised, others: match.others)
        } catch let damage as PackedAlerts.Damage {
            throw StoreError.unusable(
                path: location,
                reason: "the bulletin of \(pipeline) for \(Period(.month, ordinal: month)): its alerts (bulletins.alerts) \(damage.words); "
                    + "`jianfu store check` lists what is damaged")
        }
    }
}

extension ObservationStore {
    /// The bulletins of `pipeline` for months before `month`, oldest first, with all their
    /// alerts (a store's dump; the ledger asks `bulletin(pipeline:before:matching:others:)`).
    package func bulletins(pipeline: String, before month: Int) throws -> [StoredBulletin] {
        var bulletins: [StoredBulletin] = []
        var before = month
        while let bulletin = try bulletin(pipeline: pipeline, before: before, matching: [], others: true) {
            bulletins.append(StoredBulletin(month: bulletin.month, run: bulletin.run, alerts: Set(bulletin.others)))
            before = bulletin.month
        }
        return bulletins.reversed()
    }
}

/// The stored alerts of one bulletin, one row at a time in key order (unit id, metric, rule,
/// byte for byte), read in place.
protocol StoredAlertRows {
    /// Moves to the next row; `false` after the last.
    mutating func next() throws -> Bool
    /// Field 0 (unit id), 1 (metric) or 2 (rule) of the current row, valid until `next()`.
    func field(_ index: Int) -> UnsafeRawBufferPointer
}

/// A list of alerts packed into one byte buffer and put in key order, to be merged with a
/// bulletin's stored alerts decoded in the same order (`PackedAlerts`): no `String` is made or hashed for a stored
/// row, and one is made only for a stored alert the list does not hold (`others`).
struct AlertMerge {
    /// The unit ids, metrics and rules of the alerts, one after the other.
    private var bytes: [UInt8] = []
    /// Where each field ends in `bytes`: alert `i`'s unit id ends at `ends[3i]`, its metric at
    /// `ends[3i + 1]`, its rule at `ends[3i + 2]` (and starts where the field before it ends).
    private var ends: [Int] = []
    /// The positions of the alerts in key order (equal alerts in the order given).
    private(set) var order: [Int] = []

    init(_ alerts: [StoredAlert]) {
        ends.reserveCapacity(alerts.count * 3)
        bytes.reserveCapacity(alerts.reduce(0) { $0 + $1.unitID.utf8.count + $1.metric.utf8.count + $1.rule.utf8.count })
        for alert in alerts {
            bytes.append(contentsOf: alert.unitID.utf8)
            ends.append(bytes.count)
            bytes.append(contentsOf: alert.metric.utf8)
            ends.append(bytes.count)
            bytes.append(contentsOf: alert.rule.utf8)
            ends.append(bytes.count)
        }
        let ends = self.ends
        order = bytes.withUnsafeBytes { Self.sorted(count: alerts.count, $0, ends) }
    }

    /// The positions of the alerts in key order, equal ones by position. An evaluation lists
    /// each unit's alerts together, so the runs of one unit are sorted by unit id first, then
    /// the few alerts of each unit by metric and rule: far fewer comparisons of fewer bytes
    /// than sorting every alert by its whole key (any order of alerts comes out sorted).
    private static func sorted(count: Int, _ buffer: UnsafeRawBufferPointer, _ ends: [Int]) -> [Int] {
        func unit(_ i: Int) -> UnsafeRawBufferPointer { field(i, 0, buffer, ends) }
        var runs: [Range<Int>] = []
        var start = 0
        for i in 1..<max(count, 1) where compareBytes(unit(i), unit(i - 1)) != 0 {
            runs.append(start..<i)
            start = i
        }
        if count > 0 { runs.append(start..<count) }
        runs.sort { a, b in
            let c = compareBytes(unit(a.lowerBound), unit(b.lowerBound))
            return c != 0 ? c < 0 : a.lowerBound < b.lowerBound
        }
        var order: [Int] = []
        order.reserveCapacity(count)
        var r = 0
        while r < runs.count {
            let first = order.count
            var next = r
            repeat {
                order.append(contentsOf: runs[next])
                next += 1
            } while next < runs.count && compareBytes(unit(runs[next].lowerBound), unit(runs[r].lowerBound)) == 0
            if order.count - first > 1 {
                order[first...].sort { a, b in
                    var c = compareBytes(field(a, 1, buffer, ends), field(b, 1, buffer, ends))
                    if c == 0 { c = compareBytes(field(a, 2, buffer, ends), field(b, 2, buffer, ends)) }
                    return c != 0 ? c < 0 : a < b
                }
            }
            r = next
        }
        return order
    }

    /// Sets the alerts against `rows` (a bulletin's stored alerts in key order); with `others`,
    /// the stored alerts that match none of them are listed too.
    func match(_ rows: inout some StoredAlertRows, others: Bool) throws -> (raised: [Bool], others: [StoredAlert]) {
        var match = (raised: [Bool](repeating: false, count: order.count), others: [StoredAlert]())
        try bytes.withUnsafeBytes { buffer in
            var k = 0
            while try rows.next() {
                let row = (rows.field(0), rows.field(1), rows.field(2))
                while k < order.count, Self.compare(order[k], row, buffer, ends) < 0 { k += 1 }
                var matched = false
                while k < order.count, Self.compare(order[k], row, buffer, ends) == 0 {
                    match.raised[order[k]] = true
                    matched = true
                    k += 1
                }
                if !matched && others {
                    func text(_ field: UnsafeRawBufferPointer) -> String { String(decoding: field, as: UTF8.self) }
                    match.others.append(StoredAlert(unitID: text(row.0), metric: text(row.1), rule: text(row.2)))
                }
            }
        }
        return match
    }

    /// The alerts as a bulletin stores them (`bulletins.alerts`, `PackedAlerts`): the distinct
    /// alerts in key order, each field as its UTF-8 length (4 bytes, little-endian) and bytes.
    var packed: [UInt8] {
        bytes.withUnsafeBytes { buffer in
            var encoded: [UInt8] = []
            encoded.reserveCapacity(buffer.count + 12 * order.count)
            var last: Int?
            for i in order {
                if let last, Self.compare(last, i, buffer, ends) == 0 { continue }
                for f in 0..<3 {
                    let field = Self.field(i, f, buffer, ends)
                    withUnsafeBytes(of: UInt32(field.count).littleEndian) { encoded.append(contentsOf: $0) }
                    encoded.append(contentsOf: field)
                }
                last = i
            }
            return encoded
        }
    }

    /// The digest of the alerts as a set (`bulletins.alerts_sha256`): SHA-256 of `packed` (the
    /// distinct alerts in key order, each field as its UTF-8 length, 4 bytes little-endian, and
    /// bytes), in lowercase hex. The same alerts in any order, any given twice, have the same
    /// digest; a bulletin whose stored digest is this one holds exactly these alerts, so
    /// recording them again writes nothing but the run. Stable across processes and machines
    /// (not `Hasher`).
    var digest: String { SHA256.hex(of: packed) }

    /// Field `field` (0 unit id, 1 metric, 2 rule) of alert `i`.
    @inline(__always)
    private static func field(_ i: Int, _ field: Int, _ buffer: UnsafeRawBufferPointer, _ ends: [Int]) -> UnsafeRawBufferPointer {
        let end = ends[3 * i + field]
        let start = 3 * i + field == 0 ? 0 : ends[3 * i + field - 1]
        return UnsafeRawBufferPointer(rebasing: buffer[start..<end])
    }

    private static func compare(_ a: Int, _ b: Int, _ buffer: UnsafeRawBufferPointer, _ ends: [Int]) -> Int {
        compare(a, (field(b, 0, buffer, ends), field(b, 1, buffer, ends), field(b, 2, buffer, ends)), buffer, ends)
    }

    private typealias Row = (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer)

    @inline(__always)
    private static func compare(_ a: Int, _ row: Row, _ buffer: UnsafeRawBufferPointer, _ ends: [Int]) -> Int {
        var c = compareBytes(field(a, 0, buffer, ends), row.0)
        if c == 0 { c = compareBytes(field(a, 1, buffer, ends), row.1) }
        if c == 0 { c = compareBytes(field(a, 2, buffer, ends), row.2) }
        return c
    }

    /// Byte order, a shorter text before a longer one it begins (SQLite's `BINARY`, PostgreSQL's
    /// `COLLATE "C"`).
    @inline(__always)
    static func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0, let x = a.baseAddress, let y = b.baseAddress {
            let c = memcmp(x, y, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}

/// A bulletin's alerts packed in one value (`bulletins.alerts`, SQLite BLOB, PostgreSQL bytea;
/// schema 9 / 4, docs/state.md): for each distinct alert in key order (unit id, metric, rule,
/// byte for byte), its unit id, metric and rule, each as its UTF-8 length (an unsigned 32-bit
/// integer, little-endian) followed by that many bytes. No header, no separator: an empty
/// bulletin is the empty value, and the value's SHA-256 is the bulletin's digest
/// (`bulletins.alerts_sha256`, `AlertMerge.digest`). A bulletin is written as one value
/// (`AlertMerge.packed`) and read as one, decoded in place.
struct PackedAlerts: StoredAlertRows {
    /// Why a value is not a bulletin's alerts in this layout.
    enum Damage: Error, Equatable {
        /// A length or field runs past the end of the value, at byte `offset`.
        case truncated(offset: Int)
        /// Field `field` (0 unit id, 1 metric, 2 rule) of alert `alert` (from 0) is not UTF-8.
        case notUTF8(alert: Int, field: Int)
        /// Alert `alert` does not come after the one before it in key order (or repeats it).
        case outOfOrder(alert: Int)
    }

    private let buffer: UnsafeRawBufferPointer
    private var offset = 0
    private var fields: (Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0)

    /// The alerts of `buffer`, which must stay valid while they are read.
    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    mutating func next() throws -> Bool {
        guard offset < buffer.count else { return false }
        fields = (try take(), try take(), try take())
        return true
    }

    func field(_ index: Int) -> UnsafeRawBufferPointer {
        let range = index == 0 ? fields.0 : index == 1 ? fields.1 : fields.2
        return UnsafeRawBufferPointer(rebasing: buffer[range])
    }

    /// The next field's bytes; throws `Damage.truncated` when the value ends first.
    private mutating func take() throws -> Range<Int> {
        guard buffer.count - offset >= 4 else { throw Damage.truncated(offset: offset) }
        var length = 0
        for k in 0..<4 { length |= Int(buffer[offset + k]) << (8 * k) }
        guard buffer.count - offset - 4 >= length else { throw Damage.truncated(offset: offset) }
        defer { offset += 4 + length }
        return (offset + 4)..<(offset + 4 + length)
    }

    /// Every alert of `bytes` as text (a dump), or the damage that stops the reading.
    static func alerts(_ bytes: UnsafeRawBufferPointer) throws -> [StoredAlert] {
        var rows = PackedAlerts(bytes)
        var alerts: [StoredAlert] = []
        while try rows.next() {
            func text(_ i: Int) -> String { String(decoding: rows.field(i), as: UTF8.self) }
            alerts.append(StoredAlert(unitID: text(0), metric: text(1), rule: text(2)))
        }
        return alerts
    }

    /// `store check` of one bulletin's value: that it decodes, its fields are UTF-8, its
    /// alerts are in key order without repeats, and its SHA-256 is `digest` (when the bulletin
    /// has one). The problems in words, naming `place`.
    static func problems(place: String, _ bytes: UnsafeRawBufferPointer, digest: String?) -> [String] {
        var problems: [String] = []
        do {
            var rows = PackedAlerts(bytes)
            var previous: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer)?
            var n = 0
            while try rows.next() {
                let row = (rows.field(0), rows.field(1), rows.field(2))
                for f in 0..<3 where String(validating: rows.field(f), as: UTF8.self) == nil {
                    throw Damage.notUTF8(alert: n, field: f)
                }
                if let p = previous {
                    var c = AlertMerge.compareBytes(p.0, row.0)
                    if c == 0 { c = AlertMerge.compareBytes(p.1, row.1) }
                    if c == 0 { c = AlertMerge.compareBytes(p.2, row.2) }
                    guard c < 0 else { throw Damage.outOfOrder(alert: n) }
                }
                previous = row
                n += 1
            }
        } catch let damage as Damage {
            problems.append("\(place): its alerts (bulletins.alerts) \(damage.words)")
        } catch {
            problems.append("\(place): its alerts (bulletins.alerts) cannot be read: \(error)")
        }
        if let digest, problems.isEmpty, SHA256.hex(of: Array(bytes)) != digest {
            problems.append("\(place): its alerts are not those of its digest (bulletins.alerts_sha256); "
                + "set it to NULL and the next run that records the month writes its alerts anew")
        }
        return problems
    }
}

extension PackedAlerts.Damage {
    /// The damage in words, after "its alerts".
    var words: String {
        switch self {
        case .truncated(let offset): "end in the middle of a field (at byte \(offset))"
        case .notUTF8(let alert, let field): "hold a \(["unit id", "metric", "rule"][field]) that is not UTF-8 (alert \(alert + 1))"
        case .outOfOrder(let alert): "are not in key order without repeats (alert \(alert + 1))"
        }
    }
}
