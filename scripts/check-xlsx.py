#!/usr/bin/env python3
"""Reads a jianfu.xlsx with openpyxl and prints what the tests check, as JSON:
per sheet its frozen pane, autofilter ref, hidden rows, the ids (row 1) and headers (row 2),
every cell's value, data type and number format, and how many cells hold a formula.
Usage: check-xlsx.py FILE"""
import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": book.sheetnames, "by_sheet": {}}
for ws in book.worksheets:
    formulas = 0
    rows = []
    for row in ws.iter_rows():
        cells = []
        for c in row:
            if c.data_type == "f":
                formulas += 1
            cells.append({"value": c.value if not isinstance(c.value, float) or c.value == c.value else None,
                          "type": c.data_type, "format": c.number_format, "bold": bool(c.font and c.font.b)})
        rows.append(cells)
    out["by_sheet"][ws.title] = {
        "freeze": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        "hidden_rows": [r for r, d in ws.row_dimensions.items() if d.hidden],
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "formulas": formulas,
        "rows": rows,
    }
json.dump(out, sys.stdout, ensure_ascii=False)
