// TrueType collections (.ttc) → one standalone face. PoDoFo 0.9.8 can only
// subset a single-face TrueType file, and Debian's free CJK fonts ship as
// collections (wqy-microhei, arphic uming/ukai).
#pragma once
#include <string>
#include <string_view>

namespace pdf_output {

// The bytes of a standalone sfnt for face `index` of `font` (a .ttc or a
// plain .ttf/.otf, which is returned unchanged for index 0). Throws
// std::runtime_error saying what is wrong with the file.
std::string extract_face(std::string_view font, unsigned index);

// Number of faces in a collection (1 for a plain font file).
unsigned face_count(std::string_view font);

}  // namespace pdf_output

#include <cstdint>
#include <map>
#include <set>
#include <vector>

namespace pdf_output {

// A TrueType face read once: where its tables are, its Unicode cmap, glyph
// offsets and horizontal metrics. Building one costs a pass over cmap and
// loca; subsetting with it costs only the glyphs a document uses.
class TrueTypeFace {
 public:
  explicit TrueTypeFace(std::string bytes);  // throws std::runtime_error for what it cannot read

  // 0 when the face has no glyph for `c` (glyph 0 is .notdef).
  std::uint16_t glyph(char32_t c) const;
  // Advance width of `c` in em, from hmtx (no rasteriser involved).
  double advance(char32_t c) const;

  // A standalone TrueType font with only the glyphs of `chars` (and the
  // glyphs their composites use), renumbered densely, with a format-4 cmap
  // for them. Hinting programs and name/OS/2 are kept; tables indexed by the
  // old glyph numbers (bitmaps, layout, kerning, vertical metrics) are left out.
  std::string subset(const std::set<char32_t>& chars) const;

 private:
  std::string_view table(const char* tag) const;
  std::string_view glyph_data(std::uint16_t gid) const;

  std::string bytes_;
  std::map<std::string, std::pair<std::uint32_t, std::uint32_t>> tables_;  // tag → offset, length
  std::map<char32_t, std::uint16_t> cmap_;
  std::vector<std::uint32_t> loca_;  // numGlyphs + 1 offsets into glyf
  std::uint16_t num_glyphs_ = 0, num_hmetrics_ = 0, units_per_em_ = 1000;
};

}  // namespace pdf_output
