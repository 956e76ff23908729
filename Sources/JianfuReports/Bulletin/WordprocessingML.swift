/// The parts of a WordprocessingML package (ECMA-376 Part 1, the `.docx` format) for a
/// `BulletinText`, laid out after GB/T 9704-2012 《党政机关公文格式》:
///
/// - A4 portrait; margins top 37 mm, bottom 35 mm, left (订口) 28 mm, right 26 mm, so the type
///   area is 156 mm × 225 mm (§5.2.1);
/// - 22 lines a page: lines exactly 225 mm / 22 ≈ 28.95 pt apart (§5.2.2);
/// - title 二号 (22 pt) 方正小标宋简体, centred; body 三号 (16 pt) 仿宋_GB2312 with a two-character
///   first-line indent; level-1 headings 三号 黑体, level-2 三号 楷体_GB2312 (§7.3.3, §7.3.3 note);
/// - page numbers 四号 (14 pt) 宋体 as `— 1 —` at the foot, odd pages on the right and even pages on
///   the left, each one character in from the edge (§7.5).
///
/// The fonts are named in the document; where a reader lacks one (方正小标宋简体 and the `_GB2312`
/// fonts are not on every machine), its own substitution applies — `fontTable.xml` names the
/// usual alternatives (宋体, 仿宋, 楷体).
///
/// Every part is built as text here; nothing is copied from a template.
enum WordprocessingML {
    /// Twentieths of a point per millimetre (1 in = 25.4 mm = 1440 twips).
    static func twips(mm: Double) -> Int { Int((mm * 1440 / 25.4).rounded()) }

    static let bodyFont = "仿宋_GB2312"
    static let titleFont = "方正小标宋简体"
    static let headingFont = "黑体"
    static let subheadingFont = "楷体_GB2312"
    static let pageNumberFont = "宋体"
    /// Latin letters and digits in every style (the usual choice in Chinese official documents).
    static let latinFont = "Times New Roman"

    /// Font sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt.
    static let titleSize = 44, bodySize = 32, pageNumberSize = 28
    /// 225 mm / 22 lines, in twips.
    static var linePitch: Int { Int((225.0 / 22 * 1440 / 25.4).rounded()) }

    typealias Part = OfficePackage.Part

    /// Every part of the package, in the order they are zipped (`[Content_Types].xml` first).
    static func parts(_ text: BulletinText, title: String, author: String, created: String) -> [Part] {
        [
            Part(path: "[Content_Types].xml", xml: contentTypes),
            Part(path: "_rels/.rels", xml: OfficePackage.relationships(main: "word/document.xml")),
            Part(path: "docProps/core.xml", xml: OfficePackage.coreProperties(title: title, author: author, created: created)),
            Part(path: "docProps/app.xml", xml: OfficePackage.appProperties),
            Part(path: "word/_rels/document.xml.rels", xml: documentRelationships),
            Part(path: "word/document.xml", xml: document(text)),
            Part(path: "word/styles.xml", xml: styles),
            Part(path: "word/settings.xml", xml: settings),
            Part(path: "word/fontTable.xml", xml: fontTable),
            Part(path: "word/footer1.xml", xml: footer(alignment: "right", indent: "w:right=\"320\"")),
            Part(path: "word/footer2.xml", xml: footer(alignment: "left", indent: "w:left=\"320\"")),
        ]
    }

    static let declaration = OfficePackage.declaration
    static let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static let contentTypes = declaration + """
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
        <Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
        <Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>\
        <Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>\
        <Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>\
        <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
        </Types>
        """


