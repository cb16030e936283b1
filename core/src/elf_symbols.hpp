// Reads the dynamic symbol table of an ELF shared object without loading it,
// so that the plugin host can inspect a plugin before any of its code runs.
// (Boost.DLL 1.74's library_info misreads small objects' tables: measured.)
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace nianbao::detail {

// Names of the defined, global (or weak) symbols in .dynsym. Throws
// std::runtime_error saying why when the file is not a native ELF object.
std::vector<std::string> elf_exported_symbols(const std::filesystem::path& file);

}  // namespace nianbao::detail
