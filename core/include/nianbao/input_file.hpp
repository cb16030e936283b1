// Reading an input file whole, bounded: what every input plugin does first.
//
// Usage:
//   std::string bytes = nianbao::read_input_file(path, display, 64 << 20,
//                                                "文件过大（超过 64 MB），不是一份报告记录");
//   // a missing file or one that is not a regular file: Error 66 at `display`;
//   // larger than `max_bytes` (even one that grows while read): Error 65 with `too_large`;
//   // a read error: Error 74.
// The core has already checked that the path lies inside the manifest's folder.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/error.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace nianbao {

NIANBAO_API std::string read_input_file(const std::filesystem::path& path, const std::string& display, std::uintmax_t max_bytes,
                                        const std::string& too_large, ExitCode too_large_code = ExitCode::data);

}  // namespace nianbao
