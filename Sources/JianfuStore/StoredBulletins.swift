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

extension ObservationStore {
    /// `store check`: each of `pipeline`'s bulletins in `digests` (month, stored
    /// `alerts_sha256`) whose alerts are not those of its digest — rows changed by hand, say —
    /// in words: a run recording that month with those alerts would leave them as they are.
    func digestProblems(pipeline: String, digests: [(month: Int, digest: String)]) throws -> [String] {
        try digests.compactMap { month, digest in
            let alerts = try bulletin(pipeline: pipeline, before: month + 1, matching: [], others: true)?.others ?? []
            guard AlertMerge(alerts).digest != digest else { return nil }
            return "the bulletin of \(pipeline) for \(Period(.month, ordinal: month)): its alerts are not those of its digest "
                + "(bulletins.alerts_sha256); set it to NULL and the next run that records the month compares its alerts one by one"
        }
    }
}

/// The stored alerts of one bulletin, one row at a time in key order (unit id, metric, rule,
/// byte for byte: the order of `bulletin_alerts`' primary key), read in place.
protocol StoredAlertRows {
    /// Moves to the next row; `false` after the last.
    mutating func next() throws -> Bool
    /// Field 0 (unit id), 1 (metric) or 2 (rule) of the current row, valid until `next()`.
    func field(_ index: Int) -> UnsafeRawBufferPointer
}

/// A list of alerts packed into one byte buffer and put in key order, to be merged with a
/// bulletin's stored rows read in the same order: no `String` is made or hashed for a stored
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

    /// The positions of the alerts `raised` does not mark, in key order, each alert once.
    func missing(from raised: [Bool]) -> [Int] {
        bytes.withUnsafeBytes { buffer in
            var missing: [Int] = []
            var last: Int?
            for i in order where !raised[i] {
                if let last, Self.compare(last, i, buffer, ends) == 0 { continue }
                missing.append(i)
                last = i
            }
            return missing
        }
    }

    /// The digest of the alerts as a set (`bulletins.alerts_sha256`): SHA-256 of the distinct
    /// alerts in key order, each field as its UTF-8 length (4 bytes, little-endian) and bytes,
    /// in lowercase hex. The same alerts in any order, any given twice, have the same digest;
    /// a bulletin whose stored digest is this one holds exactly these alerts, so recording them
    /// again reads none of its rows. Stable across processes and machines (not `Hasher`).
    var digest: String {
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
            return SHA256.hex(of: encoded)
        }
    }

    /// Calls `body` with the unit id, metric and rule of each alert `positions` names, in that
    /// order, as UTF-8 bytes valid during the call (no `String` is made).
    func forEach(
        _ positions: [Int], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        try bytes.withUnsafeBytes { buffer in
            for i in positions {
                try body(Self.field(i, 0, buffer, ends), Self.field(i, 1, buffer, ends), Self.field(i, 2, buffer, ends))
            }
        }
    }

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
