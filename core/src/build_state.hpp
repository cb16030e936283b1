// What the last good build of each report and work item was made from, so
// that an unchanged one is skipped: small JSON files under
// <output_dir>/.nianbao/, one per report and one per work item, each
// written atomically. Shards on a shared disk write disjoint files.
#pragma once
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace nianbao::detail {

class BuildState {
 public:
  explicit BuildState(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }
  // kind: "report", "entry" or "summary"; nullopt when absent or unreadable.
  std::optional<nlohmann::json> read(const std::string& kind, const std::string& id) const;
  void write(const std::string& kind, const std::string& id, const nlohmann::json& j) const;
  void remove(const std::string& kind, const std::string& id) const;

 private:
  std::filesystem::path file(const std::string& kind, const std::string& id) const;
  std::filesystem::path dir_;
};

}  // namespace nianbao::detail
