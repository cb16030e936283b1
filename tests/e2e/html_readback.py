#!/usr/bin/python3
"""Reads a page the way a browser's parser would (Python's html.parser) and
prints what the tests compare, as JSON: the title, headings, paragraphs,
every table as the grid a browser lays out from rowspan/colspan (each cell
with the slot it lands in, its tag, scope, class, data-key and text; the
slots covered twice or not at all), the links, and anything that would fetch
a resource from elsewhere (a script, a style sheet, an image, a font, url(),
@import)."""
import html.parser
import json
import re
import sys

VOID = {"meta", "br", "img", "link", "input", "hr", "source", "col"}


class Reader(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = {"title": "", "h1": [], "headings": [], "paragraphs": [], "tables": [], "links": [],
                    "external": [], "lang": None, "charset": None, "unclosed": []}
        self.stack = []
        self.text = None  # collecting text for the innermost element that wants it
        self.table = None
        self.row = None
        self.cell = None
        self.style = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "html":
            self.out["lang"] = a.get("lang")
        if tag == "meta" and "charset" in a:
            self.out["charset"] = a["charset"]
        if tag in ("script", "link", "img", "iframe", "object", "embed", "video", "audio"):
            self.out["external"].append(tag + " " + json.dumps(a, ensure_ascii=False))
        if "src" in a:
            self.out["external"].append("src=" + a["src"])
        if tag == "a":
            self.out["links"].append(a.get("href", ""))
        if tag == "table":
            self.table = {"key": a.get("data-table"), "rows": [], "thead_rows": 0, "in_thead": False}
        if tag == "thead" and self.table is not None:
            self.table["in_thead"] = True
        if tag == "tr" and self.table is not None:
            self.row = []
            if self.table["in_thead"]:
                self.table["thead_rows"] += 1
        if tag in ("td", "th") and self.row is not None:
            self.cell = {"tag": tag, "rowspan": int(a.get("rowspan", "1")), "colspan": int(a.get("colspan", "1")),
                         "scope": a.get("scope"), "class": a.get("class"), "key": a.get("data-key"), "text": ""}
        if tag in ("title", "h1", "h2", "h3", "h4", "h5", "p", "style"):
            self.text = ""
        if tag == "br" and self.text is not None:
            self.text += "\n"

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.out["unclosed"].append(tag)
        else:
            self.stack.pop()
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table["rows"].append(self.row)
            self.row = None
        elif tag == "thead" and self.table is not None:
            self.table["in_thead"] = False
        elif tag == "table" and self.table is not None:
            self.out["tables"].append(layout(self.table))
            self.table = None
        elif tag == "title":
            self.out["title"] = self.text
            self.text = None
        elif tag == "style":
            self.style += self.text
            self.text = None
        elif tag == "h1":
            self.out["h1"].append(self.text)
            self.text = None
        elif tag in ("h2", "h3", "h4", "h5"):
            self.out["headings"].append({"level": int(tag[1]), "text": self.text})
            self.text = None
        elif tag == "p" and self.text is not None:
            if self.cell is None:
                self.out["paragraphs"].append(self.text)
            self.text = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data
        if self.text is not None:
            self.text += data


def layout(t):
    """The HTML table model: each cell takes the first free slot of its row."""
    taken = {}
    cells = []
    width = 0
    for r, row in enumerate(t["rows"]):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            cell = dict(cell, row=r, col=c)
            for dr in range(cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    taken[(r + dr, c + dc)] = taken.get((r + dr, c + dc), 0) + 1
            cells.append(cell)
            c += cell["colspan"]
            width = max(width, c)
    height = len(t["rows"])
    twice = sorted([list(k) for k, n in taken.items() if n > 1])
    missing = sorted([[r, c] for r in range(height) for c in range(width) if (r, c) not in taken])
    outside = sorted([list(k) for k in taken if k[0] >= height])
    return {"key": t["key"], "rows": height, "columns": width, "header_rows": t["thead_rows"], "cells": cells,
            "covered_twice": twice, "not_covered": missing, "outside": outside}


def main(path):
    with open(path, encoding="utf-8") as f:
        page = f.read()
    reader = Reader()
    reader.feed(page)
    reader.close()
    out = reader.out
    for m in re.finditer(r"url\(|@import", reader.style):
        out["external"].append(reader.style[m.start():m.start() + 40])
    out["unclosed"] += reader.stack
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
