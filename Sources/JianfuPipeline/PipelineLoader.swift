import Crypto
import Foundation
import JianfuIndicators
import JianfuIngest
import JianfuModel
import JianfuStore
import Yams

/// Reads and checks a pipeline file (SPEC §2).
///
/// The keys are a public contract: every key of SPEC §2 is read, any other key is refused with
/// the closest known one (`unknownKey`), and a value of the wrong shape says what is expected
/// (`invalidValue`). Each section has its own
/// reader (`SourcesSection`, `MetricsSection`, `WindowsSection`, `ReboundSection`,
/// `CategoriesSection`, `GradesSection`, `OutputsSection`, `BulletinSection`); this type reads the file and puts
/// them together.
package enum PipelineLoader {
    /// The keys of the top level, in SPEC §2 order.
    static let keys = [
        "name", "sources", "metrics", "baseline", "evaluation", "rebound", "categories", "stale_after",
        "grades", "max_rejected", "derive_parents", "outputs", "state", "bulletin",
    ]

    /// The largest pipeline file read: 1 MiB. A real one is a few kilobytes; the bound keeps a
    /// wrong path (a data file, a device) or a hostile file from costing memory and time.
    package static let maxFileBytes = 1 << 20

    /// Loads the pipeline at `path`. Throws `PipelineError` naming `path` as given, the line and
    /// the key.
    package static func load(path: String) throws -> PipelineConfig {
        let (text, bytes) = try read(path)
        try YAMLAnchors.refuse(in: text, file: path)
        let root = try compose(text, file: path)
        let top = try root.mapping("a mapping of pipeline keys such as sources, metrics, baseline")
        try top.allowOnly(keys)
        let location = PipelineLocation(path: path)

        let sourcesNode = try top.required("sources")
        let metricsNode = try top.required("metrics")
        let baselineNode = try top.required("baseline")
        let metrics = try MetricsSection.read(metricsNode)
        let state = try StateSection.read(top["state"], location: location)
        // Only units sources: the values come from the other pipelines on a store `state:` names
        // (the default store beside the pipeline file is its own, where no other pipeline writes).
        let shared = top["state"] != nil && state != .none
        let sources = try SourcesSection.read(sourcesNode, metrics: metrics, location: location, readsStore: shared)
        let baseline = try WindowsSection.baseline(baselineNode)
        let evaluation = try WindowsSection.evaluation(top["evaluation"])
        try WindowsSection.checkOrder(baseline: baseline, evaluation: evaluation, baselineNode: baselineNode)
        let categories = try CategoriesSection.read(top["categories"], metrics: metrics)
        let settings = EvaluationSettings(
            metrics: metrics, baseline: baseline, evaluation: evaluation,
            rebound: try ReboundSection.read(top["rebound"]),
            categories: categories.overrides,
            grades: try GradesSection.read(top["grades"]),
            staleAfter: try top["stale_after"]?.integer("a whole number of months ≥ 1") { $0 >= 1 })
        let outputs = try OutputsSection.read(top["outputs"], location: location)
        try OutputsSection.checkPlace(outputs.directory, outputs: top["outputs"], root: root, inputs: inputs(
            file: location.file, sources: sources, state: state, cache: location.resolve(".jianfu")))

        var config = PipelineConfig(
            file: location.file,
            name: try name(top["name"]) ?? location.baseName,
            sources: sources,
            settings: settings,
            deriveParents: try top["derive_parents"]?.bool() ?? false,
            maxRejected: try top["max_rejected"]?.number("a share between 0 and 1, such as 0.01") { (0...1).contains($0) },
            outputDirectory: outputs.directory,
            formats: outputs.formats,
            syncOutputs: outputs.sync,
            state: state,
            sourceSettings: try sourcesNode.list().map { try Yams.serialize(node: $0.node, sortKeys: true) },
            fileSHA256: SHA256.hex(of: bytes),
            bulletin: try BulletinSection.read(top["bulletin"]))
        config.categoryKeys = categories.keys
        config.writesSeries = outputs.series
        return config
    }

    /// What a report folder may not be or contain: the pipeline file, the sources' files, the
    /// state store, its folder, and the folder of the HTTP sources' cached copies.
    private static func inputs(file: String, sources: [SourceSpec], state: StateLocation, cache: String) -> [(what: String, path: String)] {
        var inputs: [(what: String, path: String)] = [("the pipeline file", file), ("the folder of jianfu's state", cache)]
        for source in sources where source.path.hasPrefix("/") { inputs.append(("the source \(source.name)", source.path)) }
        if case .sqlite(let store, _) = state {
            inputs.append(("the state store", store))
            inputs.append(("the state store's folder", (store as NSString).deletingLastPathComponent))
        }
        return inputs
    }

    private static func name(_ node: ConfigNode?) throws -> String? {
        guard let node else { return nil }
        let name = try node.text("a pipeline name")
        guard !name.isEmpty else { throw node.invalid("a pipeline name") }
        return name
    }

    /// The file's text, UTF-8, without the byte-order mark Windows editors put first; and its
    /// bytes as they are.
    private static func read(_ path: String) throws -> (String, Data) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PipelineError.unreadable(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw PipelineError.unreadable(file: path, reason: "it is a folder") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PipelineError.unreadable(file: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        // Read at most one byte more than the limit, so that a device or FIFO (/dev/zero) stops too.
        let data: Data
        do {
            data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
        } catch {
            throw PipelineError.unreadable(file: path, reason: error.localizedDescription)
        }
        guard data.count <= maxFileBytes else {
            throw PipelineError.unreadable(file: path, reason: "it is larger than 1 MiB, the most a pipeline file may be")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw PipelineError.unreadable(file: path, reason: "not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return (text, data)
    }

    /// The document's root node; an empty document is an empty mapping, so that it is reported
    /// as missing `sources`.
    private static func compose(_ text: String, file: String) throws -> ConfigNode {
        do {
            let node = try Yams.compose(yaml: text) ?? Node([(Node, Node)]())
            return ConfigNode(node: node, file: file, path: "", line: node.mark?.line ?? 1)
        } catch let error as YamlError {
            throw YAMLSyntax.error(error, file: file)
        }
    }
}
