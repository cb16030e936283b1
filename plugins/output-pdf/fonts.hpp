// Fonts for the PDF output. A face is read and indexed once per process
// (a .ttc collection's face extracted); each document then embeds only a
// subset of the glyphs it uses, built by our own subsetter, because PoDoFo
// 0.9 would copy and deflate the whole 20 MB face for every document.
#pragma once
#include "sfnt.hpp"

#include <filesystem>
#include <memory>
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

// The indexed face for `spec`, read once per process (thread-safe). Throws
// nianbao::Error(config) when the file is missing or cannot be embedded.
std::shared_ptr<const TrueTypeFace> load_face(const FontSpec& spec);

}  // namespace pdf_output