    static let documentRelationships = declaration + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>\
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>\
        <Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>\
        <Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>\
        </Relationships>
        """


    static let settings = declaration + """
        <w:settings xmlns:w="\(w)"><w:evenAndOddHeaders/><w:defaultTabStop w:val="640"/>\
        <w:characterSpacingControl w:val="compressPunctuation"/><w:compat>\
        <w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>\
        </w:compat></w:settings>
        """

    static let fontTable: String = {
        let fonts: [(String, String)] = [
            (titleFont, "宋体"), (bodyFont, "仿宋"), (headingFont, "SimHei"), (subheadingFont, "楷体"),
            (pageNumberFont, "SimSun"), (latinFont, "Liberation Serif"),
        ]
        return declaration + "<w:fonts xmlns:w=\"\(w)\">"
            + fonts.map { "<w:font w:name=\"\(XMLText.escape($0.0))\"><w:altName w:val=\"\(XMLText.escape($0.1))\"/><w:charset w:val=\"86\"/></w:font>" }.joined()
            + "</w:fonts>"
    }()

    /// Run properties naming a Chinese font (and the Latin one) at a size in half-points.
    static func fonts(_ eastAsia: String, size: Int, bold: Bool = false) -> String {
        "<w:rPr><w:rFonts w:ascii=\"\(latinFont)\" w:hAnsi=\"\(latinFont)\" w:eastAsia=\"\(eastAsia)\" w:cs=\"\(latinFont)\"/>"
            + (bold ? "<w:b/>" : "") + "<w:sz w:val=\"\(size)\"/><w:szCs w:val=\"\(size)\"/><w:lang w:eastAsia=\"zh-CN\"/></w:rPr>"
    }

    static var exactLines: String { "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"\(linePitch)\" w:lineRule=\"exact\"/>" }

    /// The paragraph styles, by the built-in names Word and LibreOffice know (`Title`,
    /// `heading 1`, `heading 2`), so their outline and navigation work.
    static let styles: String = {
        func style(_ id: String, _ name: String, based: String? = "Normal", outline: Int? = nil, pPr: String, rPr: String) -> String {
            "<w:style w:type=\"paragraph\" w:styleId=\"\(id)\"><w:name w:val=\"\(name)\"/>"
                + (based.map { "<w:basedOn w:val=\"\($0)\"/><w:next w:val=\"Normal\"/>" } ?? "")
                + "<w:qFormat/><w:pPr>" + pPr + (outline.map { "<w:outlineLvl w:val=\"\($0)\"/>" } ?? "") + "</w:pPr>" + rPr + "</w:style>"
        }
        let indent = "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/>"
        return declaration + "<w:styles xmlns:w=\"\(w)\">"
            + "<w:docDefaults><w:rPrDefault>" + fonts(bodyFont, size: bodySize) + "</w:rPrDefault>"
            + "<w:pPrDefault><w:pPr>" + exactLines + "<w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>"
            + style("Normal", "Normal", based: nil, pPr: exactLines + indent, rPr: fonts(bodyFont, size: bodySize))
            + style("Title", "Title", pPr: "<w:spacing w:before=\"0\" w:after=\"\(linePitch)\" w:line=\"\(linePitch * 5 / 4)\" w:lineRule=\"exact\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/>",
                    rPr: fonts(titleFont, size: titleSize))
            + style("IssueLine", "Issue Line", pPr: "<w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/>", rPr: fonts(subheadingFont, size: bodySize))
            + style("Heading1", "heading 1", outline: 0, pPr: "<w:keepNext/>" + indent, rPr: fonts(headingFont, size: bodySize))
            + style("Heading2", "heading 2", outline: 1, pPr: "<w:keepNext/>" + indent, rPr: fonts(subheadingFont, size: bodySize))
            + style("ListItem", "List Paragraph", pPr: indent, rPr: fonts(bodyFont, size: bodySize))
            + style("Signature", "Signature", pPr: "<w:ind w:firstLine=\"0\" w:right=\"1280\"/><w:jc w:val=\"right\"/>", rPr: fonts(bodyFont, size: bodySize))
            + style("Footer", "footer", pPr: "<w:ind w:firstLine=\"0\"/>", rPr: fonts(pageNumberFont, size: pageNumberSize))
            + "</w:styles>"
    }()

    /// A footer with the page number as `— N —` (GB/T 9704 §7.5).
    static func footer(alignment: String, indent: String) -> String {
        declaration + """
            <w:ftr xmlns:w="\(w)" xmlns:r="\(r)"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:ind \(indent) w:firstLine="0"/>\
            <w:jc w:val="\(alignment)"/></w:pPr>\
            <w:r><w:t xml:space="preserve">— </w:t></w:r>\
            <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>\
            <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>\
            <w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>
            """
    }

    static func document(_ text: BulletinText) -> String {
        var body = ""
        func paragraph(_ style: String, _ s: String) {
            body += "<w:p><w:pPr><w:pStyle w:val=\"\(style)\"/></w:pPr><w:r><w:t xml:space=\"preserve\">"
            body += XMLText.escape(s)
            body += "</w:t></w:r></w:p>"
        }
        for block in text.blocks {
            switch block {
            case .title(let s): paragraph("Title", s)
            case .issueLine(let s): paragraph("IssueLine", s)
            case .heading(let s): paragraph("Heading1", s)
            case .subheading(let s): paragraph("Heading2", s)
            case .paragraph(let s): paragraph("Normal", s)
            case .item(let s): paragraph("ListItem", s)
            case .signature(let s): paragraph("Signature", s)
            }
        }
        let section = "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId4\"/><w:footerReference w:type=\"even\" r:id=\"rId5\"/>"
            + "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
            + "<w:pgMar w:top=\"\(twips(mm: 37))\" w:right=\"\(twips(mm: 26))\" w:bottom=\"\(twips(mm: 35))\" w:left=\"\(twips(mm: 28))\""
            + " w:header=\"851\" w:footer=\"\(twips(mm: 28))\" w:gutter=\"0\"/>"
            + "<w:docGrid w:type=\"lines\" w:linePitch=\"\(linePitch)\"/></w:sectPr>"
        return declaration + "<w:document xmlns:w=\"\(w)\" xmlns:r=\"\(r)\"><w:body>" + body + section + "</w:body></w:document>"
    }
}
