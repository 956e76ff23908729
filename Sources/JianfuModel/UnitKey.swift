/// A unit id as a dictionary key or set member, compared byte for byte (its UTF-8) — the one way
/// jianfu compares unit ids (SPEC §1 "Units"): as `ByteInterner` does on the hot ingest path and
/// as the store's `units.code` (SQLite's `BINARY` collation) does.
///
/// Swift's `String ==` and `String` hashing follow Unicode canonical equivalence: `café` with
/// a precomposed `é` (U+00E9) equals `café` with `e` + U+0301, and 豈 U+F900 equals 豈 U+8C48
/// (its canonical decomposition), although the files hold different bytes. A dictionary keyed
/// by `String` would merge two units that the interner keeps apart; key it by `UnitKey`.
package struct UnitKey: Hashable, Sendable {
    package let id: String

    package init(_ id: String) { self.id = id }

    package static func == (a: UnitKey, b: UnitKey) -> Bool { a.id.sameUnitID(as: b.id) }

    package func hash(into hasher: inout Hasher) {
        var id = id
        id.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension String {
    /// Whether two unit ids are the same unit: the same UTF-8 bytes (see `UnitKey`).
    package func sameUnitID(as other: String) -> Bool { utf8.elementsEqual(other.utf8) }

    /// Unit-id order for keys that must not depend on the input order: by UTF-8 bytes.
    package static func unitIDOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}
