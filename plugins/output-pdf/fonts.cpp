#include "fonts.hpp"

#include <nianbao/error.hpp>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <vector>

namespace pdf_output {

namespace fs = std::filesystem;
using nianbao::Error;
using nianbao::ExitCode;

namespace {

// Folders of Debian font packages that fontconfig is not told about:
// texlive-lang-chinese installs the Fandol faces for TeX only.
const char* const kPackageFontDirs[] = {"/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"};

// Which Debian package has a family, for the message when it is missing.
std::string package_of(const std::string& family) {
  struct Hint {
    const char* prefix;
    const char* package;
  };
  static const Hint hints[] = {{"Fandol", "texlive-lang-chinese"},  {"Noto Serif CJK", "fonts-noto-cjk"},
                               {"Noto Sans CJK", "fonts-noto-cjk"}, {"AR PL UMing", "fonts-arphic-uming"},
                               {"AR PL UKai", "fonts-arphic-ukai"},  {"WenQuanYi Micro Hei", "fonts-wqy-microhei"},
                               {"LXGW WenKai", "fonts-lxgw-wenkai"}};
  for (const auto& h : hints)
    if (family.rfind(h.prefix, 0) == 0) return h.package;
  return "";
}

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

std::string name_of(hb_face_t* face, hb_ot_name_id_t id) {
  char buf[256];
  unsigned len = sizeof buf;
  unsigned n = hb_ot_name_get_utf8(face, id, hb_language_from_string("en", -1), &len, buf);
  if (n == 0) {
    len = sizeof buf;
    n = hb_ot_name_get_utf8(face, id, HB_LANGUAGE_INVALID, &len, buf);
  }
  return n ? std::string(buf, len) : std::string();
}

struct Candidate {
  fs::path file;
  unsigned face = 0;
  std::vector<std::string> styles;
  int weight = 80;  // fontconfig's scale: 80 regular, 200 bold
};

// A style asked for, else the regular one; ties go to the first file and face.
const Candidate* choose(std::vector<Candidate>& all, const std::string& style) {
  std::sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.file, a.face) < std::tie(b.file, b.face);
  });
  const Candidate* best = nullptr;
  for (const auto& c : all) {
    if (!style.empty()) {
      for (const auto& s : c.styles)
        if (same(s, style)) return &c;
      continue;
    }
    if (!best || std::abs(c.weight - 80) < std::abs(best->weight - 80)) best = &c;
  }
  return best;
}

// The faces fontconfig knows by this family name (an exact match, not its
// nearest substitute: a report set in the wrong face would pass unnoticed).
std::vector<Candidate> from_fontconfig(const std::string& family) {
  static std::once_flag once;
  std::call_once(once, [] { FcInit(); });
  std::vector<Candidate> out;
  FcPattern* pattern = FcPatternCreate();
  FcPatternAddString(pattern, FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  FcObjectSet* objects = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_STYLE, FC_WEIGHT, static_cast<char*>(nullptr));
  FcFontSet* set = FcFontList(nullptr, pattern, objects);
  for (int i = 0; set && i < set->nfont; ++i) {
    FcChar8* file = nullptr;
    int index = 0, weight = 80;
    if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) != FcResultMatch) continue;
    FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &index);
    FcPatternGetInteger(set->fonts[i], FC_WEIGHT, 0, &weight);
    Candidate c{reinterpret_cast<const char*>(file), static_cast<unsigned>(index), {}, weight};
    FcChar8* style = nullptr;
    for (int s = 0; FcPatternGetString(set->fonts[i], FC_STYLE, s, &style) == FcResultMatch; ++s)
      c.styles.emplace_back(reinterpret_cast<const char*>(style));
    out.push_back(std::move(c));
  }
  if (set) FcFontSetDestroy(set);
  FcObjectSetDestroy(objects);
  FcPatternDestroy(pattern);
  return out;
}

// The same from the package folders fontconfig does not index: each face's
// own name table (family and style, typographic names first), read once per
// process for all the families a profile names.
struct PackageFace {
  std::string family;
  Candidate candidate;
};

