#include "sfnt.hpp"

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace pdf_output {

namespace {

std::uint32_t u32(std::string_view b, std::size_t at) {
  if (at + 4 > b.size()) throw std::runtime_error("truncated font file");
  auto c = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + i])); };
  return c(0) << 24 | c(1) << 16 | c(2) << 8 | c(3);
}
std::uint16_t u16(std::string_view b, std::size_t at) {
  if (at + 2 > b.size()) throw std::runtime_error("truncated font file");
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) << 8 | static_cast<unsigned char>(b[at + 1]));
}
void put32(std::string& s, std::uint32_t v) {
  for (int k = 3; k >= 0; --k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}
void put16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v & 0xff));
}
bool is_collection(std::string_view b) { return b.substr(0, 4) == "ttcf"; }

}  // namespace

unsigned face_count(std::string_view font) { return is_collection(font) ? u32(font, 8) : 1; }

std::string extract_face(std::string_view font, unsigned index) {
  std::string_view tag = font.substr(0, 4);
  if (tag == "OTTO") throw std::runtime_error("it has CFF outlines (OpenType/CFF), which cannot be subset here");
  if (tag != std::string_view("\0\1\0\0", 4) && tag != "true" && tag != "ttcf")
    throw std::runtime_error("not a TrueType font file (.ttf, or .ttc with #face)");
  if (!is_collection(font)) {
    if (index != 0) throw std::runtime_error("not a font collection: it has only face 0");
    return std::string(font);
  }
  unsigned faces = face_count(font);
  if (index >= faces) throw std::runtime_error("the collection has " + std::to_string(faces) + " faces, no face " + std::to_string(index));
  std::size_t dir = u32(font, 12 + 4 * static_cast<std::size_t>(index));
  std::uint32_t version = u32(font, dir);
  std::uint16_t tables = u16(font, dir + 4);
  struct Table {
    std::uint32_t tag, checksum, offset, length;
  };
  std::vector<Table> t;
  for (std::uint16_t i = 0; i < tables; ++i) {
    std::size_t rec = dir + 12 + 16 * static_cast<std::size_t>(i);
    t.push_back({u32(font, rec), u32(font, rec + 4), u32(font, rec + 8), u32(font, rec + 12)});
    if (static_cast<std::size_t>(t.back().offset) + t.back().length > font.size()) throw std::runtime_error("a table lies outside the file");
  }
  // The offset table is copied as is (searchRange & co. depend only on the count).
  std::string out;
  put32(out, version);
  put16(out, tables);
  out.append(font.substr(dir + 6, 6));
  std::size_t data = 12 + 16 * static_cast<std::size_t>(tables);
  std::string body;
  for (const auto& x : t) {
    put32(out, x.tag);
    put32(out, x.checksum);
    put32(out, static_cast<std::uint32_t>(data + body.size()));
    put32(out, x.length);
    body.append(font.substr(x.offset, x.length));
    while (body.size() % 4) body.push_back('\0');
  }
  return out + body;
}

}  // namespace pdf_output

#include <algorithm>

namespace pdf_output {

namespace {
std::uint32_t checksum(std::string_view t) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < t.size(); i += 4) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = v << 8 | (i + k < t.size() ? static_cast<unsigned char>(t[i + k]) : 0u);
    sum += v;
  }
  return sum;
}
void set16(std::string& s, std::size_t at, std::uint16_t v) {
  s[at] = static_cast<char>(v >> 8);
  s[at + 1] = static_cast<char>(v & 0xff);
}
void set32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) s[at + static_cast<std::size_t>(k)] = static_cast<char>((v >> (24 - 8 * k)) & 0xff);
}
}  // namespace

