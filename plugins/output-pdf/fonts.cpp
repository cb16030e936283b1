#include "fonts.hpp"

#include "sfnt.hpp"

#include <nianbao/error.hpp>

#include <unistd.h>

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
    if (face.empty() || face.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ExitCode::config, "font \"" + option + "\": the face after '#' must be a number, as in uming.ttc#0");
    s.face = static_cast<unsigned>(std::stoul(face));
  }
  s.file = file;
  return s;
}

std::string FontSpec::str() const { return file.string() + "#" + std::to_string(face); }

namespace {

// Extracted faces live in one folder per process, removed when it ends.
struct FaceStore {
  std::mutex mutex;
  std::map<std::string, fs::path> prepared;
  fs::path dir;
  ~FaceStore() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

FaceStore& store() {
  static FaceStore s;
  return s;
}

}  // namespace

const fs::path& prepared_face(const FontSpec& spec) {
  FaceStore& s = store();
  std::lock_guard lock(s.mutex);
  auto it = s.prepared.find(spec.str());
  if (it != s.prepared.end()) return it->second;
  std::error_code ec;
  if (!fs::is_regular_file(spec.file, ec))
    throw Error(ExitCode::config, "font file not found: " + spec.file.string() +
                                      " (install the Debian font package, e.g. fonts-arphic-uming, or name another font file)");
  std::ifstream in(spec.file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string face;
  try {
    face = extract_face(bytes, spec.face);
  } catch (const std::exception& e) {
    throw Error(ExitCode::config, "font " + spec.str() + " cannot be used: " + e.what());
  }
  std::string_view tag(face.data(), std::min<std::size_t>(4, face.size()));
  if (tag != std::string_view("\0\1\0\0", 4) && tag != "true")
    throw Error(ExitCode::config, "font " + spec.str() +
                                      " has no TrueType outlines (CFF/OpenType fonts such as Noto CJK cannot be subset by PoDoFo 0.9)");
  fs::path out = spec.file;
  if (bytes.size() != face.size() || spec.face != 0) {
    if (s.dir.empty()) {
      s.dir = fs::temp_directory_path() / ("nianbao-fonts-" + std::to_string(::getpid()));
      fs::create_directories(s.dir, ec);
    }
    out = s.dir / (spec.file.stem().string() + "-" + std::to_string(spec.face) + ".ttf");
    std::ofstream(out, std::ios::binary).write(face.data(), static_cast<std::streamsize>(face.size()));
  }
  return s.prepared.emplace(spec.str(), out).first->second;
}

}  // namespace pdf_output
