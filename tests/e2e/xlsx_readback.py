#!/usr/bin/python3
"""Reads a workbook back the way a user's spreadsheet program would (openpyxl)
and prints what the tests compare: every cell's value and number format, the
merged ranges, fills, print setup, page headers, protection, the cells left
unlocked for input and their data validation, and document properties, as JSON."""
import json
import sys

import openpyxl


def main(path):
    wb = openpyxl.load_workbook(path)
    out = {
        "properties": {
            "title": wb.properties.title,
            "creator": wb.properties.creator,
            "created": wb.properties.created.isoformat() if wb.properties.created else None,
        },
        "sheets": [],
    }
    for ws in wb.worksheets:
        cells, formats, fills, unlocked = {}, {}, {}, []
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    cells[c.coordinate] = c.value
                    formats[c.coordinate] = c.number_format
                if c.protection is not None and c.protection.locked is False:
                    unlocked.append(c.coordinate)
                color = c.fill.fgColor.rgb if c.fill and c.fill.fill_type == "solid" else None
                if isinstance(color, str):
                    fills[c.coordinate] = color[-6:]
        out["sheets"].append({
            "name": ws.title,
            "cells": cells,
            "formats": formats,
            "fills": fills,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "print_title_rows": ws.print_title_rows,
            "paper": ws.page_setup.paperSize,
            "orientation": ws.page_setup.orientation,
            "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
            "fit_to_width": ws.page_setup.fitToWidth or 1,  # absent means 1
            "fit_to_height": ws.page_setup.fitToHeight,
            "freeze": ws.freeze_panes,
            "autofilter": ws.auto_filter.ref,
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "header_left": ws.oddHeader.left.text,
            "protected": bool(ws.protection.sheet),
            "unlocked": unlocked,
            "validations": [{"sqref": str(v.sqref), "type": v.type, "formula1": v.formula1, "prompt": v.prompt,
                             "list": v.formula1 if v.type == "list" else None}
                            for v in ws.data_validations.dataValidation],
        })
    json.dump(out, sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
