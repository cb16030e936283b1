// Output plugin `pdf`: the report typeset after GB/T 9704-2012 — A4, the
// standard text block, 小标宋-like title, 黑体/楷体 headings, 仿宋-like body on a
// 28.9 pt grid, tables from the Document with their spans, page numbers
// alternating right and left — with CJK subset fonts embedded (PoDoFo 0.9).
#include "fonts.hpp"

#include <nianbao/dates.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/table_layout.hpp>
#include <nianbao/text.hpp>
#include <nianbao/version.hpp>

#include <podofo/podofo.h>
#include <libdeflate.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

namespace {

using nianbao::Error;
using nianbao::ExitCode;
namespace pd = PoDoFo;

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageW = 595.276, kPageH = 841.890;  // A4 in points
constexpr long kDefaultWidth = 1000;  // a CIDFont's DW: the em of CJK characters, in 1/1000 em

// A PDF integer. Not a bare static_cast: GCC takes a constant 0 for the
// null PdfObject* of AddKey's other overload.
pd::PdfObject integer(long v) { return pd::PdfObject(static_cast<pd::pdf_int64>(v)); }

// Data deflated by libdeflate, as a FlateDecode stream holds it. Level 1:
// a report's body face, a fresh 160 KB CFF program whose outlines barely
// compress, takes 1.3 ms instead of level 6's 2.5 ms for 1.2 % more bytes
// (the sample's PDF 284,704 → 287,451; 100 reports 6 % sooner).
std::string deflated(const std::string& data) {
  struct Compressor {
    libdeflate_compressor* c = libdeflate_alloc_compressor(1);
    ~Compressor() { libdeflate_free_compressor(c); }
  };
  thread_local Compressor z;
  if (!z.c) throw std::bad_alloc();
  std::string out(libdeflate_zlib_compress_bound(z.c, data.size()), '\0');
  const std::size_t n = libdeflate_zlib_compress(z.c, data.data(), data.size(), out.data(), out.size());
  if (n == 0) throw Error(ExitCode::software, "PDF: a stream could not be compressed");
  out.resize(n);
  return out;
}

void set_deflated_stream(pd::PdfObject* obj, const std::string& compressed) {
  pd::PdfMemoryInputStream in(compressed.data(), static_cast<pd::pdf_long>(compressed.size()));
  obj->GetStream()->SetRawData(&in, static_cast<pd::pdf_long>(compressed.size()));
  obj->GetDictionary().AddKey("Filter", pd::PdfName("FlateDecode"));
}

// A face's subset and its deflated font program, kept by the worker for the
// next report that draws the same characters: a county's reports share their
// table labels and headings, so the table and heading faces are subset and
// compressed once per worker, and every PDF gets the same bytes for them.
struct Embedding {
  pdf_output::Subset subset;
  std::string program;  // subset.bytes, deflated
};

std::shared_ptr<const Embedding> embedding(const pdf_output::Face& face, const std::set<char32_t>& characters) {
  struct Kept {
    std::shared_ptr<const Embedding> embedding;
    bool reused = false;
  };
  static std::mutex mutex;
  static std::map<std::pair<const pdf_output::Face*, std::set<char32_t>>, Kept> kept;
  std::lock_guard lock(mutex);
  auto key = std::make_pair(&face, characters);
  auto it = kept.find(key);
  if (it != kept.end()) {
    it->second.reused = true;
    // A face whose subsets are reused (the tables' and headings') is not
    // subset again soon: its outline pages can go (a no-op once they have).
    // The body's and title's faces, subset afresh for each report, keep theirs.
    face.release_outlines();
    return it->second.embedding;
  }
  auto e = std::make_shared<Embedding>();
  e->subset = face.subset(characters);
  e->program = deflated(e->subset.bytes);
  // Bounded: a body face's subsets differ from report to report and go; the
  // shared ones stay.
  if (kept.size() >= 16) std::erase_if(kept, [](const auto& k) { return !k.second.reused; });
  if (kept.size() >= 16) kept.clear();
  kept.emplace(std::move(key), Kept{e, false});
  return e;
}

PoDoFo::PdfString pdf_text(const std::string& utf8) {
  return PoDoFo::PdfString(reinterpret_cast<const pd::pdf_utf8*>(utf8.c_str()));
}

// A number as a content stream writes it: fixed, at most `decimals` places,
// trailing zeros dropped (to_chars: printf's float formatting was a tenth of
// a PDF's time).
void put_number(std::string& out, double v, int decimals) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  char* end = r.ptr;
  if (std::find(buf, end, '.') != end) {
    while (end[-1] == '0') --end;
    if (end[-1] == '.') --end;
  }
  if (end - buf == 2 && buf[0] == '-' && buf[1] == '0') buf[0] = '0', end = buf + 1;
  out.append(buf, end);
}

// A page's content stream, written here rather than through PoDoFo's
// painter: text by code (CID) and the tables' rules, deflated by
// libdeflate and given to the page as its /Contents when the page is done.
class Canvas {
 public:
  void begin(pd::PdfPage* page) {
    page_ = page;
    ops_.clear();
    fonts_.clear();
  }
  std::string& ops() { return ops_; }
  void use_font(const std::string& name, const pd::PdfReference& ref) { fonts_.emplace("F" + name, ref); }
  void rectangle(double x, double y, double w, double h) {
    for (double v : {x, y, w, h}) {
      put_number(ops_, v, 3);
      ops_ += ' ';
    }
    ops_ += "re S\n";
  }
  void stroke_width(double w) {
    put_number(ops_, w, 3);
    ops_ += " w\n";
  }
  void finish() {
    if (!page_) return;
    set_deflated_stream(page_->GetContents(), deflated(ops_));
    pd::PdfDictionary font;
    for (const auto& [name, ref] : fonts_) font.AddKey(pd::PdfName(name), ref);
    page_->GetResources()->GetDictionary().AddKey("Font", font);
    page_ = nullptr;
  }

