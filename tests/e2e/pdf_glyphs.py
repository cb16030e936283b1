"""Which glyph each code of a PDF's text names, as a viewer that follows ISO 32000-1 9.7.4.2 finds it.

Usage: pdf_glyphs.py FILE.pdf  → one JSON object per font resource:
  {"F1": {"font": "ABCDEF+FandolFang-Regular", "program": "CIDFontType0C", "cid_keyed": true,
          "program_ros": "Adobe-GB1-5", "system_info": "Adobe-GB1-5", "codes": 250, "missing": [],
          "widths_checked": 250, "wrong_widths": []}, ...}
"missing" lists the codes drawn by the pages' text (Tj/TJ under Tf) that name no glyph of the
embedded program: for a CID-keyed CFF program a code is a CID, looked up in the program's charset;
otherwise it is a glyph number. "wrong_widths" lists, for a CFF program, the codes drawn whose width
as the CIDFont declares it (W, else DW) is not the advance the program's own charstring gives, as
[code, declared, program's]: a viewer places each next glyph by the declared width. Reads PDFs as
nianbao writes them (no object streams); the standard library only, since a PDF library is not
among the test dependencies.
"""
import json
import re
import struct
import sys
import zlib

data = open(sys.argv[1], "rb").read()
objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}


def ref(body, key):
    m = re.search(rb"/" + key + rb"\s*(\d+) 0 R", body)
    return int(m.group(1)) if m else None


def stream(num):
    body = objects[num]
    m = re.search(rb"/Length (\d+).*?stream\r?\n", body, re.S)
    raw = body[m.end(): m.end() + int(m.group(1))]
    return zlib.decompress(raw) if b"/FlateDecode" in body[: m.end()] else raw


def cff_index(d, o):
    n = struct.unpack(">H", d[o: o + 2])[0]
    if n == 0:
        return [], o + 2
    size = d[o + 2]
    offs = [int.from_bytes(d[o + 3 + i * size: o + 3 + (i + 1) * size], "big") for i in range(n + 1)]
    base = o + 3 + (n + 1) * size - 1
    return [d[base + offs[i]: base + offs[i + 1]] for i in range(n)], base + offs[-1]


def cff_number(b, i):
    """An operand encoded alike in a CFF DICT and a Type 2 charstring (byte 28, or 32-254): (value, next index)."""
    v = b[i]
    if v == 28:
        return struct.unpack(">h", b[i + 1: i + 3])[0], i + 3
    if v <= 246:
        return v - 139, i + 1
    if v <= 250:
        return (v - 247) * 256 + b[i + 1] + 108, i + 2
    return -(v - 251) * 256 - b[i + 1] - 108, i + 2


def cff_dict(b):
    out, ops, i = {}, [], 0
    while i < len(b):
        v = b[i]
        if v <= 21:
            key = (12, b[i + 1]) if v == 12 else v
            i += 2 if v == 12 else 1
            out[key], ops = ops, []
        elif v == 28 or 32 <= v <= 254:
            n, i = cff_number(b, i)
            ops.append(n)
        elif v == 29:
            ops.append(struct.unpack(">i", b[i + 1: i + 5])[0]); i += 5
        elif v == 30:  # a real number: skipped to its end nibble
            i += 1
            while (b[i] & 15) != 15 and (b[i] >> 4) != 15:
                i += 1
            i += 1
            ops.append(0.0)
        else:
            i += 1
    return out


def charstring_width(cs, default, nominal):
    """A Type 2 charstring's advance: nominalWidthX plus the operand left over before its first stem
    hint, moveto or endchar; defaultWidthX when there is none."""
    operands, i = [], 0
    while i < len(cs):
        v = cs[i]
        if v == 28 or 32 <= v <= 254:
            n, i = cff_number(cs, i)
            operands.append(n)
        elif v == 255:
            operands.append(struct.unpack(">i", cs[i + 1: i + 5])[0] / 65536.0); i += 5
        else:
            if v in (1, 3, 18, 23, 19, 20):  # stem hints (and the masks after them) take pairs
                extra = len(operands) % 2
            elif v == 21:  # rmoveto
                extra = len(operands) - 2
            elif v in (4, 22):  # vmoveto, hmoveto
                extra = len(operands) - 1
            elif v == 14:  # endchar, or endchar as seac with four
                extra = len(operands) % 4
            else:
                return default
            return nominal + operands[0] if extra == 1 else default
    return default


