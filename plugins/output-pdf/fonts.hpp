// Fonts for the PDF output, through HarfBuzz: a face is mapped (mmap), never
// copied or indexed — its cmap and metrics are looked up lazily — and each
// document embeds a subset made by hb-subset, which handles TrueType and CFF
// outlines and collections alike.
//
// Usage:
//   FontSpec spec = FontSpec::parse("FandolFang", profile_dir);   // or "Noto Serif CJK SC:Bold",
//                                                                // or "/path/uming.ttc#0"
//   auto face = load_face(spec);          // throws Error(config) naming the package to install
//   face->glyph(U'政'); face->advance(U'政');
//   Subset s = face->subset({U'政', …});  // s.bytes, s.cff, s.code(face->glyph(U'政'))
//   face->release_outlines();            // when s is kept: its outlines are not read again soon
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace pdf_output {

// A font option as written: a family known to fontconfig ("FandolFang",
// "Noto Serif CJK SC:Bold" — family, then an optional style after ':'), or
// a file ("/usr/share/fonts/truetype/arphic/uming.ttc#0": for a collection
// the face after '#'; relative to the file that named it).
struct FontSpec {
  std::string family, style;  // a family, when not a file
  std::filesystem::path file;
  unsigned face = 0;
  static FontSpec parse(const std::string& option, const std::filesystem::path& base = {});
  std::string str() const;
};

// A subset of a face, holding only the glyphs asked for (and those they are
// built from), renumbered: for a CFF face its bare CFF program (a PDF's
// CIDFontType0C), for a TrueType face a standalone TrueType font.
struct Subset {
  std::string bytes;
  bool cff = false;
  // Each glyph of the face → the number a PDF draws it by: its CID when the
  // program is CID-keyed, else its number in the subset.
  std::map<std::uint32_t, std::uint32_t> codes;
  // The character collection the codes belong to: a CID-keyed program's own
  // (FandolFang: Adobe-GB1-5), else Adobe-Identity-0.
  std::string registry = "Adobe", ordering = "Identity";
  int supplement = 0;
  std::uint32_t code(std::uint32_t old) const {
    auto it = codes.find(old);
    return it == codes.end() ? 0 : it->second;
  }
};

class Face {
 public:
  virtual ~Face() = default;
  // 0 when the face has no glyph for `c` (glyph 0 is .notdef).
  virtual std::uint32_t glyph(char32_t c) const = 0;
  // Advance width of glyph `gid` / of `c`, in em.
  virtual double advance_of(std::uint32_t gid) const = 0;
  double advance(char32_t c) const { return advance_of(glyph(c)); }
  // The glyphs that draw `characters` (by the face's cmap), and .notdef.
  virtual Subset subset(const std::set<char32_t>& characters) const = 0;
  // Gives back the pages of outlines that subsets have read, for a face
  // whose subsets are kept and reused. Each glyph read maps the 64 KB around
  // it (the kernel's fault-around, which MADV_RANDOM does not stop), so a
  // worker held 13 MB of five faces' outlines for a few hundred glyphs. The
  // pages stay in the page cache; a later subset reads them again.
  virtual void release_outlines() const = 0;

  // For the font descriptor: in 1/1000 em.
  struct Metrics {
    int ascent = 880, descent = -120, cap_height = 700;
    int bbox[4] = {0, -120, 1000, 880};
  };
  virtual const Metrics& metrics() const = 0;
  virtual const std::string& postscript_name() const = 0;
  virtual std::string where() const = 0;  // file#face, for messages
};

// The face for `spec`, opened once per process (thread-safe). Throws
// nianbao::Error(config) when it is not installed (naming the Debian
// package that has it), or cannot be read.
std::shared_ptr<const Face> load_face(const FontSpec& spec);

}  // namespace pdf_output