 private:
  pd::PdfPage* page_ = nullptr;
  std::string ops_;
  std::map<std::string, pd::PdfReference> fonts_;  // sorted: the same bytes every run
};

// The fonts of one document: for each face, a subset of the glyphs the
// document uses (hb-subset), embedded as a Type 0 font with Identity-H
// encoding — codes are CIDs, which for a CID-keyed CFF program are its
// charset's and not its glyph numbers — and a ToUnicode map, so that text
// can be searched and copied.
class DocumentFonts {
 public:
  struct Font {
    std::shared_ptr<const pdf_output::Face> face;
    std::map<std::uint32_t, char32_t> unicode{{0, U' '}};  // old gid → a character drawn with it
    std::shared_ptr<const Embedding> embedded;
    std::string name;  // resource name, F<name>
    pd::PdfObject* type0 = nullptr;
  };

  explicit DocumentFonts(pd::PdfMemDocument& doc) : doc_(doc) {}
  DocumentFonts(const DocumentFonts&) = delete;
  DocumentFonts& operator=(const DocumentFonts&) = delete;

  // Registers a face and a character it will draw.
  void want(const pdf_output::FontSpec& spec, char32_t c) {
    Font& f = entry(spec);
    f.unicode.try_emplace(f.face->glyph(c), c);
  }
  const pdf_output::Face& face(const pdf_output::FontSpec& spec) { return *entry(spec).face; }
  Font* font(const pdf_output::FontSpec& spec) { return &entry(spec); }

  // Builds the subsets; afterwards a font's codes are known.
  void create() {
    for (auto& [key, f] : fonts_) {
      if (f.unicode.size() < 2) continue;  // a fallback this document never draws with: not embedded
      std::set<char32_t> characters;  // those drawn; .notdef comes with every subset
      for (const auto& [g, c] : f.unicode)
        if (g != 0) characters.insert(c);
      f.embedded = embedding(*f.face, characters);
      f.name = std::to_string(++count_);
      f.type0 = doc_.GetObjects().CreateObject("Font");
    }
  }

  void embed() {
    for (auto& [key, f] : fonts_)
      if (f.type0) embed(f);
  }

 private:
  Font& entry(const pdf_output::FontSpec& spec) {
    auto [it, fresh] = fonts_.try_emplace(spec.str());
    if (fresh) it->second.face = pdf_output::load_face(spec);
    return it->second;
  }

  // A subset's tag: six capitals from its glyphs, the same for the same subset.
  static std::string tag(const Font& f) {
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&](std::uint64_t v) { h = (h ^ v) * 1099511628211ull; };
    for (char ch : f.face->postscript_name()) mix(static_cast<unsigned char>(ch));
    for (const auto& [g, c] : f.unicode) mix(g);
    std::string t;
    for (int i = 0; i < 6; ++i, h /= 26) t += static_cast<char>('A' + h % 26);
    return t;
  }

  void embed(Font& f) {
    auto& objects = doc_.GetObjects();
    const auto& m = f.face->metrics();
    const std::string base = tag(f) + "+" + f.face->postscript_name();

    pd::PdfObject* file = objects.CreateObject();
    const pdf_output::Subset& subset = f.embedded->subset;
    set_deflated_stream(file, f.embedded->program);
    if (subset.cff) file->GetDictionary().AddKey("Subtype", pd::PdfName("CIDFontType0C"));
    else file->GetDictionary().AddKey("Length1", integer(static_cast<long>(subset.bytes.size())));

    pd::PdfObject* descriptor = objects.CreateObject("FontDescriptor");
    auto& d = descriptor->GetDictionary();
    d.AddKey("FontName", pd::PdfName(base));
    d.AddKey("Flags", integer(4));  // symbolic: glyphs by number, not a standard encoding
    pd::PdfArray bbox;
    for (int v : m.bbox) bbox.push_back(static_cast<pd::pdf_int64>(v));
    d.AddKey("FontBBox", bbox);
    d.AddKey("ItalicAngle", integer(0));
    d.AddKey("Ascent", integer(m.ascent));
    d.AddKey("Descent", integer(m.descent));
    d.AddKey("CapHeight", integer(m.cap_height));
    d.AddKey("StemV", integer(80));
    d.AddKey(subset.cff ? "FontFile3" : "FontFile2", file->Reference());

    // Widths by code (the CIDs of the subset's glyphs), and what each code reads as.
    std::map<std::uint32_t, std::pair<double, char32_t>> codes;
    for (const auto& [g, c] : f.unicode) codes[subset.code(g)] = {f.face->advance_of(g), c};
    // Only widths other than DW, in runs of consecutive codes: "c [w1 w2 …]",
    // or "c1 c2 w" when a run has one width (the digits). Every code listed
    // with its width cost 8 KB a PDF, most of it 1000s that DW already says.
    pd::PdfArray widths;
    std::vector<std::pair<std::uint32_t, long>> run;  // consecutive codes and their widths
    auto flush = [&] {
      if (run.empty()) return;
      const bool one_width = run.size() > 1 && std::all_of(run.begin(), run.end(), [&](const auto& r) { return r.second == run[0].second; });
      widths.push_back(static_cast<pd::pdf_int64>(run.front().first));
      if (one_width) {
        widths.push_back(static_cast<pd::pdf_int64>(run.back().first));
        widths.push_back(static_cast<pd::pdf_int64>(run.front().second));
      } else {
        pd::PdfArray each;
        for (const auto& r : run) each.push_back(static_cast<pd::pdf_int64>(r.second));
        widths.push_back(each);
      }
      run.clear();
    };
    for (const auto& [code, wc] : codes) {
      const long w = std::lround(wc.first * 1000);
      if (w == kDefaultWidth) continue;
      if (!run.empty() && run.back().first + 1 != code) flush();
      run.emplace_back(code, w);
    }
    flush();

    pd::PdfObject* cid = objects.CreateObject("Font");
    auto& c = cid->GetDictionary();
    c.AddKey("Subtype", pd::PdfName(subset.cff ? "CIDFontType0" : "CIDFontType2"));
    c.AddKey("BaseFont", pd::PdfName(base));
    pd::PdfDictionary info;
    info.AddKey("Registry", pd::PdfString(subset.registry));
    info.AddKey("Ordering", pd::PdfString(subset.ordering));
    info.AddKey("Supplement", integer(subset.supplement));
    c.AddKey("CIDSystemInfo", info);
    c.AddKey("FontDescriptor", descriptor->Reference());
    c.AddKey("DW", integer(kDefaultWidth));
    c.AddKey("W", widths);
    if (!subset.cff) c.AddKey("CIDToGIDMap", pd::PdfName("Identity"));

    pd::PdfObject* to_unicode = objects.CreateObject();
    set_deflated_stream(to_unicode, deflated(to_unicode_cmap(codes)));

    auto& t = f.type0->GetDictionary();
    t.AddKey("Subtype", pd::PdfName("Type0"));
    t.AddKey("BaseFont", pd::PdfName(base));
    t.AddKey("Encoding", pd::PdfName("Identity-H"));
    pd::PdfArray descendants;
    descendants.push_back(cid->Reference());
    t.AddKey("DescendantFonts", descendants);
    t.AddKey("ToUnicode", to_unicode->Reference());
  }

  static std::string to_unicode_cmap(const std::map<std::uint32_t, std::pair<double, char32_t>>& codes) {
    std::string out =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    char buf[64];
    std::vector<std::string> lines;
    for (const auto& [code, wc] : codes) {
      char32_t u = wc.second;
      if (u > 0xFFFF) {
        unsigned v = static_cast<unsigned>(u) - 0x10000;
        std::snprintf(buf, sizeof buf, "<%04X> <%04X%04X>\n", code, 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
      } else {
        std::snprintf(buf, sizeof buf, "<%04X> <%04X>\n", code, static_cast<unsigned>(u));
      }
      lines.emplace_back(buf);
    }
    for (std::size_t i = 0; i < lines.size(); i += 100) {
      const std::size_t n = std::min<std::size_t>(100, lines.size() - i);
      out += std::to_string(n) + " beginbfchar\n";
      for (std::size_t k = i; k < i + n; ++k) out += lines[k];
      out += "endbfchar\n";
    }
    out += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    return out;
  }

  pd::PdfMemDocument& doc_;
  std::map<std::string, Font> fonts_;
  int count_ = 0;
};

