// SHA-256 of files and strings, as lowercase hex: the content hashes that
// decide whether a report must be rebuilt and that a build summary lists.
//
// Usage:
//   std::string h = sha256_file("report.yaml");      // throws Error(io)
//   Sha256 s; s.add("form"); s.add(bytes); std::string key = s.hex();
#pragma once
#include <nianbao/api.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace nianbao {

class NIANBAO_API Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  // Adds bytes. Each call is framed by its length, so ("ab","c") and
  // ("a","bc") hash differently.
  Sha256& add(std::string_view bytes);
  // Adds bytes as they are, unframed: chunks of a file hash as `sha256sum` does.
  Sha256& add_raw(std::string_view bytes);
  std::string hex();  // finishes; call once

 private:
  struct State;
  std::unique_ptr<State> s_;
};

NIANBAO_API std::string sha256_hex(std::string_view bytes);
// Streams the file; throws Error(ExitCode::io) naming it when it cannot be read.
NIANBAO_API std::string sha256_file(const std::filesystem::path& file);

}  // namespace nianbao
