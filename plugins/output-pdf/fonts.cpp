#include "fonts.hpp"

#include <nianbao/error.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

namespace pdf_output {

namespace fs = std::filesystem;
using nianbao::Error;
using nianbao::ExitCode;

FontSpec FontSpec::parse(const std::string& option) {
  FontSpec s;
  auto hash = option.rfind('#');
  std::string file = option.substr(0, hash);
  if (hash != std::string::npos) {
    std::string face = option.substr(hash + 1);
    if (face.empty() || face.size() > 3 || face.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ExitCode::config, "font \"" + option + "\": the face after '#' must be a number, as in uming.ttc#0");
    s.face = static_cast<unsigned>(std::stoul(face));
  }
  s.file = file;
  return s;
}

std::string FontSpec::str() const { return file.string() + "#" + std::to_string(face); }

std::shared_ptr<const TrueTypeFace> load_face(const FontSpec& spec) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TrueTypeFace>> faces;
  std::lock_guard lock(mutex);
  auto it = faces.find(spec.str());
  if (it != faces.end()) return it->second;
  std::error_code ec;
  if (!fs::is_regular_file(spec.file, ec))
    throw Error(ExitCode::config, "font file not found: " + spec.file.string() +
                                      " (install the Debian font package, e.g. fonts-arphic-uming, or name another font file)");
  std::ifstream in(spec.file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    auto face = std::make_shared<const TrueTypeFace>(extract_face(bytes, spec.face));
    return faces.emplace(spec.str(), face).first->second;
  } catch (const std::exception& e) {
    throw Error(ExitCode::config, "font " + spec.str() + " cannot be embedded: " + e.what() +
                                      " (PoDoFo 0.9 embeds TrueType outlines; CFF fonts such as Noto CJK cannot be used)");
  }
}

}  // namespace pdf_output
