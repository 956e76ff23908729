/// Builds the children of an `HTMLNode.el(...) { ... }`: nodes, plain strings (as escaped text),
/// arrays of nodes, `if`, `if let`, `switch` and `for`.
@resultBuilder
package enum HTMLBuilder {
    package static func buildExpression(_ node: HTMLNode) -> [HTMLNode] { [node] }
    package static func buildExpression(_ text: String) -> [HTMLNode] { [.text(text)] }
    package static func buildExpression(_ nodes: [HTMLNode]) -> [HTMLNode] { nodes }
    package static func buildBlock(_ parts: [HTMLNode]...) -> [HTMLNode] { parts.flatMap { $0 } }
    package static func buildOptional(_ part: [HTMLNode]?) -> [HTMLNode] { part ?? [] }
    package static func buildEither(first part: [HTMLNode]) -> [HTMLNode] { part }
    package static func buildEither(second part: [HTMLNode]) -> [HTMLNode] { part }
    package static func buildArray(_ parts: [[HTMLNode]]) -> [HTMLNode] { parts.flatMap { $0 } }
}
