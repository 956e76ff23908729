#!/usr/bin/env python3
"""Reads a bulletin.docx with python-docx and prints what the tests check, as JSON:
the paragraphs (text and style name), the section's page size and margins in mm, and each
style's fonts and size. Usage: check-docx.py FILE.docx"""
import json
import sys

import docx
from docx.oxml.ns import qn

document = docx.Document(sys.argv[1])
section = document.sections[0]
mm = lambda length: round(length.mm, 1)
styles = {}
for name in ["Normal", "Title", "Heading 1", "Heading 2"]:
    style = document.styles[name]
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    styles[name] = {
        "east_asia": fonts.get(qn("w:eastAsia")) if fonts is not None else None,
        "size_pt": style.font.size.pt if style.font.size else None,
    }
print(json.dumps({
    "paragraphs": [{"text": p.text, "style": p.style.name} for p in document.paragraphs],
    "page": {"width": mm(section.page_width), "height": mm(section.page_height),
             "top": mm(section.top_margin), "bottom": mm(section.bottom_margin),
             "left": mm(section.left_margin), "right": mm(section.right_margin)},
    "styles": styles,
}, ensure_ascii=False))
