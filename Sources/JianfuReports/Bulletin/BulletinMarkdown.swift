import JianfuIndicators

/// `bulletin.md`: the bulletin's text as Markdown (CommonMark), for mail and review. The same
/// blocks as `bulletin.docx` (see `BulletinText`).
enum BulletinMarkdown {
    static func render(_ text: BulletinText) -> String {
        var lines: [String] = []
        for (i, block) in text.blocks.enumerated() {
            switch block {
            case .title(let s): lines += ["# " + escape(s), ""]
            case .issueLine(let s): lines += ["**" + escape(s) + "**", ""]
            case .heading(let s): lines += ["## " + escape(s), ""]
            case .subheading(let s): lines += ["### " + escape(s), ""]
            case .paragraph(let s): lines += [escape(s), ""]
            case .signature(let s): lines += [escape(s), ""]
            case .item(let s):
                // Items carry their number (`1. …`): a Markdown ordered list, ended by a blank line.
                lines.append(escape(s))
                if i + 1 == text.blocks.count || !{ if case .item = text.blocks[i + 1] { true } else { false } }() {
                    lines.append("")
                }
            }
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Backslash-escapes the characters Markdown would read as markup, so a unit named
    /// `*重点*` or `# 1` prints as itself.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "~": out.append("\\"); out.append(c)
            case "\n", "\r": out.append(" ")
            default: out.append(c)
            }
        }
        return out
    }
}

/// Writes `bulletin.md` (SPEC §6).
package struct BulletinMarkdownWriter: ReportWriter {
    package let fileName = "bulletin.md"
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        let text = BulletinComposer(evaluation: evaluation, heading: .init(evaluation, run: run), sample: run.spotCheck, ledger: run.ledger).compose()
        out.write(BulletinMarkdown.render(text))
    }
}
