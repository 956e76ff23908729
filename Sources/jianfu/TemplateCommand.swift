import ArgumentParser
import Foundation
import JianfuPipeline

/// `jianfu template -p PIPELINE --period 2025-01 [--by township] [--dir DIR]`: the fill-in
/// workbooks (填报模板) of the pipeline's wide source (docs/templates.md).
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Write the fill-in workbook (填报模板) of the pipeline's wide source for one period.",
        discussion: """
            One row per unit of the units sources (code, name and period filled in), one column per metric the \
            wide source maps, under the headers its columns: expects, on its header_row: filled in and saved, the \
            workbook is read back by the same pipeline with the source's path pointing at it. The sheet is \
            protected (header and pre-filled cells locked) and each metric column checked (counts: whole numbers \
            ≥ 0; up metrics: 0–100). Written as 填报模板-PERIOD.xlsx, or with --by one 填报模板-PERIOD-CODE.xlsx \
            per unit of that category with the units under it (and 填报模板-PERIOD-其他.xlsx for units under none). \
            A file already there is never overwritten (the same template is left as it is). See docs/templates.md.
            """)

    @Option(name: [.short, .customLong("pipeline")], help: "The pipeline YAML file.")
    var pipeline: String

    @Option(name: .long, help: ArgumentHelp("The period the template reports, e.g. 2025-01 (2025Q1 for quarterly metrics).", valueName: "PERIOD"))
    var period: String

    @Option(name: .long, help: ArgumentHelp("One workbook per unit of this category (e.g. township) with the units under it.", valueName: "CATEGORY"))
    var by: String?

    @Option(name: .long, help: ArgumentHelp("The folder to write into (default: the current folder).", valueName: "DIR"))
    var dir: String = "."

    @Option(name: .long, help: ArgumentHelp("The wide source, when the pipeline has several.", valueName: "NAME"))
    var source: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        var logger = common.makeLogger()
        logger.logLevel = .warning
        do {
            let config = try PipelineLoader.load(path: pipeline)
            let templates = try FillInTemplates(config: config, period: period, by: by, source: source, logger: logger)
            for note in templates.notes { logger.warning("\(note)") }
            let written = try templates.write(to: dir)
            for (file, place) in zip(templates.files, written) {
                let what = (file.group.map { "\($0): " } ?? "") + "\(file.units) units"
                print("\(place.path) (\(what))" + (place.unchanged ? " — already there, unchanged" : ""))
            }
        } catch {
            throw Exit.report(error, format: common.logFormat)
        }
    }
}