const std::vector<PackageFace>& package_faces() {
  static const std::vector<PackageFace> all = [] {
    std::vector<PackageFace> out;
    for (const char* dir : kPackageFontDirs) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(dir, ec)) {
        const auto ext = e.path().extension();
        if (ext != ".otf" && ext != ".ttf" && ext != ".ttc") continue;
        hb_blob_t* blob = hb_blob_create_from_file_or_fail(e.path().c_str());
        if (!blob) continue;
        for (unsigned i = 0, n = hb_face_count(blob); i < n; ++i) {
          hb_face_t* face = hb_face_create(blob, i);
          std::string fam = name_of(face, HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY);
          if (fam.empty()) fam = name_of(face, HB_OT_NAME_ID_FONT_FAMILY);
          std::string style = name_of(face, HB_OT_NAME_ID_TYPOGRAPHIC_SUBFAMILY);
          if (style.empty()) style = name_of(face, HB_OT_NAME_ID_FONT_SUBFAMILY);
          const int weight = same(style, "Regular") ? 80 : same(style, "Bold") ? 200 : 100;
          out.push_back({fam, Candidate{e.path(), i, {style}, weight}});
          hb_face_destroy(face);
        }
        hb_blob_destroy(blob);
      }
    }
    return out;
  }();
  return all;
}

std::vector<Candidate> from_package_dirs(const std::string& family) {
  std::vector<Candidate> out;
  for (const auto& f : package_faces())
    if (same(f.family, family)) out.push_back(f.candidate);
  return out;
}

// A family name → the file and face that has it.
FontSpec resolve(const FontSpec& spec) {
  std::vector<Candidate> all = from_fontconfig(spec.family);
  if (all.empty()) all = from_package_dirs(spec.family);
  const Candidate* c = choose(all, spec.style);
  if (!c) {
    const std::string package = package_of(spec.family);
    if (!all.empty()) {
      std::string styles;
      for (const auto& a : all)
        for (const auto& s : a.styles) styles += (styles.empty() ? "" : ", ") + s;
      throw Error(ExitCode::config, "font " + spec.str() + ": the family has no style " + spec.style + " (it has: " + styles + ")");
    }
    throw Error(ExitCode::config, "font " + spec.str() + " is not installed" +
                                      (package.empty() ? std::string(" (install its font package, or name a font file)")
                                                       : " (install the Debian package " + package + ")"));
  }
  FontSpec out = spec;
  out.file = c->file;
  out.face = c->face;
  return out;
}

// What a PDF needs of a bare CFF program that is CID-keyed (the Noto and
// Fandol faces are): the CID of each glyph — a PDF names such a program's
// glyphs by CID, and hb-subset keeps each glyph's CID from the whole face, so
// glyph 2 of a subset may be CID 15 — and its character collection (ROS).
// No CIDs for a name-keyed program, whose glyphs a PDF names by number. Read
// by FreeType, which viewers use to draw them.
struct CidProgram {
  std::vector<std::uint32_t> cids;
  std::string registry = "Adobe", ordering = "Identity";
  int supplement = 0;
};

CidProgram cid_program(const std::string& cff, unsigned glyphs) {
  struct Library {
    FT_Library lib = nullptr;
    Library() {
      if (FT_Init_FreeType(&lib)) lib = nullptr;
    }
    ~Library() {
      if (lib) FT_Done_FreeType(lib);
    }
  };
  thread_local Library ft;
  if (!ft.lib) throw std::bad_alloc();
  FT_Face raw = nullptr;
  if (FT_New_Memory_Face(ft.lib, reinterpret_cast<const FT_Byte*>(cff.data()), static_cast<FT_Long>(cff.size()), 0, &raw))
    throw Error(ExitCode::software, "PDF: FreeType cannot read a CFF program that hb-subset wrote");
  const std::unique_ptr<FT_FaceRec, decltype(&FT_Done_Face)> face(raw, &FT_Done_Face);
  CidProgram out;
  FT_Bool keyed = 0;
  if (FT_Get_CID_Is_Internally_CID_Keyed(raw, &keyed) != 0 || !keyed) return out;
  const char *registry = nullptr, *ordering = nullptr;
  FT_Int supplement = 0;
  if (FT_Get_CID_Registry_Ordering_Supplement(raw, &registry, &ordering, &supplement) == 0 && registry && ordering) {
    out.registry = registry;
    out.ordering = ordering;
    out.supplement = supplement;
  }
  // Not face->num_glyphs: for a CID-keyed program FreeType counts CIDs.
  out.cids.resize(glyphs);
  for (unsigned g = 0; g < glyphs; ++g) {
    FT_UInt cid = 0;
    if (FT_Get_CID_From_Glyph_Index(raw, g, &cid))
      throw Error(ExitCode::software, "PDF: a CFF program's glyph " + std::to_string(g) + " has no CID");
    out.cids[g] = cid;
  }
  return out;
}