// One role's font and the fallbacks that cover what it lacks.
class Face {
 public:
  Face(std::vector<pdf_output::FontSpec> specs, DocumentFonts& fonts, std::string name)
      : specs_(std::move(specs)), fonts_(fonts), name_(std::move(name)) {
    const std::string& ps = fonts_.face(specs_.front()).postscript_name();
    heavy_ = ps.find("Bold") != std::string::npos || ps.find("Heavy") != std::string::npos || ps.find("Black") != std::string::npos;
  }

  // The face that draws `c` (primary first, then the fallbacks), or nullptr.
  const pdf_output::FontSpec* spec_for(char32_t c) {
    for (const auto& s : specs_)
      if (fonts_.face(s).glyph(c)) return &s;
    return nullptr;
  }
  // Tells the document's fonts which characters this role will draw.
  void want(std::string_view text) {
    for (char32_t c : nianbao::to_u32(text))
      if (const auto* s = spec_for(c)) fonts_.want(*s, c);
  }
  DocumentFonts::Font* font_for(char32_t c) {
    auto it = choice_.find(c);
    if (it != choice_.end()) return it->second;
    const auto* s = spec_for(c);
    return choice_[c] = s ? fonts_.font(*s) : nullptr;
  }
  // A bold or heavier face needs no stroke to look like 小标宋.
  bool heavy() const { return heavy_; }

  // Width of `c` in em (1/size), from the font that draws it.
  double em(char32_t c, const std::string& where) {
    auto it = em_.find(c);
    if (it != em_.end()) return it->second;
    double w = 1.0;
    if (c != U'\u3000') {
      const auto* s = spec_for(c);
      if (!s) missing(c, where);
      w = fonts_.face(*s).advance(c);
    }
    return em_[c] = w;
  }

  double width(std::string_view s, double size, const std::string& where) {
    double w = 0;
    for (char32_t c : nianbao::to_u32(s)) w += em(c, where);
    return w * size;
  }

