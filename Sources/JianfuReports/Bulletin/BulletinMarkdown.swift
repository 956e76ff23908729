import JianfuIndicators

/// `bulletin.md`: the bulletin's text as Markdown (CommonMark), for mail and review. The same
/// blocks as `bulletin.docx` (see `BulletinText`).
enum BulletinMarkdown {
    static func render(_ text: BulletinText) -> String {
        var lines: [String] = []
        for block in text.blocks {
            switch block {
            case .title(let s): lines += ["# " + escape(s), ""]
            case .issueLine(let s): lines += ["**" + escape(s) + "**", ""]
            case .heading(let s): lines += ["## " + escape(s), ""]
            case .subheading(let s): lines += ["### " + escape(s), ""]
            case .paragraph(let s): lines += [escape(s), ""]
            case .item(let s): lines += ["- " + escape(s)]
            case .signature(let s): lines += ["", escape(s), ""]
            }
        }
        // A list ends with a blank line before whatever follows it.
        var out: [String] = []
        for (i, line) in lines.enumerated() {
            out.append(line)
            if line.hasPrefix("- "), i + 1 < lines.count, !lines[i + 1].hasPrefix("- "), !lines[i + 1].isEmpty {
                out.append("")
            }
        }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
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
public struct BulletinMarkdownWriter: ReportWriter {
    public let fileName = "bulletin.md"
    let text: BulletinText

    public init(text: BulletinText) { self.text = text }

    public func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        out.write(BulletinMarkdown.render(text))
    }
}