// A font file mapped read-only, as HarfBuzz's blob. Our own mapping rather
// than hb_blob_create_from_file, which falls back to a heap copy when it
// cannot map: HbFace::release_outlines() hands pages back, and may only do so
// where it knows they are pages of this file.
struct Mapped {
  hb_blob_t* blob = nullptr;  // nullptr when the file cannot be opened or mapped
  const char* at = nullptr;   // the mapping; nullptr for a file read into memory
  std::size_t size = 0;
};

Mapped map_file(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  struct stat st {};
  void* p = MAP_FAILED;
  // HarfBuzz takes blobs under 2 GiB.
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size < (off_t{1} << 31))
    p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return {};
  struct Mapping {
    void* at;
    std::size_t size;
  };
  auto* m = new Mapping{p, static_cast<std::size_t>(st.st_size)};
  Mapped out{nullptr, static_cast<const char*>(p), m->size};
  // On failure HarfBuzz calls the destroy function itself.
  out.blob = hb_blob_create_or_fail(out.at, static_cast<unsigned>(m->size), HB_MEMORY_MODE_READONLY, m, [](void* d) {
    auto* mapping = static_cast<Mapping*>(d);
    ::munmap(mapping->at, mapping->size);
    delete mapping;
  });
  return out;
}

class HbFace final : public Face {
 public:
  HbFace(const Mapped& file, unsigned index, std::string where)
      : blob_(file.blob),
        face_(hb_face_create(file.blob, index)),
        font_(hb_font_create(face_)),
        where_(std::move(where)),
        file_at_(file.at),
        file_size_(file.size) {
    upem_ = hb_face_get_upem(face_);
    if (upem_ == 0) upem_ = 1000;
    hb_font_set_scale(font_, static_cast<int>(upem_), static_cast<int>(upem_));
    hb_blob_t* cff = hb_face_reference_table(face_, HB_TAG('C', 'F', 'F', ' '));
    cff_ = hb_blob_get_length(cff) > 0;
    hb_blob_destroy(cff);
    ps_name_ = name_of(face_, HB_OT_NAME_ID_POSTSCRIPT_NAME);
    std::erase_if(ps_name_, [](char ch) { return ch <= ' ' || ch > '~' || std::strchr("()<>[]{}/%#", ch); });
    if (ps_name_.empty()) ps_name_ = "Font";
    auto per_mille = [&](hb_position_t v) { return static_cast<int>(v * 1000 / static_cast<long>(upem_)); };
    hb_position_t v = 0;
    if (hb_ot_metrics_get_position(font_, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v)) metrics_.ascent = per_mille(v);
    if (hb_ot_metrics_get_position(font_, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v)) metrics_.descent = per_mille(v);
    if (hb_ot_metrics_get_position(font_, HB_OT_METRICS_TAG_CAP_HEIGHT, &v)) metrics_.cap_height = per_mille(v);
    hb_blob_t* head = hb_face_reference_table(face_, HB_TAG('h', 'e', 'a', 'd'));
    unsigned len = 0;
    const auto* h = reinterpret_cast<const unsigned char*>(hb_blob_get_data(head, &len));
    if (len >= 44)
      for (int i = 0; i < 4; ++i) metrics_.bbox[i] = per_mille(static_cast<std::int16_t>((h[36 + 2 * i] << 8) | h[37 + 2 * i]));
    hb_blob_destroy(head);
  }
  ~HbFace() override {
    hb_font_destroy(font_);
    hb_face_destroy(face_);
    hb_blob_destroy(blob_);
  }
  HbFace(const HbFace&) = delete;
  HbFace& operator=(const HbFace&) = delete;

  std::uint32_t glyph(char32_t c) const override {
    hb_codepoint_t g = 0;
    return hb_font_get_nominal_glyph(font_, c, &g) ? g : 0;
  }
  double advance_of(std::uint32_t gid) const override {
    return static_cast<double>(hb_font_get_glyph_h_advance(font_, gid)) / static_cast<double>(upem_);
  }
  const Metrics& metrics() const override { return metrics_; }
  const std::string& postscript_name() const override { return ps_name_; }
  std::string where() const override { return where_; }

