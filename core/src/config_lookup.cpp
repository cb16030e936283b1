#include "config_lookup.hpp"

#include <nianbao/manifest.hpp>
#include <nianbao/plugin_host.hpp>
#include <nianbao/text.hpp>

#include <algorithm>
#include <vector>

namespace nianbao::detail {

namespace fs = std::filesystem;

fs::path locate_config(const std::string& name, const fs::path& base_dir, const std::string& folder,
                       const std::string& what, const SourceLoc& where) {
  std::error_code ec;
  bool looks_like_path = name.find('/') != std::string::npos || fs::path(name).extension() == ".yaml";
  if (looks_like_path) {
    fs::path p = (base_dir / name).lexically_normal();
    if (fs::is_regular_file(p, ec)) return p;
    throw Error(ExitCode::config, what + " file not found: " + display_path(p), where);
  }
  fs::path dir = default_data_dir() / "config" / folder;
  fs::path p = dir / (name + ".yaml");
  // Through the build tree's link to the sources, so that messages name the file to edit.
  if (fs::is_regular_file(p, ec)) return fs::weakly_canonical(p, ec);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  throw Error(ExitCode::config,
              "unknown " + what + " '" + name + "'" + did_you_mean(name, names) + " (built-in " + what + "s in " +
                  display_path(dir) + ": " + (names.empty() ? "none" : join(names, ", ")) + "; or give a path such as " +
                  folder + "/county.yaml)",
              where);
}

}  // namespace nianbao::detail
