// Font files prepared once per process: a face of a .ttc collection is
// extracted to a standalone TrueType file that PoDoFo can subset, and every
// document of the run reuses it.
#pragma once
#include <filesystem>
#include <string>

namespace pdf_output {

// A font option as written: "/usr/share/fonts/truetype/arphic/uming.ttc#0"
// (file, and for a collection the face after '#').
struct FontSpec {
  std::filesystem::path file;
  unsigned face = 0;
  static FontSpec parse(const std::string& option);
  std::string str() const;
};

// The path of a single-face TrueType file for `spec`, made once per process
// and removed at exit. Throws nianbao::Error(config) when the file is missing
// or is not a font that can be embedded.
const std::filesystem::path& prepared_face(const FontSpec& spec);

}  // namespace pdf_output