  // Draws `s` from (x, y), switching to a fallback font for the characters
  // the primary one lacks; `render` is the text rendering mode (0 fill, 2
  // fill and stroke).
  void draw(Canvas& p, double x, double y, std::string_view s, double size, const std::string& where, int render = 0) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::u32string u = nianbao::to_u32(s);
    std::string& ops = p.ops();
    // 小标宋 without a bold face: the outline is also stroked, thinly.
    if (render) p.stroke_width(size * 0.025);
    std::size_t i = 0;
    while (i < u.size()) {
      // Indents and an ideographic space advance; a space is drawn, so
      // that text extraction keeps the words apart.
      if (u[i] == U'\u3000' || (u[i] == U' ' && !font_for(u[i]))) {
        x += em(u[i], where) * size;
        ++i;
        continue;
      }
      DocumentFonts::Font* f = font_for(u[i]);
      if (!f) missing(u[i], where);
      p.use_font(f->name, f->type0->Reference());
      ops += "BT /F";
      ops += f->name;
      ops += ' ';
      put_number(ops, size, 2);
      ops += " Tf ";
      ops += static_cast<char>('0' + render);
      ops += " Tr ";
      put_number(ops, x, 3);
      ops += ' ';
      put_number(ops, y, 3);
      ops += " Td <";
      std::size_t j = i;
      while (j < u.size() && u[j] != U'\u3000' && font_for(u[j]) == f) {
        const std::uint32_t g = f->embedded->subset.code(f->face->glyph(u[j]));
        for (int shift = 12; shift >= 0; shift -= 4) ops += kHex[(g >> shift) & 0xF];
        x += em(u[j++], where) * size;
      }
      ops += "> Tj ET\n";
      i = j;
    }
  }

 private:
  [[noreturn]] void missing(char32_t c, const std::string& where) const {
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
    throw Error(ExitCode::data, "字符“" + nianbao::to_utf8(std::u32string(1, c)) + "”（" + code + "）在字体 " + name_ +
                                    " 及备用字体中都没有字形，无法排印（出现在：" + where +
                                    "）。请改用常用字，或在 fallback_fonts 中加入含有此字的字体");
  }

  std::vector<pdf_output::FontSpec> specs_;
  DocumentFonts& fonts_;
  std::string name_;
  std::unordered_map<char32_t, DocumentFonts::Font*> choice_;
  bool heavy_ = false;
  std::unordered_map<char32_t, double> em_;
};

struct Style {
  double top, left, width, height;  // text block, points from the page's top-left
  double title_size, body_size, pitch, table_size, page_number_size;
  std::string page_numbers, page_number_format;
  bool landscape_appendix = false;
};

// The fonts an option names. A relative path is relative to the file that
// wrote it (the profile or manifest), not to wherever the build was started.
std::vector<pdf_output::FontSpec> font_list(const nianbao::Options& o, const char* option) {
  const nianbao::OptionValue& v = o.get(option);
  const std::string& list = v.text;
  std::filesystem::path base = v.source.known() ? std::filesystem::path(v.source.file).parent_path() : std::filesystem::path();
  std::vector<pdf_output::FontSpec> out;
  for (std::size_t p = 0; p < list.size();) {
    std::size_t comma = std::min(list.find(',', p), list.size());
    std::string one = list.substr(p, comma - p);
    while (!one.empty() && one.front() == ' ') one.erase(one.begin());
    while (!one.empty() && one.back() == ' ') one.pop_back();
    if (!one.empty()) {
      out.push_back(pdf_output::FontSpec::parse(one, base));
    }
    p = comma + 1;
  }
  return out;
}

const char* const kFontOptions[] = {"title_font", "body_font", "heading1_font", "heading2_font", "table_font", "fallback_fonts"};

// Everything the options can get wrong, before any report is typeset: the
// text block on A4, sizes, the page number format, and each font file —
// found, a TrueType face with outlines, able to be subset and embedded.
void check_options(const nianbao::Options& o) {
  auto fail = [&](const char* option, const std::string& why) {
    const auto& v = o.get(option);
    std::string origin = v.from_default ? " (its default)" : "";
    throw Error(ExitCode::config, "pdf option " + std::string(option) + origin + ": " + why, v.source);
  };
  // A margin and the block beside it must fit the page together: blame the
  // one the user wrote (the other is then a default), else the margin.
  auto fit = [&](const char* margin, const char* block, int page_mm) {
    double m = o.number(margin), b = o.number(block);
    std::string page = std::to_string(page_mm) + " mm";
    if (m < 0 || m >= page_mm) fail(margin, "must be at least 0 and less than " + page + ", not " + o.string(margin));
    if (m + b > page_mm + 0.001) {
      const char* blamed = o.get(margin).from_default && !o.get(block).from_default ? block : margin;
      fail(blamed, std::string("the text block does not fit the A4 page: ") + margin + " + " + block + " = " +
                       o.string(margin) + " + " + o.string(block) + " mm, more than " + page);
    }
  };
  fit("margin_left", "text_width", 210);
  fit("margin_top", "text_height", 297);
  if (o.number("text_width") < 36) fail("text_width", "the text block must be at least 36 mm wide");
  if (o.number("text_height") < 36) fail("text_height", "the text block must be at least 36 mm high");
  for (const char* size : {"title_size", "body_size", "line_pitch", "table_size", "page_number_size"})
    if (o.number(size) < 4 || o.number(size) > 72) fail(size, "must be between 4 and 72 pt");
  const std::string& fmt = o.string("page_number_format");
  for (std::size_t i = fmt.find('{'); i != std::string::npos; i = fmt.find('{', i + 1))
    if (fmt.compare(i, 3, "{n}") != 0) fail("page_number_format", "the only field is {n}, the page number: \"" + fmt + "\"");
  std::vector<std::shared_ptr<const pdf_output::Face>> fallbacks;
  for (const char* option : kFontOptions) {
    if (std::string(option) != "fallback_fonts" && font_list(o, option).size() != 1)
      fail(option, "names one font file (a .ttf, or a .ttc with #face); fallbacks go in fallback_fonts");
    try {
      for (const auto& spec : font_list(o, option)) {
        auto face = pdf_output::load_face(spec);
        if (std::string(option) == "fallback_fonts") fallbacks.push_back(face);
      }
    } catch (const Error& e) {
      fail(option, e.message());
    }
  }
  // Every report sets these characters (headings, table labels, digits): a
  // face without them — a Latin-only font — would fail every report at
  // build time, so it is refused here, once, before anything is built.
  static const std::u32string essentials = nianbao::to_u32("一二三四五六总体情况政府信息公开申请行政复议诉讼年度报告件0123456789");
  for (const char* option : kFontOptions) {
    if (std::string(option) == "fallback_fonts") continue;
    auto face = pdf_output::load_face(font_list(o, option).front());
    std::u32string missing;
    for (char32_t c : essentials) {
      bool covered = face->glyph(c) != 0;
      for (const auto& f : fallbacks) covered = covered || f->glyph(c) != 0;
      if (!covered) missing += c;
    }
    if (!missing.empty())
      fail(option, "the font has no glyph for " + std::to_string(missing.size()) + " of the characters every report uses (" +
                       nianbao::to_utf8(missing.substr(0, 12)) + (missing.size() > 12 ? "…" : "") +
                       "): name a Chinese font, or add one to fallback_fonts");
  }
}

