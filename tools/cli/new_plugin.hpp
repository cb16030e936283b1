// `nianbao new-plugin NAME --kind output|input`: writes a plugin's own project
// — CMakeLists.txt against the installed SDK (find_package(nianbao CONFIG)),
// a working plugin, a README and a test that builds a report with it through
// a manifest's plugin_dirs — that builds and passes as written.
#pragma once
#include <filesystem>
#include <string>

namespace nianbao::cli {

// Writes the folder `dir` (which must not exist yet); returns the files
// written, one per line. Throws nianbao::Error(usage) for a bad name or kind,
// Error(cant_create) when `dir` exists or cannot be written.
std::string new_plugin(const std::string& name, const std::string& kind, const std::filesystem::path& dir);

}  // namespace nianbao::cli
