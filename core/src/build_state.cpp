#include "build_state.hpp"

#include <nianbao/hash.hpp>
#include <nianbao/output_files.hpp>

#include <fstream>
#include <sstream>

namespace nianbao::detail {

namespace fs = std::filesystem;

fs::path BuildState::file(const std::string& kind, const std::string& id) const {
  // Ids hold '/' and Chinese; a hash makes a safe, fixed-length name.
  return dir_ / kind / (sha256_hex(id).substr(0, 32) + ".json");
}

std::optional<nlohmann::json> BuildState::read(const std::string& kind, const std::string& id) const {
  std::ifstream in(file(kind, id), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("id", "") != id) return std::nullopt;  // damaged: rebuild
  return j;
}

void BuildState::write(const std::string& kind, const std::string& id, const nlohmann::json& j) const {
  fs::path f = file(kind, id);
  std::error_code ec;
  fs::create_directories(f.parent_path(), ec);
  nlohmann::json copy = j;
  copy["id"] = id;
  write_file_atomically(f, copy.dump());
}

void BuildState::remove(const std::string& kind, const std::string& id) const {
  std::error_code ec;
  fs::remove(file(kind, id), ec);
}

}  // namespace nianbao::detail
