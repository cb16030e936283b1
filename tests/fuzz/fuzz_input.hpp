// What the YAML fuzz targets share: the input bytes as a file (the loaders
// read files, as nianbao does), and the rule every target checks — bad input
// ends in nianbao::Error, never in another exception, a crash, a hang or a
// sanitizer report.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace fuzz {

// A file in memory-backed /dev/shm (or /tmp) holding `data`, named `name`.
inline std::filesystem::path as_file(const std::uint8_t* data, std::size_t size, const std::string& name) {
  static const std::filesystem::path dir = [] {
    std::filesystem::path base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    auto d = base / ("nianbao-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  std::filesystem::path p = dir / name;
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return p;
}

}  // namespace fuzz
