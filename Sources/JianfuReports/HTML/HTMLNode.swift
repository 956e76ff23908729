/// A piece of an HTML document, built in Swift (see `HTMLBuilder`) and rendered by
/// `HTMLNode.render(to:)`.
///
/// Why a small builder rather than a template package (Stencil, Plot, swift-mustache): it adds no
/// dependency, the structure of a page is Swift code the compiler checks, and escaping happens by
/// construction — element and attribute names are compile-time constants (`StaticString`), every
/// `String` reaching the document (text or attribute value) is escaped on output, links can only
/// be made from `PageLink` (no network URL can be written), and the only unescaped text is the
/// constant style sheet.
package indirect enum HTMLNode: Sendable {
    /// An element: its name, attributes in order, and children.
    case element(StaticString, [HTMLAttribute], [HTMLNode])
    /// Text content; `<`, `>`, `&`, quotes are escaped when rendered.
    case text(String)
    /// Several nodes in a row, without an element around them.
    case group([HTMLNode])
    /// The content of a `<style>` element: a compile-time constant, written as is.
    case styleSheet(StaticString)

    /// An element with `content` built by `HTMLBuilder`.
    package static func el(
        _ name: StaticString, _ attributes: HTMLAttribute..., @HTMLBuilder content: () -> [HTMLNode] = { [] }
    ) -> HTMLNode {
        .element(name, attributes, content())
    }

    /// An element from an attribute array (for attributes computed in a loop).
    package static func el(
        _ name: StaticString, attributes: [HTMLAttribute], @HTMLBuilder content: () -> [HTMLNode] = { [] }
    ) -> HTMLNode {
        .element(name, attributes, content())
    }
}

/// One attribute: a constant name and an escaped value (`nil`: a boolean attribute).
package struct HTMLAttribute: Sendable {
    let name: StaticString
    let value: String?

    /// Names that take a URL: they are written only through `href(_:)`, from a `PageLink`.
    static let urlAttributes: Set<String> = ["href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href", "background", "cite"]

    /// Any attribute but a URL-valued one (those go through `href(_:)`).
    package init(_ name: StaticString, _ value: String?) {
        precondition(!Self.urlAttributes.contains(name.description), "\(name) takes a URL: use HTMLAttribute.href(PageLink)")
        self.name = name
        self.value = value
    }

    private init(link name: StaticString, _ value: String) {
        self.name = name
        self.value = value
    }

    package static func `class`(_ names: String) -> HTMLAttribute { HTMLAttribute("class", names) }
    package static func id(_ value: String) -> HTMLAttribute { HTMLAttribute("id", value) }
    package static func title(_ value: String) -> HTMLAttribute { HTMLAttribute("title", value) }

    /// A link to another page of the report or to an anchor: never a network URL.
    package static func href(_ link: PageLink) -> HTMLAttribute { HTMLAttribute(link: "href", link.path) }
}
