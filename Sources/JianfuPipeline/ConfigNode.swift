import Foundation
import JianfuModel
import Yams

/// A YAML node of a pipeline file together with where it sits, so that every error names the
/// file, the line and the key (SPEC §2 "A wrong pipeline file gets an error that names the file,
/// the line and the key, and says what is expected").
///
/// `path` is the readable key path, e.g. `metrics.documents.target` or `sources[0].path`; list
/// positions count from 0. `line` is the line of the key that holds the node (a block value
/// starts on the next line, but the key is what the user looks for), or of the node itself for
/// list items and the document root.
struct ConfigNode {
    let node: Node
    /// The pipeline file as the caller named it.
    let file: String
    let path: String
    let line: Int

    /// The node for the value of `key` in this mapping, found on `line`.
    func child(_ key: String, node: Node, line: Int) -> ConfigNode {
        ConfigNode(node: node, file: file, path: path.isEmpty ? key : "\(path).\(key)", line: line)
    }

    /// The `index`-th item of this list.
    func item(_ index: Int, node: Node) -> ConfigNode {
        ConfigNode(node: node, file: file, path: "\(path)[\(index)]", line: node.mark?.line ?? line)
    }

    /// The key named in errors: the path, or `(top level)` for the document itself.
    var key: String { path.isEmpty ? "(top level)" : path }

    /// `invalidValue` for this node: `expected` says what is allowed, `found` quotes what is there.
    func invalid(_ expected: String, found: String? = nil) -> PipelineError {
        .invalidValue(file: file, line: line, key: key, expected: expected, found: found ?? self.found)
    }

    /// What the node holds, as `found` of an error: the scalar in quotes, or its kind. Kept on
    /// one line and short, as the error's description is one line.
    var found: String {
        switch node {
        case .scalar(let scalar):
            return isNull ? "nothing" : Self.quote(scalar.string)
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// `text` as the `found` of an error: in quotes, on one line, cut to 60 characters.
    static func quote(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: "\\n")
        return "'" + (oneLine.count > 60 ? oneLine.prefix(57) + "..." : oneLine) + "'"
    }

    /// `key:` with nothing after it, `~` or `null` (YAML's null; quoted text is never null).
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    // MARK: Scalars

    /// The scalar's text as written; YAML's own typing is ignored, so `2018` and `201801` read as
    /// the period spellings they are (SPEC §1).
    func text(_ expected: String = "a text") throws -> String {
        guard case .scalar(let scalar) = node, !isNull else { throw invalid(expected) }
        return scalar.string
    }

    /// A finite decimal number that satisfies `isAllowed`.
    func number(_ expected: String = "a number", _ isAllowed: (Double) -> Bool = { _ in true }) throws -> Double {
        guard let value = Double(try text(expected)), value.isFinite, isAllowed(value) else { throw invalid(expected) }
        return value
    }

    /// A whole number that satisfies `isAllowed`.
    func integer(_ expected: String, _ isAllowed: (Int) -> Bool = { _ in true }) throws -> Int {
        guard let value = Int(try text(expected)), isAllowed(value) else { throw invalid(expected) }
        return value
    }

    /// `true` or `false` (YAML 1.1's `yes`/`no`/`on`/`off` too).
    func bool() throws -> Bool {
        switch try text("true or false").lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw invalid("true or false")
        }
    }

    /// One of `choices` (spellings compared without case); `expected` defaults to the list.
    func choice<T>(_ choices: [(String, T)], expected: String? = nil) throws -> T {
        let expected = expected ?? "one of " + choices.map(\.0).joined(separator: ", ")
        let value = try text(expected).lowercased()
        guard let match = choices.first(where: { $0.0 == value }) else { throw invalid(expected) }
        return match.1
    }

    /// A period in any SPEC §1 spelling.
    func period() throws -> Period {
        let expected = "a period such as 2018-01, 2018Q1 or 2018"
        guard let period = PeriodParser.parse(try text(expected)) else { throw invalid(expected) }
        return period
    }

    // MARK: Collections

    /// This node as a mapping; nothing (`key:` alone) is an empty mapping.
    func mapping(_ expected: String = "a mapping of keys") throws -> ConfigMapping {
        if isNull { return ConfigMapping(node: self, entries: []) }
        guard case .mapping(let mapping) = node else { throw invalid(expected) }
        let entries = try mapping.map { key, value -> ConfigMapping.Entry in
            let keyLine = key.mark?.line ?? line
            guard case .scalar(let scalar) = key else {
                throw PipelineError.invalidValue(
                    file: file, line: keyLine, key: self.key, expected: "keys that are plain text", found: "a \(key.kindName) as a key")
            }
            return ConfigMapping.Entry(key: scalar.string, value: child(scalar.string, node: value, line: keyLine))
        }
        return ConfigMapping(node: self, entries: entries)
    }

    /// This node as a list; nothing (`key:` alone) is an empty list.
    func list(_ expected: String = "a list") throws -> [ConfigNode] {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else { throw invalid(expected) }
        return sequence.enumerated().map { item($0.offset, node: $0.element) }
    }
}

private extension Node {
    var kindName: String {
        switch self {
        case .scalar: "text"
        case .mapping: "mapping"
        case .sequence: "list"
        case .alias: "alias"
        }
    }
}