  Subset subset(const std::set<char32_t>& characters) const override {
    hb_subset_input_t* input = hb_subset_input_create_or_fail();
    if (!input) throw std::bad_alloc();
    // No layout closure: the glyphs drawn are all there is (ligatures or
    // vertical forms a layout table could reach are never shown).
    hb_set_clear(hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG));
    // Subroutines inlined: hb-subset then skips their closure — measured 15 %
    // faster on FandolFang (which has none: the same bytes) and, for the few
    // glyphs of a title, a smaller Noto Serif CJK program (7,684 → 7,116 bytes).
    hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_DESUBROUTINIZE);
    // Asked by character, not by glyph: hb-subset then looks up just these
    // in the cmap instead of walking all of it — for Noto Serif CJK's 65,535
    // glyphs, 3.6 ms a subset by glyph, 0.7 ms by character.
    hb_set_t* unicodes = hb_subset_input_unicode_set(input);
    for (char32_t c : characters) hb_set_add(unicodes, static_cast<hb_codepoint_t>(c));
    // A PDF draws glyphs by number: the layout tables and the vertical
    // metrics of CJK faces are dead weight in every document.
    hb_set_t* drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (hb_tag_t t : {HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'), HB_TAG('B', 'A', 'S', 'E'),
                       HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'), HB_TAG('D', 'S', 'I', 'G'),
                       HB_TAG('k', 'e', 'r', 'n'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H')})
      hb_set_add(drop, t);
    // A CFF face is embedded as its bare CFF program: the PDF's own widths
    // and ToUnicode map stand in for the rest, which is not written at all.
    if (cff_)
      for (hb_tag_t t : {HB_TAG('c', 'm', 'a', 'p'), HB_TAG('h', 'm', 't', 'x'), HB_TAG('h', 'h', 'e', 'a'), HB_TAG('O', 'S', '/', '2'),
                         HB_TAG('n', 'a', 'm', 'e'), HB_TAG('p', 'o', 's', 't')})
        hb_set_add(drop, t);
    const std::unique_ptr<hb_subset_plan_t, decltype(&hb_subset_plan_destroy)> plan(hb_subset_plan_create_or_fail(face_, input),
                                                                                   &hb_subset_plan_destroy);
    hb_subset_input_destroy(input);
    if (!plan) throw Error(ExitCode::software, "font " + where_ + ": hb-subset cannot plan a subset");
    hb_face_t* sub = hb_subset_plan_execute_or_fail(plan.get());
    if (!sub) throw Error(ExitCode::software, "font " + where_ + ": hb-subset cannot subset it");
    Subset out;
    out.cff = cff_;
    hb_blob_t* blob = cff_ ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' ')) : hb_face_reference_blob(sub);
    unsigned len = 0;
    const char* data = hb_blob_get_data(blob, &len);
    out.bytes.assign(data, len);
    hb_blob_destroy(blob);
    const unsigned glyphs = hb_face_get_glyph_count(sub);
    hb_face_destroy(sub);
    const CidProgram program = cff_ ? cid_program(out.bytes, glyphs) : CidProgram{};
    const std::vector<std::uint32_t>& cids = program.cids;
    out.registry = program.registry;
    out.ordering = program.ordering;
    out.supplement = program.supplement;
    const hb_map_t* map = hb_subset_plan_old_to_new_glyph_mapping(plan.get());
    for (char32_t c : characters) {
      const std::uint32_t g = glyph(c);
      hb_codepoint_t n = hb_map_get(map, g);
      if (n == HB_MAP_VALUE_INVALID) continue;
      out.codes[g] = n < cids.size() ? cids[n] : n;
    }
    if (out.bytes.empty()) throw Error(ExitCode::software, "font " + where_ + ": hb-subset wrote no font program");
    outlines_read_ = true;
    return out;
  }

  // Whether the outlines can be read: a file cut short still has its cmap
  // and metrics, but HarfBuzz refuses its CFF table (or the glyf data past
  // the cut), and every subset of it would be empty or broken. Asked of a
  // digit and two common ideographs, those of them the face has.
  bool outlines_readable() const {
    bool any = false;
    for (char32_t c : {U'0', U'\u4e00', U'\u653f'}) {
      const std::uint32_t g = glyph(c);
      if (g == 0) continue;
      hb_glyph_extents_t extents{};
      if (hb_font_get_glyph_extents(font_, g, &extents)) return true;
      any = true;
    }
    return !any;
  }

  void release_outlines() const override {
    if (!outlines_read_.exchange(false)) return;
    hb_blob_t* table = hb_face_reference_table(face_, cff_ ? HB_TAG('C', 'F', 'F', ' ') : HB_TAG('g', 'l', 'y', 'f'));
    unsigned len = 0;
    const char* data = hb_blob_get_data(table, &len);
    // Only pages of our own mapping: were a table ever copied by HarfBuzz,
    // dropping the copy's pages would zero it.
    const auto from = reinterpret_cast<std::uintptr_t>(data), to = from + len;
    const auto map_from = reinterpret_cast<std::uintptr_t>(file_at_), map_to = map_from + file_size_;
    if (file_at_ && data && len > 0 && from >= map_from && to <= map_to) {
      const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
      const auto first = from & ~(page - 1);  // the mapping starts on a page
      ::madvise(reinterpret_cast<void*>(first), to - first, MADV_DONTNEED);  // advice: nothing to do if refused
    }
    hb_blob_destroy(table);
  }

 private:
  hb_blob_t* blob_;
  hb_face_t* face_;
  hb_font_t* font_;
  std::string where_, ps_name_;
  const char* file_at_;  // the mapped file
  std::size_t file_size_;
  mutable std::atomic<bool> outlines_read_{false};  // since the last release_outlines()
  unsigned upem_ = 1000;
  bool cff_ = false;
  Metrics metrics_;
};

}  // namespace