std::string page_number_text(const std::string& format, int n) {
  std::string out = format;
  for (std::size_t i = out.find("{n}"); i != std::string::npos; i = out.find("{n}", i)) {
    out.replace(i, 3, std::to_string(n));
    i += std::to_string(n).size();
  }
  return out;
}

class Typesetter {
 public:
  Typesetter(const nianbao::Options& o, pd::PdfMemDocument& doc, DocumentFonts& fonts) : doc_(doc) {
    st_ = {o.number("margin_top") * kMm, o.number("margin_left") * kMm, o.number("text_width") * kMm,
           o.number("text_height") * kMm, o.number("title_size"), o.number("body_size"), o.number("line_pitch"),
           o.number("table_size"), o.number("page_number_size"), o.string("page_numbers"), o.string("page_number_format"),
           o.string("appendix_orientation") == "landscape"};
    portrait_ = st_;
    check_options(o);
    std::vector<pdf_output::FontSpec> fallbacks = font_list(o, "fallback_fonts");
    auto face = [&](const char* option) {
      std::vector<pdf_output::FontSpec> specs = font_list(o, option);
      if (specs.size() != 1) throw Error(ExitCode::config, std::string("pdf option ") + option + " names one font file", o.get(option).source);
      specs.insert(specs.end(), fallbacks.begin(), fallbacks.end());
      for (const auto& s : specs) fonts.face(s);  // a missing or unusable file is an error now
      return std::make_unique<Face>(specs, fonts, o.string(option));
    };
    title_ = face("title_font");
    body_ = face("body_font");
    h1_ = face("heading1_font");
    h2_ = face("heading2_font");
    table_ = face("table_font");
  }

  Typesetter(const Typesetter&) = delete;
  Typesetter& operator=(const Typesetter&) = delete;

  // Every character the document will draw, by the role that draws it, so
  // that each font's subset can be built before typesetting.
  void collect(const nianbao::Document& doc) {
    title_->want(doc.title);
    body_->want(st_.page_number_format + "0123456789");  // page numbers
    for (const auto& b : doc.blocks) {
      if (auto h = std::get_if<nianbao::Heading>(&b)) (h->level == 1 ? h1_ : h2_)->want(h->text);
      else if (auto p = std::get_if<nianbao::Paragraph>(&b)) {
        h2_->want(p->lead);
        body_->want(p->text);
      } else if (auto t = std::get_if<nianbao::Table>(&b)) {
        for (const auto& c : t->cells) table_->want(c.text);
      } else if (auto s = std::get_if<nianbao::SignatureBlock>(&b)) {
        body_->want(s->name);
        body_->want(s->date);
      } else if (auto a = std::get_if<nianbao::Attachment>(&b)) {
        h1_->want(a->label);
        title_->want(a->title);
      }
    }
  }

  void run(const nianbao::Document& doc) {
    new_page();
    title(doc.title, doc.author);
    std::string section = "标题";
    int paragraph = 0;
    for (std::size_t i = 0; i < doc.blocks.size(); ++i) {
      const nianbao::Block& b = doc.blocks[i];
      if (auto h = std::get_if<nianbao::Heading>(&b)) {
        if (h->level == 1) {
          section = h->text;
          paragraph = 0;
        }
        // A heading never stays behind at the foot of a page: it keeps with
        // the start of its table, or with two lines of text.
        const auto* next_table = i + 1 < doc.blocks.size() ? std::get_if<nianbao::Table>(&doc.blocks[i + 1]) : nullptr;
        need(std::min(st_.pitch + (next_table ? table_start_height(*next_table, section + " 表格") : 2 * st_.pitch), st_.height));
        text_block(h->level == 1 ? *h1_ : *h2_, "", h->text, section);
      } else if (auto p = std::get_if<nianbao::Paragraph>(&b)) {
        text_block(*body_, p->lead, p->text, section + " 第" + std::to_string(++paragraph) + "段");
      } else if (auto t = std::get_if<nianbao::Table>(&b)) {
        table(*t, section);
      } else if (auto s = std::get_if<nianbao::SignatureBlock>(&b)) {
        signature(*s);
      } else if (auto a = std::get_if<nianbao::Attachment>(&b)) {
        // 附件 after GB/T 9704: a new page, the label top left in 黑体, the title centred.
        section = a->label;
        paragraph = 0;
        if (page_) finish_page();  // numbered in the orientation it was set in
        if (st_.landscape_appendix) turn_landscape();
        new_page();
        line(*h1_, st_.left, a->label, st_.body_size, st_.pitch, a->label);
        title(a->title, "");
      }
    }
    finish_page();
  }

 private:
  double top_y() const { return page_h_ - st_.top; }
  double bottom_y() const { return page_h_ - st_.top - st_.height; }

  // From the next page on, A4 landscape with the portrait text block turned
  // a quarter and centred on the page.
  void turn_landscape() {
    if (landscape_) return;
    landscape_ = true;
    page_h_ = kPageW;
    st_.width = portrait_.height;
    st_.height = portrait_.width;
    st_.left = (kPageH - st_.width) / 2;
    st_.top = (kPageW - st_.height) / 2;
  }

  void new_page() {
    if (page_) finish_page();
    page_ = doc_.CreatePage(pd::PdfPage::CreateStandardPageSize(pd::ePdfPageSize_A4, landscape_));
    painter_.begin(page_);
    ++page_no_;
    y_ = top_y();
  }

