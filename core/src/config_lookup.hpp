// Finding a configuration file (a form, a profile) by built-in name or by path.
#pragma once
#include <nianbao/error.hpp>

#include <filesystem>
#include <string>

namespace nianbao::detail {

// `name_or_path` with a '/' or ending in .yaml is a path relative to
// `base_dir`; anything else names <data dir>/config/<folder>/<name>.yaml.
// Throws Error(config) at `where`, naming what was searched and, for a name,
// the built-in ones with a "did you mean". `what` is "form" or "profile".
std::filesystem::path locate_config(const std::string& name_or_path, const std::filesystem::path& base_dir,
                                    const std::string& folder, const std::string& what, const SourceLoc& where);

}  // namespace nianbao::detail
