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
