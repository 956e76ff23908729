import JianfuIndicators
import JianfuModel

/// `series.csv` (SPEC §6): `unit_id,metric,period,value`, the values behind the trends
/// (roll-up values for roll-up units), periods in canonical spelling.
package struct SeriesCSVWriter: ReportWriter {
    package static let header = ["unit_id", "metric", "period", "value"]
    package let fileName = "series.csv"
    package var readsLedger: Bool { false }
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        CSVOutput.start(Self.header, to: out)
        // A line per observation, millions of them: each line is stored through a pointer in
        // one reservation, from the unit's and metric's bytes and the period's spelling made
        // once per period; only values that are neither whole nor short decimals go through a
        // `String` (in `NumberFormat.put`). (Formatting blocks of units on every core into memory
        // and copying them out measured slower: 0.8 s → 1.5 s for 10 M lines, since the other
        // writers already use the second core.)
        let metricIDs = evaluation.metrics.map { Array((CSVOutput.text($0.id) + ",").utf8) }
        var periods = evaluation.metrics.map { PeriodSpellings(granularity: $0.granularity) }
        var prefix: [UInt8] = []
        prefix.reserveCapacity(256)
        for u in evaluation.units.indices {
            let id = Array((CSVOutput.text(evaluation.units[u].unit.id) + ",").utf8)
            for m in evaluation.metrics.indices {
                prefix.removeAll(keepingCapacity: true)
                prefix += id
                prefix += metricIDs[m]
                prefix.withUnsafeBufferPointer { prefix in
                    evaluation.series.forEachValue(unit: u, metric: m) { ordinal, value in
                        Self.writeLine(prefix: prefix, period: periods[m].spelling(ordinal), value: value, to: out)
                    }
                }
            }
        }
    }

    /// Writes `prefix`, `period`, `value` and a LF in one reservation.
    @inline(__always)
    private static func writeLine(prefix: UnsafeBufferPointer<UInt8>, period: PeriodSpellings.Spelling, value: Double, to out: OutputBuffer) {
        out.writeLine(maximumLength: prefix.count + PeriodSpellings.Spelling.capacity + NumberFormat.maximumLength + 1) { p in
            p.update(from: prefix.baseAddress!, count: prefix.count)
            let end = NumberFormat.put(value, at: period.put(at: p + prefix.count))
            end[0] = UInt8(ascii: "\n")
            return end + 1
        }
    }
}

/// The canonical spellings of a granularity's periods followed by a comma (`2024-03,`), made
/// once per period rather than once per line.
struct PeriodSpellings {
    /// One spelling in a fixed-size inline buffer (no allocation).
    struct Spelling {
        static let capacity = 16
        var bytes: (UInt64, UInt64) = (0, 0)
        var count = 0

        init(_ period: Period) {
            withUnsafeMutableBytes(of: &bytes) { raw in
                let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var q = period.put(at: p)
                q[0] = UInt8(ascii: ",")
                q += 1
                count = q - p
            }
        }

        /// Stores the spelling at `p`; returns the pointer past it.
        @inline(__always)
        func put(at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
            withUnsafeBytes(of: bytes) { raw in
                p.update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: Self.capacity)
            }
            return p + count
        }
    }

    let granularity: Granularity
    private var base: Int32 = 0
    private var spellings: [Spelling] = []

    init(granularity: Granularity) {
        self.granularity = granularity
    }

    /// The spelling of the period with `ordinal`; the table grows to cover it on first use.
    @inline(__always)
    mutating func spelling(_ ordinal: Int32) -> Spelling {
        let k = Int(ordinal) - Int(base)
        if k >= 0, k < spellings.count { return spellings[k] }
        return grow(toCover: ordinal)
    }

    private mutating func grow(toCover ordinal: Int32) -> Spelling {
        let lo = spellings.isEmpty ? ordinal : min(base, ordinal)
        let hi = spellings.isEmpty ? ordinal : max(base + Int32(spellings.count) - 1, ordinal)
        base = lo
        spellings = (lo...hi).map { Spelling(Period(granularity, ordinal: Int($0))) }
        return spellings[Int(ordinal - lo)]
    }
}