  // 页码: "— N —" 7 mm below the text block; GB/T 9704 sets odd pages right
  // and even pages left, one character in from the edge of the text block.
  void finish_page() {
    if (st_.page_numbers != "none") {
      std::string number = page_number_text(st_.page_number_format, page_no_);
      double size = st_.page_number_size;
      double w = body_->width(number, size, "页码");
      double right = st_.left + st_.width - size - w, left = st_.left + size;
      double x = st_.page_numbers == "center" ? st_.left + (st_.width - w) / 2
                 : st_.page_numbers == "right" ? right
                 : page_no_ % 2                ? right
                                               : left;
      body_->draw(painter_, x, bottom_y() - 7 * kMm - size * 0.8, number, size, "页码");
    }
    painter_.finish();
    page_ = nullptr;
  }

  // Makes room for `h` points, on a new page when this one is full.
  void need(double h) {
    if (y_ - h < bottom_y() - 0.01) new_page();
  }

  void line(Face& face, double x, const std::string& s, double size, double pitch, const std::string& where, int render = 0) {
    need(pitch);
    face.draw(painter_, x, y_ - pitch / 2 - size * 0.35, s, size, where, render);
    y_ -= pitch;
  }

  // Centred; a long title breaks after the agency's name (`lead`) or between words.
  void title(const std::string& text, const std::string& lead) {
    double size = st_.title_size, pitch = std::max(st_.pitch, size * 1.5);
    auto measure = [&](std::string_view s) { return title_->width(s, size, "标题"); };
    // 小标宋 is heavy: without a bold face, fill and stroke the outline thinly.
    const int render = title_->heavy() ? 0 : 2;
    for (const auto& l : nianbao::title_lines(text, lead, st_.width, measure))
      line(*title_, st_.left + (st_.width - measure(l)) / 2, l, size, pitch, "标题", render);
    y_ -= st_.pitch;  // a blank line below the title
  }

  // A paragraph or heading: first line indented two characters; a run-in lead
  // is set in the 楷体 face of level-2 headings.
  void text_block(Face& face, const std::string& lead, const std::string& text, const std::string& where) {
    double size = st_.body_size;
    const std::string indent = "\u3000\u3000";
    std::u32string lead32 = nianbao::to_u32(lead);
    auto measure = [&](std::string_view s) {
      // Lead characters are CJK and one em wide in either face, so the body
      // face measures the whole paragraph.
      return face.width(s, size, where);
    };
    std::size_t lead_left = lead32.size();
    bool first = true;
    for (const auto& l : nianbao::wrap_lines(indent + lead + text, st_.width, measure)) {
      std::u32string u = nianbao::to_u32(l);
      double x = st_.left;
      if (first) {
        u = u.substr(std::min<std::size_t>(2, u.size()));
        x += 2 * size;
        first = false;
      }
      need(st_.pitch);
      double baseline = y_ - st_.pitch / 2 - size * 0.35;
      std::size_t in_lead = std::min(lead_left, u.size());
      if (in_lead > 0) {
        std::string part = nianbao::to_utf8(u.substr(0, in_lead));
        h2_->draw(painter_, x, baseline, part, size, where);
        x += h2_->width(part, size, where);
        lead_left -= in_lead;
      }
      face.draw(painter_, x, baseline, nianbao::to_utf8(u.substr(in_lead)), size, where);
      y_ -= st_.pitch;
    }
  }

  void signature(const nianbao::SignatureBlock& s) {
    double size = st_.body_size;
    need(3 * st_.pitch);
    y_ -= st_.pitch;
    // 成文日期右空四字; the agency's name centred above it.
    double date_w = body_->width(s.date, size, "落款");
    double date_x = st_.left + st_.width - 4 * size - date_w;
    double name_w = body_->width(s.name, size, "落款");
    double name_x = std::min(date_x + (date_w - name_w) / 2, st_.left + st_.width - name_w);
    line(*body_, std::max(st_.left, name_x), s.name, size, st_.pitch, "落款");
    line(*body_, date_x, s.date, size, st_.pitch, "落款");
  }

  // ---- tables ---------------------------------------------------------------

  struct TableGeom {
    nianbao::TableLayout layout;
    std::vector<double> h, x;
    std::vector<int> group_end, sub_end;
    double header_h = 0, first_h = 0;  // header rows; the first group of body rows
  };