def cff_widths(cff):
    """Each glyph's advance in the program's units (glyph number → width), for a CID-keyed or plain CFF."""
    _, o = cff_index(cff, cff[2])
    tops, o = cff_index(cff, o)
    top = cff_dict(tops[0])
    charstrings, _ = cff_index(cff, top[17][0])

    def private(d):
        size, off = d.get(18, [0, 0])
        p = cff_dict(cff[off: off + size]) if size else {}
        return p.get(20, [0])[0], p.get(21, [0])[0]

    if (12, 36) in top:  # CID-keyed: each glyph's font dict by FDSelect
        fds, _ = cff_index(cff, top[(12, 36)][0])
        privates = [private(cff_dict(fd)) for fd in fds]
        p = top[(12, 37)][0]
        fmt, select = cff[p], []
        if fmt == 0:
            select = list(cff[p + 1: p + 1 + len(charstrings)])
        else:
            n = struct.unpack(">H", cff[p + 1: p + 3])[0]
            ranges = [struct.unpack(">HB", cff[p + 3 + 3 * k: p + 6 + 3 * k]) for k in range(n)]
            sentinel = struct.unpack(">H", cff[p + 3 + 3 * n: p + 5 + 3 * n])[0]
            for k, (first, fd) in enumerate(ranges):
                end = ranges[k + 1][0] if k + 1 < n else sentinel
                select.extend([fd] * (end - first))
    else:
        privates, select = [private(top)], [0] * len(charstrings)
    return [charstring_width(cs, *privates[select[g]]) for g, cs in enumerate(charstrings)]


def declared_widths(descendant):
    """The CIDFont's DW and W: code → width, and the default."""
    dw = re.search(rb"/DW\s*(\d+)", descendant)
    default = int(dw.group(1)) if dw else 1000
    at = descendant.find(b"/W")
    while at >= 0 and descendant[at + 2: at + 3].isalpha():
        at = descendant.find(b"/W", at + 1)
    widths = {}
    if at >= 0:
        depth, end = 0, at + 2
        while True:
            c = descendant[end: end + 1]
            depth += c == b"["
            depth -= c == b"]"
            end += 1
            if depth == 0 and c == b"]":
                break
        tokens = re.findall(rb"\[|\]|-?\d+", descendant[at + 2: end])[1:-1]
        i = 0
        while i < len(tokens):
            first = int(tokens[i])
            if tokens[i + 1] == b"[":
                j = i + 2
                while tokens[j] != b"]":
                    widths[first + j - i - 2] = int(tokens[j]); j += 1
                i = j + 1
            else:
                last, w = int(tokens[i + 1]), int(tokens[i + 2])
                for c in range(first, last + 1):
                    widths[c] = w
                i += 3
    return widths, default


def cff_glyphs(cff):
    """(its ROS as "Registry-Ordering-Supplement" when CID-keyed, else None; the charset: glyph number → CID or SID)."""
    _, o = cff_index(cff, cff[2])
    tops, o = cff_index(cff, o)
    strings, _ = cff_index(cff, o)
    top = cff_dict(tops[0])
    ros = None
    if (12, 30) in top:
        r, o_, supplement = top[(12, 30)]
        name = lambda sid: strings[sid - 391].decode("latin-1") if sid >= 391 else "standard string %d" % sid
        ros = "%s-%s-%d" % (name(r), name(o_), supplement)
    charstrings, _ = cff_index(cff, top[17][0])
    n = len(charstrings)
    p = top.get(15, [0])[0]
    ids = [0]
    if p > 2:
        fmt, p = cff[p], p + 1
        while len(ids) < n:
            if fmt == 0:
                ids.append(struct.unpack(">H", cff[p: p + 2])[0]); p += 2
            else:
                first = struct.unpack(">H", cff[p: p + 2])[0]
                left = cff[p + 2] if fmt == 1 else struct.unpack(">H", cff[p + 2: p + 4])[0]
                p += 3 if fmt == 1 else 4
                ids.extend(range(first, first + left + 1))
    return ros, ids[:n]


