import JianfuIndicators
import JianfuIngest
import JianfuModel
import JianfuStore

/// An output format a pipeline can ask for (SPEC §2 `outputs.formats`).
/// `bulletin` is the written bulletin, `bulletin.md` and `bulletin.docx` (SPEC §6); `xlsx` is
/// `jianfu.xlsx`, the results as a workbook (docs/xlsx-output.md).
package enum OutputFormat: String, Sendable, CaseIterable {
    case csv, json, prom, html, bulletin, xlsx
}

/// A pipeline file, read and checked (SPEC §2). Paths are absolute, resolved against the
/// pipeline file's folder.
package struct PipelineConfig: Sendable {
    /// The pipeline file's absolute path.
    package var file: String
    /// `name:`, or the file's base name without extension.
    package var name: String
    package var sources: [SourceSpec]
    /// The indicator half: metrics in declaration order, windows, rebound, categories, grades,
    /// stale_after.
    package var settings: EvaluationSettings
    /// `derive_parents: true` derives missing parents from administrative-division codes.
    package var deriveParents: Bool
    /// `max_rejected:` the largest share of rejected rows and cells (of rows read) a run accepts.
    package var maxRejected: Double?
    /// `outputs.dir`, absolute.
    package var outputDirectory: String
    package var formats: Set<OutputFormat>
    /// `outputs.sync`: flush the report to disk before swapping it into place.
    package var syncOutputs: Bool
    /// `outputs.series`: write `series.csv` (a line per observation) with the CSV files.
    package var writesSeries = true
    /// `state:` where the observations live between runs (SPEC §8).
    package var state: StateLocation
    /// Per source (as `sources`), its keys in the pipeline file rendered canonically: a source
    /// whose keys change is read again even when its content has not.
    package var sourceSettings: [String]
    /// SHA-256 of the pipeline file's bytes (lowercase hex), for the run log and manifest.
    package var fileSHA256: String
    /// `bulletin:` the issue header — issuer, 第1期's month, time zone (SPEC §6).
    package var bulletin: Bulletin
    /// The keys of `categories:`, where they are written: checked against the units once the
    /// units sources are read (`CategoriesSection.checkUsed`).
    package var categoryKeys: [ConfigKey] = []

    package init(
        file: String, name: String, sources: [SourceSpec], settings: EvaluationSettings,
        deriveParents: Bool = false, maxRejected: Double? = nil, outputDirectory: String,
        formats: Set<OutputFormat> = Set(OutputFormat.allCases), syncOutputs: Bool = false,
        state: StateLocation = .none, sourceSettings: [String]? = nil, fileSHA256: String = "",
        bulletin: Bulletin = Bulletin()
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
        self.state = state
        self.sourceSettings = sourceSettings ?? sources.map { _ in "" }
        self.fileSHA256 = fileSHA256
        self.bulletin = bulletin
    }
}

/// Where a pipeline keeps its observations between runs (SPEC §8 `state:`).
package enum StateLocation: Sendable, Equatable {
    /// `state: none`: every run reads every source and keeps nothing.
    case none
    /// The SQLite store at this absolute path (default `.jianfu/NAME.sqlite` beside the
    /// pipeline file), and this pipeline's run lock beside it (`SQLiteStore.lockPath`).
    case sqlite(String, lock: String)
    /// A PostgreSQL store (`state: postgresql://…`), shared by pipelines; theirs keyed by `name`.
    case postgresql(PostgreSQLLocation)

    /// As `summary.json` (`run.state`) and the logs name it.
    package var description: String {
        switch self {
        case .none: "none"
        case .sqlite(let path, _): path
        case .postgresql(let place): place.description
        }
    }
}

/// A key of the pipeline file and where it is written, for a check that can only be made after
/// the file was read (SPEC §2: an error names the file, the line and the key).
package struct ConfigKey: Sendable, Equatable {
    /// The pipeline file as the caller named it.
    package var file: String
    package var line: Int
    package var key: String

    package init(file: String, line: Int, key: String) {
        self.file = file
        self.line = line
        self.key = key
    }
}