FontSpec FontSpec::parse(const std::string& option, const fs::path& base) {
  FontSpec s;
  const bool is_file = option.find('/') != std::string::npos || option.ends_with(".ttf") || option.ends_with(".otf") ||
                       option.ends_with(".ttc") || option.find('#') != std::string::npos;
  if (!is_file) {
    auto colon = option.find(':');
    s.family = option.substr(0, colon);
    if (colon != std::string::npos) s.style = option.substr(colon + 1);
    while (!s.family.empty() && s.family.back() == ' ') s.family.pop_back();
    if (s.family.empty()) throw Error(ExitCode::config, "font \"" + option + "\": name a family (FandolFang) or a font file");
    return s;
  }
  auto hash = option.rfind('#');
  std::string file = option.substr(0, hash);
  if (hash != std::string::npos) {
    std::string face = option.substr(hash + 1);
    if (face.empty() || face.size() > 3 || face.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ExitCode::config, "font \"" + option + "\": the face after '#' must be a number, as in uming.ttc#0");
    s.face = static_cast<unsigned>(std::stoul(face));
  }
  s.file = file;
  if (s.file.is_relative()) s.file = (base / s.file).lexically_normal();
  return s;
}

std::string FontSpec::str() const {
  if (!family.empty()) return style.empty() ? family : family + ":" + style;
  return file.string() + "#" + std::to_string(face);
}

std::shared_ptr<const Face> load_face(const FontSpec& asked) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Face>> faces;
  std::lock_guard lock(mutex);
  auto it = faces.find(asked.str());
  if (it != faces.end()) return it->second;
  const FontSpec spec = asked.family.empty() ? asked : resolve(asked);
  std::error_code ec;
  if (!fs::is_regular_file(spec.file, ec))
    throw Error(ExitCode::config, "font file not found: " + spec.file.string() +
                                      " (install the Debian font package, e.g. fonts-arphic-uming, or name another font file)");
  Mapped file = map_file(spec.file);  // mapped, not read
  // A file system that cannot map (some FUSE ones): HarfBuzz reads the file
  // instead, and with no mapping known no pages are ever handed back.
  if (!file.blob) file = Mapped{hb_blob_create_from_file_or_fail(spec.file.c_str()), nullptr, 0};
  if (!file.blob) throw Error(ExitCode::config, "font file cannot be read: " + spec.file.string());
  const unsigned count = hb_face_count(file.blob);
  if (count == 0 || spec.face >= count) {
    hb_blob_destroy(file.blob);
    throw Error(ExitCode::config, "font " + spec.file.string() + "#" + std::to_string(spec.face) + " cannot be embedded: " +
                                      (count == 0 ? std::string("not an OpenType or TrueType font")
                                                  : "the collection has " + std::to_string(count) + " faces, numbered from 0"));
  }
  auto face = std::make_shared<const HbFace>(file, spec.face, spec.file.string() + "#" + std::to_string(spec.face));
  if (face->glyph(U'0') == 0 && face->advance_of(0) == 0) {
    // hb maps anything it cannot parse to an empty face: say so rather than draw nothing.
    throw Error(ExitCode::config, "font " + spec.str() + " cannot be embedded: it has no outlines HarfBuzz can read");
  }
  if (!face->outlines_readable())
    throw Error(ExitCode::config, "font " + spec.str() + " cannot be embedded: its outlines cannot be read (is the file damaged or cut short?)");
  return faces.emplace(asked.str(), face).first->second;
}

}  // namespace pdf_output