  const TableGeom& geometry(const nianbao::Table& t, const std::string& where) {
    auto it = geoms_.find(&t);
    if (it != geoms_.end()) return it->second;
    t.validate();
    TableGeom g;
    const double size = st_.table_size, pad_x = size * 0.3, pad_y = size * 0.25, lh = size * 1.35;
    nianbao::TableLayoutStyle ls;
    ls.target = st_.width;
    ls.overhead = 2 * pad_x;
    ls.label_min = 4 * size;
    ls.header_min = 2 * size;
    ls.step = 3;  // points: finer steps change nothing a reader sees and cost time
    ls.measure = [&](std::string_view s) { return table_->width(s, size, where + "“" + std::string(s) + "”"); };
    g.layout = nianbao::layout_table(t, ls);
    // Row heights from the wrapped lines; a tall spanning cell stretches its last row.
    g.h.assign(static_cast<std::size_t>(t.rows), lh + 2 * pad_y);
    for (std::size_t i = 0; i < t.cells.size(); ++i) {
      const auto& c = t.cells[i];
      if (c.rowspan == 1)
        g.h[static_cast<std::size_t>(c.row)] = std::max(g.h[static_cast<std::size_t>(c.row)], static_cast<double>(g.layout.lines[i].size()) * lh + 2 * pad_y);
    }
    for (std::size_t i = 0; i < t.cells.size(); ++i) {
      const auto& c = t.cells[i];
      if (c.rowspan == 1) continue;
      double have = 0;
      for (int r = c.row; r < c.row + c.rowspan; ++r) have += g.h[static_cast<std::size_t>(r)];
      double need_h = static_cast<double>(g.layout.lines[i].size()) * lh + 2 * pad_y;
      if (need_h > have) g.h[static_cast<std::size_t>(c.row + c.rowspan - 1)] += need_h - have;
    }
    g.x.assign(static_cast<std::size_t>(t.columns) + 1, st_.left);
    for (int k = 0; k < t.columns; ++k)
      g.x[static_cast<std::size_t>(k) + 1] = g.x[static_cast<std::size_t>(k)] + g.layout.widths[static_cast<std::size_t>(k)] + 2 * pad_x;
    double shift = std::max(0.0, (st_.width - (g.x.back() - st_.left)) / 2);  // centre a narrow table
    for (double& v : g.x) v += shift;
    // Rows that a vertical span ties together stay on one page (group_end);
    // inside a group taller than a page, the groups its shorter spans make
    // (sub_end) are the places to break.
    auto ends = [&](bool skip_tall) {
      std::vector<int> e(static_cast<std::size_t>(t.rows));
      for (int r = 0; r < t.rows; ++r) e[static_cast<std::size_t>(r)] = r;
      for (const auto& c : t.cells) {
        if (skip_tall && height(g, c.row, c.row + c.rowspan - 1) > st_.height / 2) continue;
        e[static_cast<std::size_t>(c.row)] = std::max(e[static_cast<std::size_t>(c.row)], c.row + c.rowspan - 1);
      }
      for (int r = t.rows - 2; r >= 0; --r)  // a group reaches as far as any row inside it does
        for (int k = r; k <= e[static_cast<std::size_t>(r)]; ++k)
          e[static_cast<std::size_t>(r)] = std::max(e[static_cast<std::size_t>(r)], e[static_cast<std::size_t>(k)]);
      return e;
    };
    g.group_end = ends(false);
    g.sub_end = ends(true);
    g.header_h = height(g, 0, t.header_rows - 1);
    if (t.header_rows < t.rows) g.first_h = height(g, t.header_rows, g.group_end[static_cast<std::size_t>(t.header_rows)]);
    return geoms_.emplace(&t, std::move(g)).first->second;
  }

  static double height(const TableGeom& g, int a, int b) {
    double s = 0;
    for (int r = a; r <= b; ++r) s += g.h[static_cast<std::size_t>(r)];
    return s;
  }

  // Room a table needs to start: its header rows and first group of rows.
  double table_start_height(const nianbao::Table& t, const std::string& where) {
    const TableGeom& g = geometry(t, where);
    return std::min(st_.pitch * 0.25 + g.header_h + g.first_h, st_.height);
  }

  void table(const nianbao::Table& t, const std::string& section) {
    const std::string where = section + " 表格";
    const TableGeom& g = geometry(t, where);
    const int hr = t.header_rows;
    need(table_start_height(t, where));
    y_ -= st_.pitch * 0.25;
    if (hr > 0) draw_rows(t, g, 0, hr - 1, where);
    int tall_until = -1;
    auto header_again = [&] {
      new_page();
      if (hr > 0) draw_rows(t, g, 0, hr - 1, where);
    };
    for (int r = hr; r < t.rows;) {
      int end = g.group_end[static_cast<std::size_t>(r)];
      const bool fresh = y_ >= top_y() - g.header_h - 0.01;  // nothing but header rows on this page yet
      auto fits = [&](int e) { return y_ - height(g, r, e) >= bottom_y() - 0.01; };
      if (r > tall_until && height(g, r, end) > st_.height - g.header_h) {
        // A group taller than a page starts on a fresh page and breaks
        // between its smaller groups, so that spanning labels keep room.
        tall_until = end;
        if (!fresh) {
          header_again();
          continue;
        }
      }
      if (r <= tall_until) {
        end = -1;
        for (int k = r; k <= tall_until;) {
          int se = std::min(g.sub_end[static_cast<std::size_t>(k)], tall_until);
          if (!fits(se)) break;
          end = se;
          k = se + 1;
        }
        if (end < 0) {
          int se = std::min(g.sub_end[static_cast<std::size_t>(r)], tall_until);
          if (!fresh && height(g, r, se) <= st_.height - g.header_h) {
            header_again();
            continue;
          }
          for (int k = r; k <= se && fits(k); ++k) end = k;  // taller than any page: rows as far as they fit
          if (end < 0) {
            if (!fresh) {
              header_again();
              continue;
            }
            end = r;
          }
        }
      } else if (!fits(end)) {
        header_again();
      }
      draw_rows(t, g, r, end, where);
      r = end + 1;
    }
    y_ -= st_.pitch * 0.5;
  }