TrueTypeFace::TrueTypeFace(std::string bytes) : bytes_(std::move(bytes)) {
  std::string_view b = bytes_;
  std::uint16_t n = u16(b, 4);
  for (std::uint16_t i = 0; i < n; ++i) {
    std::size_t rec = 12 + 16 * static_cast<std::size_t>(i);
    std::string tag(b.substr(rec, 4));
    std::uint32_t off = u32(b, rec + 8), len = u32(b, rec + 12);
    if (static_cast<std::size_t>(off) + len > b.size()) throw std::runtime_error("table " + tag + " lies outside the font");
    tables_[tag] = {off, len};
  }
  for (const char* t : {"head", "hhea", "hmtx", "maxp", "loca", "glyf", "cmap"})
    if (!tables_.count(t)) throw std::runtime_error(std::string("no '") + t + "' table (not a TrueType font with outlines)");
  num_glyphs_ = u16(table("maxp"), 4);
  units_per_em_ = std::max<std::uint16_t>(1, u16(table("head"), 18));
  num_hmetrics_ = u16(table("hhea"), 34);
  bool long_loca = u16(table("head"), 50) == 1;
  std::string_view loca = table("loca");
  for (std::uint32_t g = 0; g <= num_glyphs_; ++g)
    loca_.push_back(long_loca ? u32(loca, 4 * g) : 2u * u16(loca, 2 * g));
  // The Unicode cmap: format 12 (3,10) when there is one, else format 4 (3,1).
  std::string_view cmap = table("cmap");
  std::size_t best = 0;
  int best_rank = 0;
  for (std::uint16_t i = 0, count = u16(cmap, 2); i < count; ++i) {
    std::uint16_t platform = u16(cmap, 4 + 8 * i), encoding = u16(cmap, 6 + 8 * i);
    std::uint32_t off = u32(cmap, 8 + 8 * i);
    std::uint16_t format = u16(cmap, off);
    int rank = platform == 3 && encoding == 10 && format == 12 ? 3 : platform == 3 && encoding == 1 && format == 4 ? 2
               : platform == 0 && format == 4 ? 1 : 0;
    if (rank > best_rank) best_rank = rank, best = off;
  }
  if (!best_rank) throw std::runtime_error("no Unicode cmap");
  if (u16(cmap, best) == 12) {
    for (std::uint32_t g = 0, groups = u32(cmap, best + 12); g < groups; ++g) {
      std::size_t at = best + 16 + 12 * static_cast<std::size_t>(g);
      std::uint32_t first = u32(cmap, at), last = u32(cmap, at + 4), gid = u32(cmap, at + 8);
      for (std::uint32_t c = first; c <= last && c < 0x110000; ++c) cmap_[c] = static_cast<std::uint16_t>(gid + (c - first));
    }
  } else {
    std::uint16_t segs = u16(cmap, best + 6) / 2;
    std::size_t ends = best + 14, starts = ends + 2 * segs + 2, deltas = starts + 2 * segs, ranges = deltas + 2 * segs;
    for (std::uint16_t s = 0; s < segs; ++s) {
      std::uint16_t end = u16(cmap, ends + 2 * s), start = u16(cmap, starts + 2 * s);
      std::uint16_t delta = u16(cmap, deltas + 2 * s), range = u16(cmap, ranges + 2 * s);
      for (std::uint32_t c = start; c <= end && c != 0xFFFF; ++c) {
        std::uint16_t gid;
        if (range == 0) gid = static_cast<std::uint16_t>(c + delta);
        else {
          std::size_t at = ranges + 2 * s + range + 2 * (c - start);
          gid = u16(cmap, at);
          if (gid) gid = static_cast<std::uint16_t>(gid + delta);
        }
        if (gid) cmap_[c] = gid;
      }
    }
  }
}

std::string_view TrueTypeFace::table(const char* tag) const {
  auto it = tables_.find(tag);
  if (it == tables_.end()) return {};
  return std::string_view(bytes_).substr(it->second.first, it->second.second);
}

std::uint16_t TrueTypeFace::glyph(char32_t c) const {
  auto it = cmap_.find(c);
  return it == cmap_.end() || it->second >= num_glyphs_ ? 0 : it->second;
}

double TrueTypeFace::advance(char32_t c) const {
  std::uint16_t g = glyph(c);
  std::uint16_t m = std::min<std::uint16_t>(g, static_cast<std::uint16_t>(num_hmetrics_ - 1));
  return static_cast<double>(u16(table("hmtx"), 4u * m)) / units_per_em_;
}

std::string_view TrueTypeFace::glyph_data(std::uint16_t gid) const {
  std::string_view glyf = table("glyf");
  if (gid >= num_glyphs_ || loca_[gid + 1u] < loca_[gid] || loca_[gid + 1u] > glyf.size()) return {};
  return glyf.substr(loca_[gid], loca_[gid + 1u] - loca_[gid]);
}

