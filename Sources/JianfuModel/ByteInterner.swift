/// Maps byte strings (unit ids as they appear in a file) to dense integer indices, so the hot
/// loop never builds a `String` per row.
///
/// Open addressing with linear probing over a power-of-two table kept at most half full; the
/// bytes themselves live in one arena. FNV-1a is enough for short identifiers.
package struct ByteInterner: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 1024)

    package init() {}

    /// Number of distinct byte strings interned.
    package var count: Int { hashes.count }

    /// The index of `bytes`, interning them if new.
    package mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let index = slots[slot]
            if index < 0 { break }
            if hashes[Int(index)] == hash, equals(Int(index), bytes) { return index }
            slot = (slot + 1) & (slots.count - 1)
        }
        let index = Int32(hashes.count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = index
        if hashes.count * 2 > slots.count { grow() }
        return index
    }

    /// Interns a `String` (units files, tests).
    package mutating func intern(_ text: String) -> Int32 {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { intern(UnsafeBufferPointer($0)) }
    }

    /// The index of `bytes` if they were interned, else `nil`.
    package func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let index = slots[slot]
            if index < 0 { return nil }
            if hashes[Int(index)] == hash, equals(Int(index), bytes) { return index }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    package func lookup(_ text: String) -> Int32? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { lookup(UnsafeBufferPointer($0)) }
    }

    /// Whether `index` was interned from exactly `bytes` (no hashing: one comparison).
    package func matches(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        index >= 0 && Int(index) < count && equals(Int(index), bytes)
    }

    /// The interned bytes of `index` as a `String`.
    package func string(at index: Int32) -> String {
        String(decoding: arena[starts[Int(index)]..<starts[Int(index) + 1]], as: UTF8.self)
    }

    private func equals(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[index], end = starts[index + 1]
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { stored in
            var i = 0
            while i < bytes.count {
                if stored[start + i] != bytes[i] { return false }
                i += 1
            }
            return true
        }
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: -1, count: slots.count * 2)
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & (bigger.count - 1)
            while bigger[slot] >= 0 { slot = (slot + 1) & (bigger.count - 1) }
            bigger[slot] = Int32(index)
        }
        slots = bigger
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return h
    }
}
