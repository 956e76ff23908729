/// The written bulletin (通报稿, SPEC §6 `bulletin.md` / `bulletin.docx`) as a sequence of blocks,
/// composed once and rendered twice — as Markdown and as WordprocessingML — so that the two
/// files always carry the same words and numbers.
package struct BulletinText: Sendable, Equatable {
    /// One block of the text, in reading order.
    package enum Block: Sendable, Equatable {
        /// The document's title (GB/T 9704: 二号 方正小标宋简体, centred).
        case title(String)
        /// The issue line under the title: 期号 and issuer and date, centred (楷体).
        case issueLine(String)
        /// A level-1 heading such as `一、总体情况` (三号 黑体).
        case heading(String)
        /// A level-2 heading such as `（一）乡镇` (三号 楷体_GB2312).
        case subheading(String)
        /// A body paragraph (三号 仿宋_GB2312, first line indented two characters).
        case paragraph(String)
        /// A list item: a paragraph of its own, without the first-line indent of body text
        /// (its text carries its own numbering, e.g. `1. …`).
        case item(String)
        /// The signature block at the end: the issuer and the date, right-aligned.
        case signature(String)
    }

    package var blocks: [Block]

    package init(blocks: [Block] = []) { self.blocks = blocks }
}