fonts = {}
for num, body in objects.items():
    if b"/Type/Page" not in body.replace(b" ", b"") or b"/Type/Pages" in body.replace(b" ", b""):
        continue
    res = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
    names = {m.group(1).decode(): int(m.group(2)) for m in re.finditer(rb"/(\w+)\s*(\d+) 0 R", res.group(1))} if res else {}
    content = stream(ref(body, b"Contents"))
    current = None
    for m in re.finditer(rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj|\[(.*?)\]\s*TJ", content, re.S):
        if m.group(1):
            current = m.group(1).decode()
            continue
        hexes = [m.group(2)] if m.group(2) is not None else re.findall(rb"<([0-9A-Fa-f]*)>", m.group(3))
        entry = fonts.setdefault(current, {"object": names.get(current), "used": set()})
        for h in hexes:
            entry["used"].update(int(h[i: i + 4], 16) for i in range(0, len(h), 4))

report = {}
for name, entry in sorted(fonts.items()):
    type0 = objects[entry["object"]]
    descendant = objects[int(re.search(rb"/DescendantFonts\s*\[\s*(\d+) 0 R", type0).group(1))]
    descriptor = objects[ref(descendant, b"FontDescriptor")]
    file_num = ref(descriptor, b"FontFile3") or ref(descriptor, b"FontFile2")
    program = re.search(rb"/Subtype\s*/(\w+)", objects[file_num][:200])
    program = program.group(1).decode() if program else "TrueType"
    font = stream(file_num)
    if program == "OpenType":  # the CFF table of an sfnt
        count = struct.unpack(">H", font[4:6])[0]
        for i in range(count):
            tag, _, off, length = struct.unpack(">4sIII", font[12 + 16 * i: 28 + 16 * i])
            if tag == b"CFF ":
                font = font[off: off + length]
    ros = None
    wrong, checked = [], 0
    if program in ("CIDFontType0C", "OpenType"):
        ros, ids = cff_glyphs(font)
        # OpenType-wrapped programs are read the same way by ISO 32000: CIDs through the charset.
        known = set(ids) if ros else set(range(len(ids)))
        glyph_of = {c: g for g, c in enumerate(ids)} if ros else {g: g for g in range(len(ids))}
        advances = cff_widths(font)
        declared, default = declared_widths(descendant)
        for code in sorted(entry["used"]):
            if code in glyph_of:
                checked += 1
                own = round(advances[glyph_of[code]])
                said = declared.get(code, default)
                if abs(said - own) > 1:
                    wrong.append([code, said, own])
    else:
        known = None
    info = re.search(rb"/CIDSystemInfo\s*<<(.*?)>>", descendant, re.S).group(1)
    field = lambda key, pattern: re.search(rb"/" + key + pattern, info).group(1).decode("latin-1")
    report[name] = {
        "font": re.search(rb"/BaseFont\s*/([^\s/<>\[]+)", type0).group(1).decode(),
        "program": program,
        "cid_keyed": ros is not None,
        "program_ros": ros,
        "system_info": "%s-%s-%s" % (field(b"Registry", rb"\s*\((.*?)\)"), field(b"Ordering", rb"\s*\((.*?)\)"),
                                     field(b"Supplement", rb"\s*(\d+)")),
        "codes": len(entry["used"]),
        "missing": sorted(c for c in entry["used"] if known is not None and c not in known),
        "widths_checked": checked,
        "wrong_widths": wrong,
    }
print(json.dumps(report, ensure_ascii=False))
