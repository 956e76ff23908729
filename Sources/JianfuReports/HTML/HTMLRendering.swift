/// Writing `HTMLNode`s as HTML5 text: every text and attribute value escaped.
extension HTMLNode {
    /// Elements without content or end tag (HTML5 "void elements").
    static let voidElements: Set<String> = ["meta", "br", "hr", "img", "link", "col", "input", "wbr"]

    /// Writes the node, escaping every `String` it holds.
    package func render(to out: OutputBuffer) {
        switch self {
        case .text(let text):
            out.write(HTMLEscape.text(text))
        case .group(let nodes):
            for node in nodes { node.render(to: out) }
        case .styleSheet(let css):
            out.write(css.description)
        case .element(let name, let attributes, let children):
            out.write("<")
            out.write(name.description)
            for attribute in attributes {
                out.write(" ")
                out.write(attribute.name.description)
                if let value = attribute.value {
                    out.write("=\"")
                    out.write(HTMLEscape.attribute(value))
                    out.write("\"")
                }
            }
            out.write(">")
            let tag = name.description
            guard !Self.voidElements.contains(tag) else { return }
            for child in children { child.render(to: out) }
            out.write("</")
            out.write(tag)
            out.write(">")
        }
    }

    /// A whole document: the doctype, then the node.
    package func renderDocument(to out: OutputBuffer) {
        out.write("<!DOCTYPE html>\n")
        render(to: out)
        out.write("\n")
    }
}

/// HTML escaping (HTML5 §13.1.2.6, §13.1.3): `&` `<` `>` in text; also `"` `'` in attribute
/// values. C0 control characters other than tab and line breaks are replaced by U+FFFD: they are
/// parse errors and cannot appear in the inline SVG either.
package enum HTMLEscape {
    package static func text(_ value: String) -> String { escape(value, quotes: false) }
    package static func attribute(_ value: String) -> String { escape(value, quotes: true) }

    private static func escape(_ value: String, quotes: Bool) -> String {
        let needsWork = value.utf8.contains { b in
            b == 0x26 || b == 0x3C || b == 0x3E || (quotes && (b == 0x22 || b == 0x27)) || (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F
        }
        guard needsWork else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 16)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
