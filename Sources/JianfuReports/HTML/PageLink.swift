/// A link between the pages of an HTML report: relative paths only, so the report works from any
/// folder, on a file share or offline, and never points at the network (SPEC §6).
package struct PageLink: Sendable, Equatable {
    /// The relative URL as written in `href`.
    package let path: String

    /// Where the page holding the link lives.
    package enum From: Sendable {
        /// `index.html`, at the top of the output folder.
        case index
        /// A unit page, in `units/`.
        case unitPage
    }

    /// The report's `index.html`.
    package static func index(from: From) -> PageLink {
        PageLink(path: from == .index ? "index.html" : "../index.html")
    }

    /// The page of the unit with id `unitID`, at `index` in the evaluation's units (the name of
    /// a page whose id is too long to spell out; see `UnitPageName`).
    package static func unitPage(_ unitID: String, index: Int, from: From) -> PageLink {
        let file = UnitPageName.fileName(for: unitID, index: index)
        return PageLink(path: from == .index ? "units/" + file : file)
    }

    /// An anchor on the same page; `name` is written in `[a-z0-9_~-]` by `UnitPageName.safe`.
    package static func anchor(_ name: String) -> PageLink {
        PageLink(path: "#" + UnitPageName.safe(name))
    }
}

/// File names of unit pages (`units/NAME.html`) and anchors, unique by construction.
///
/// Unit ids are free text, so a name is the id's UTF-8 bytes written injectively: the bytes of
/// `[a-z0-9_-]` as themselves, every other byte as `~` and two lowercase hex digits (`a/b` →
/// `a~2fb`, `东` → `~e4~b8~9c`, `V1` → `~561`). Capitals are escaped too, so that `V1` and `v1`
/// stay two files on a case-insensitive file share. Distinct ids give distinct names, and a
/// name never holds `~` but before two hex digits. A file name longer than
/// `maximumFileNameBytes` would be refused by the file system (255 bytes on ext4); such an id's
/// page is named by its first characters and its position among the evaluation's units
/// (`…~u17`), which no spelled-out name can hold. The pages and every link to them use this one
/// type.
package enum UnitPageName {
    /// The longest page name spelled out from an id (before `.html`).
    package static let maximumFileNameBytes = 200

    /// `NAME.html` for the unit with id `unitID` at `index` in the evaluation's units.
    package static func fileName(for unitID: String, index: Int) -> String {
        let name = safe(unitID)
        guard name.utf8.count > maximumFileNameBytes else { return name + ".html" }
        // Cut at a character of the name (a `~hh` escape whole), then the position.
        var prefix = Substring(name.prefix(maximumFileNameBytes - 24))
        if let tilde = prefix.suffix(2).lastIndex(of: "~") { prefix = prefix[..<tilde] }
        return String(prefix) + "~u" + String(index) + ".html"
    }

    /// `value` written injectively in `[a-z0-9_~-]` (see the type's comment); `~` for the empty
    /// string, which no other value gives. Also the anchors of a page (`#metric-…`).
    package static func safe(_ value: String) -> String {
        guard !value.isEmpty else { return "~" }
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for b in value.utf8 {
            if isSafe(b) {
                bytes.append(b)
            } else {
                bytes += [UInt8(ascii: "~"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isSafe(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }
}