std::string TrueTypeFace::subset(const std::set<char32_t>& chars) const {
  // Glyphs used, composites followed to their components.
  std::set<std::uint16_t> used{0};
  std::vector<std::uint16_t> work;
  for (char32_t c : chars)
    if (std::uint16_t g = glyph(c); g && used.insert(g).second) work.push_back(g);
  auto components = [&](std::string_view g, auto&& visit) {
    if (g.size() < 10 || static_cast<std::int16_t>(u16(g, 0)) >= 0) return;
    std::size_t at = 10;
    for (;;) {
      std::uint16_t flags = u16(g, at);
      visit(at + 2, u16(g, at + 2));
      at += 4 + ((flags & 1) ? 4 : 2);                                      // ARG_1_AND_2_ARE_WORDS
      at += (flags & 8) ? 2 : (flags & 0x40) ? 4 : (flags & 0x80) ? 8 : 0;  // scale forms
      if (!(flags & 0x20)) break;                                          // MORE_COMPONENTS
    }
  };
  while (!work.empty()) {
    std::uint16_t g = work.back();
    work.pop_back();
    components(glyph_data(g), [&](std::size_t, std::uint16_t c) {
      if (c < num_glyphs_ && used.insert(c).second) work.push_back(c);
    });
  }
  std::map<std::uint16_t, std::uint16_t> renumber;
  for (std::uint16_t g : used) renumber.emplace(g, static_cast<std::uint16_t>(renumber.size()));
  const auto n = static_cast<std::uint16_t>(renumber.size());

  std::string glyf, loca, hmtx;
  std::string_view old_hmtx = table("hmtx");
  for (auto [old_id, new_id] : renumber) {
    (void)new_id;
    put32(loca, static_cast<std::uint32_t>(glyf.size()));
    std::string g(glyph_data(old_id));
    components(g, [&](std::size_t at, std::uint16_t c) { set16(g, at, renumber.count(c) ? renumber[c] : 0); });
    glyf += g;
    while (glyf.size() % 4) glyf.push_back('\0');
    std::uint16_t m = std::min<std::uint16_t>(old_id, static_cast<std::uint16_t>(num_hmetrics_ - 1));
    put16(hmtx, u16(old_hmtx, 4u * m));
    put16(hmtx, old_id < num_hmetrics_ ? u16(old_hmtx, 4u * old_id + 2)
                                       : u16(old_hmtx, 4u * num_hmetrics_ + 2u * (old_id - num_hmetrics_)));
  }
  put32(loca, static_cast<std::uint32_t>(glyf.size()));

  // cmap: one format-4 subtable (3,1), a segment per character.
  std::vector<std::pair<std::uint16_t, std::uint16_t>> map;  // char, new glyph
  for (char32_t c : chars)
    if (c < 0xFFFF)
      if (std::uint16_t g = glyph(c)) map.emplace_back(static_cast<std::uint16_t>(c), renumber[g]);
  std::string cmap;
  put16(cmap, 0);
  put16(cmap, 1);
  put16(cmap, 3);
  put16(cmap, 1);
  put32(cmap, 12);
  auto segs = static_cast<std::uint16_t>(map.size() + 1);
  std::uint16_t search = 1, selector = 0;
  while (search * 2 <= segs) search = static_cast<std::uint16_t>(search * 2), ++selector;
  std::string sub;
  put16(sub, 4);
  put16(sub, static_cast<std::uint16_t>(16 + 8 * segs));
  put16(sub, 0);
  put16(sub, static_cast<std::uint16_t>(segs * 2));
  put16(sub, static_cast<std::uint16_t>(search * 2));
  put16(sub, selector);
  put16(sub, static_cast<std::uint16_t>(segs * 2 - search * 2));
  for (auto [c, g] : map) put16(sub, c);
  put16(sub, 0xFFFF);
  put16(sub, 0);  // reservedPad
  for (auto [c, g] : map) put16(sub, c);
  put16(sub, 0xFFFF);
  for (auto [c, g] : map) put16(sub, static_cast<std::uint16_t>(g - c));
  put16(sub, 1);
  for (std::uint16_t i = 0; i < segs; ++i) put16(sub, 0);
  cmap += sub;

  std::string head(table("head")), hhea(table("hhea")), maxp(table("maxp"));
  set32(head, 8, 0);      // checkSumAdjustment, recomputed below
  set16(head, 50, 1);     // long loca
  set16(hhea, 34, n);     // every glyph has its own metrics
  set16(maxp, 4, n);
  std::string post;
  put32(post, 0x00030000);  // format 3: no glyph names
  post.append(std::string(table("post").substr(4, 28)));
  while (post.size() < 32) post.push_back('\0');

  std::map<std::string, std::string> out = {{"cmap", cmap}, {"glyf", glyf}, {"head", head}, {"hhea", hhea},
                                            {"hmtx", hmtx}, {"loca", loca}, {"maxp", maxp}, {"post", post}};
  for (const char* keep : {"OS/2", "name", "cvt ", "fpgm", "prep", "gasp"})
    if (!table(keep).empty()) out[keep] = std::string(table(keep));

  auto count = static_cast<std::uint16_t>(out.size());
  std::uint16_t pow2 = 1, log2 = 0;
  while (pow2 * 2 <= count) pow2 = static_cast<std::uint16_t>(pow2 * 2), ++log2;
  std::string font;
  put32(font, 0x00010000);
  put16(font, count);
  put16(font, static_cast<std::uint16_t>(pow2 * 16));
  put16(font, log2);
  put16(font, static_cast<std::uint16_t>(count * 16 - pow2 * 16));
  std::size_t data = 12 + 16 * static_cast<std::size_t>(count);
  std::string body;
  std::size_t head_at = 0;
  for (const auto& [tag, t] : out) {  // std::map: tags in the sorted order the format asks for
    font += tag;
    put32(font, checksum(t));
    if (tag == "head") head_at = data + body.size();
    put32(font, static_cast<std::uint32_t>(data + body.size()));
    put32(font, static_cast<std::uint32_t>(t.size()));
    body += t;
    while (body.size() % 4) body.push_back('\0');
  }
  font += body;
  set32(font, head_at + 8, 0xB1B0AFBAu - checksum(font));
  return font;
}

}  // namespace pdf_output