  // Draws grid rows a..b at the cursor: every cell that shows in them, with
  // its border; text only where the cell begins.
  void draw_rows(const nianbao::Table& t, const TableGeom& g, int a, int b, const std::string& where) {
    const double size = st_.table_size, pad_x = size * 0.3, lh = size * 1.35;
    const auto& h = g.h;
    const auto& x = g.x;
    const auto& layout = g.layout;
    std::vector<double> top(static_cast<std::size_t>(b - a + 2), y_);
    for (int r = a; r <= b; ++r) top[static_cast<std::size_t>(r - a + 1)] = top[static_cast<std::size_t>(r - a)] - h[static_cast<std::size_t>(r)];
    painter_.stroke_width(0.5);
    for (std::size_t i = 0; i < t.cells.size(); ++i) {
      const auto& c = t.cells[i];
      int r0 = std::max(c.row, a), r1 = std::min(c.row + c.rowspan - 1, b);
      if (r0 > r1) continue;
      double x0 = x[static_cast<std::size_t>(c.col)], x1 = x[static_cast<std::size_t>(c.col + c.colspan)];
      double y0 = top[static_cast<std::size_t>(r0 - a)], y1 = top[static_cast<std::size_t>(r1 - a + 1)];
      painter_.rectangle(x0, y1, x1 - x0, y0 - y1);
      if (c.row < a) continue;  // continued from the previous page
      const auto& lines = layout.lines[i];
      double block = static_cast<double>(lines.size()) * lh;
      double ly = y0 - (y0 - y1 - block) / 2;  // centred vertically
      for (const auto& l : lines) {
        double w = table_->width(l, size, where);
        double lx = c.align == nianbao::Align::left ? x0 + pad_x
                    : c.align == nianbao::Align::right ? x1 - pad_x - w
                                                        : x0 + (x1 - x0 - w) / 2;
        table_->draw(painter_, lx, ly - lh / 2 - size * 0.35, l, size, where + "“" + c.text + "”");
        ly -= lh;
      }
    }
    y_ = top.back();
  }

  pd::PdfMemDocument& doc_;
  Style st_{};
  Style portrait_{};
  bool landscape_ = false;
  double page_h_ = kPageH;
  std::map<const nianbao::Table*, TableGeom> geoms_;
  std::unique_ptr<Face> title_, body_, h1_, h2_, table_;
  Canvas painter_;
  pd::PdfPage* page_ = nullptr;
  int page_no_ = 0;
  double y_ = 0;
};


class PdfOutput : public nianbao::OutputPlugin {
 public:
  PdfOutput() { pd::PdfError::EnableLogging(false); }

  void check(const nianbao::Options& options) override { check_options(options); }

  void write(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) override {
    try {
      pd::PdfMemDocument doc;
      doc.SetPdfVersion(pd::ePdfVersion_1_7);  // ISO 32000-1
      DocumentFonts fonts(doc);
      Typesetter typesetter(rq.options, doc, fonts);
      typesetter.collect(rq.doc);
      fonts.create();
      typesetter.run(rq.doc);
      fonts.embed();
      pd::PdfDictionary& info = doc.GetInfo()->GetObject()->GetDictionary();
      std::string one_line = rq.doc.title;
      std::erase(one_line, '\n');
      doc.GetInfo()->SetTitle(pdf_text(one_line));
      doc.GetInfo()->SetAuthor(pdf_text(rq.doc.author));
      doc.GetInfo()->SetCreator(pdf_text("nianbao " NIANBAO_VERSION));
      pd::PdfString date;
      pd::PdfDate(nianbao::midnight_utc(rq.doc.build_date, 946684800 /* 2000-01-01, never the clock */)).ToString(date);
      info.AddKey("CreationDate", date);
      info.AddKey("ModDate", date);
      // Into memory, then one checked write: PoDoFo's own file output does
      // not report a write the disk refused.
      pd::PdfRefCountedBuffer buffer;
      pd::PdfOutputDevice device(&buffer);
      doc.Write(&device);
      nianbao::write_bytes(files.create(rq.doc.file_stem + ".pdf"),
                           std::string_view(buffer.GetBuffer(), static_cast<std::size_t>(device.GetLength())));
    } catch (const pd::PdfError& e) {
      throw Error(ExitCode::software, std::string("PDF: ") + pd::PdfError::ErrorMessage(e.GetError()));
    }
  }
};

// GB/T 9704's faces, free: Fandol (texlive-lang-chinese) and Noto CJK (fonts-noto-cjk).
const nianbao_option_spec kOptions[] = {
    {"body_font", "string", "FandolFang", nullptr,
     "body text (仿宋 in GB/T 9704): a family (FandolFang, Noto Serif CJK SC:Bold) or a file (.ttf, .otf, .ttc#face)"},
    {"title_font", "string", "Noto Serif CJK SC:Bold", nullptr, "the title (小标宋)"},
    {"heading1_font", "string", "FandolHei", nullptr, "level-1 headings 一、 (黑体)"},
    {"heading2_font", "string", "FandolKai", nullptr, "level-2 headings （一） and run-in leads (楷体)"},
    {"table_font", "string", "FandolSong", nullptr, "tables (宋体)"},
    {"fallback_fonts", "string", "Noto Serif CJK SC", nullptr, "comma-separated fonts for characters the others lack"},
    {"title_size", "number", "22", nullptr, "title size in pt (2号)"},
    {"body_size", "number", "16", nullptr, "body and heading size in pt (3号)"},
    {"line_pitch", "number", "28.9", nullptr, "baseline distance in pt (22 lines a page)"},
    {"table_size", "number", "10.5", nullptr, "table text size in pt (五号 10.5 to 小四 12)"},
    {"page_number_size", "number", "14", nullptr, "page number size in pt (4号)"},
    {"page_numbers", "choice", "outer", "outer|center|right|none",
     "where page numbers stand: outer (odd pages right, even left, GB/T 9704), center, right, or none"},
    {"page_number_format", "string", "— {n} —", nullptr, "the page number as printed; {n} is the number (第{n}页, - {n} -)"},
    {"appendix_orientation", "choice", "portrait", "portrait|landscape",
     "pages of 附表 (profile document.tables: appendix): portrait, or landscape with the text block turned and centred"},
    {"margin_top", "number", "37", nullptr, "top margin in mm"},
    {"margin_left", "number", "28", nullptr, "left margin in mm"},
    {"text_width", "number", "156", nullptr, "text block width in mm"},
    {"text_height", "number", "225", nullptr, "text block height in mm"},
};

}  // namespace

NIANBAO_OUTPUT_PLUGIN(PdfOutput, "pdf", "1.0.0", "PDF typeset after GB/T 9704-2012 with embedded CJK subset fonts", kOptions)
