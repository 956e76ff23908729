import JianfuIndicators
import JianfuIngest
import JianfuModel

/// An output format a pipeline can ask for (SPEC §2 `outputs.formats`).
public enum OutputFormat: String, Sendable, CaseIterable {
    case csv, json, prom, html
}

/// A pipeline file, read and checked (SPEC §2). Paths are absolute, resolved against the
/// pipeline file's folder.
public struct PipelineConfig: Sendable {
    /// The pipeline file's absolute path.
    public var file: String
    /// `name:`, or the file's base name without extension.
    public var name: String
    public var sources: [SourceSpec]
    /// The indicator half: metrics in declaration order, windows, rebound, categories, grades,
    /// stale_after.
    public var settings: EvaluationSettings
    /// `derive_parents: true` derives missing parents from administrative-division codes.
    public var deriveParents: Bool
    /// `max_rejected:` the largest share of rejected rows and cells (of rows read) a run accepts.
    public var maxRejected: Double?
    /// `outputs.dir`, absolute.
    public var outputDirectory: String
    public var formats: Set<OutputFormat>
    /// `outputs.sync`: flush the report to disk before swapping it into place.
    public var syncOutputs: Bool

    public init(
        file: String, name: String, sources: [SourceSpec], settings: EvaluationSettings,
        deriveParents: Bool = false, maxRejected: Double? = nil, outputDirectory: String,
        formats: Set<OutputFormat> = Set(OutputFormat.allCases), syncOutputs: Bool = false
    ) {
        self.file = file
        self.name = name
        self.sources = sources
        self.settings = settings
        self.deriveParents = deriveParents
        self.maxRejected = maxRejected
        self.outputDirectory = outputDirectory
        self.formats = formats
        self.syncOutputs = syncOutputs
    }
}
