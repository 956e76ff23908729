/// A link between the pages of an HTML report: relative paths only, so the report works from any
/// folder, on a file share or offline, and never points at the network (SPEC §6).
public struct PageLink: Sendable, Equatable {
    /// The relative URL as written in `href`.
    public let path: String

    /// Where the page holding the link lives.
    public enum From: Sendable {
        /// `index.html`, at the top of the output folder.
        case index
        /// A unit page, in `units/`.
        case unitPage
    }

    /// The report's `index.html`.
    public static func index(from: From) -> PageLink {
        PageLink(path: from == .index ? "index.html" : "../index.html")
    }

    /// The page of the unit with id `unitID`.
    public static func unitPage(_ unitID: String, from: From) -> PageLink {
        let file = UnitPageName.fileName(for: unitID)
        return PageLink(path: from == .index ? "units/" + file : file)
    }

    /// An anchor on the same page; `name` is made of `[A-Za-z0-9_-]` by `UnitPageName.safe`.
    public static func anchor(_ name: String) -> PageLink {
        PageLink(path: "#" + UnitPageName.safe(name))
    }
}

/// File names of unit pages (`units/UNIT_ID.html`). Unit ids are free text, so an id is kept as
/// is only when it is made of `[A-Za-z0-9_-]` (at most 80 bytes); otherwise every other
/// character becomes `_` and `-` plus 8 hex digits of the id's FNV-1a hash follow, so that two
/// ids that read the same after the replacement (`a/b`, `a?b`) still get different files. The
/// pages and every link to them use this one function.
public enum UnitPageName {
    /// `UNIT_ID.html`, the id made safe.
    public static func fileName(for unitID: String) -> String { safe(unitID) + ".html" }

    /// `value` made of `[A-Za-z0-9_-]`: unchanged when it already is (and is 1...80 bytes),
    /// otherwise with the other characters replaced and a hash suffix.
    public static func safe(_ value: String) -> String {
        let bytes = Array(value.utf8)
        if !bytes.isEmpty, bytes.count <= 80, bytes.allSatisfy(isSafe) { return value }
        var name = ""
        for character in value.prefix(60) {
            if character.utf8.count == 1, let b = character.utf8.first, isSafe(b) {
                name.append(character)
            } else {
                name.append("_")
            }
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash & 0xFFFF_FFFF, radix: 16)
        return name + "-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    private static func isSafe(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }
}
