// What the last good build of each report and work item was made from, so
// that an unchanged one is skipped: small JSON stamps under the state folder
// (.nianbao/ beside the manifest), one per report and one per work item,
// each written atomically. Shards on a shared disk write disjoint stamps. A
// stamp that cannot be read is treated as absent: the report is rebuilt.
#pragma once
#include <nianbao/pipeline.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace nianbao::detail {

class BuildState {
 public:
  explicit BuildState(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }
  // Before a build writes anything: creates the folders, removes what killed
  // runs left, and proves the folder writable. Error(cant_create) with the reason.
  void prepare() const;
  // kind: "report" or "entry"; nullopt when absent or unreadable, and then
  // `damaged` (when given) says whether a stamp was there but unreadable.
  std::optional<nlohmann::json> read(const std::string& kind, const std::string& id, bool* damaged = nullptr) const;
  void write(const std::string& kind, const std::string& id, const nlohmann::json& j) const;
  void remove(const std::string& kind, const std::string& id) const;

 private:
  std::filesystem::path file(const std::string& kind, const std::string& id) const;
  std::filesystem::path dir_;
};

// The result of a report's last good build when it was made from `key` and
// its files are all intact; nullopt otherwise. A stamp that cannot be read
// adds a notice and counts as absent (the report is rebuilt).
std::optional<ReportResult> fresh_result(const BuildState& state, const std::string& id, const std::string& key,
                                         std::vector<std::string>& notices);

// Whether the files an item's inputs referred to at its last good build
// ([[path, sha256], …], as its entry stamp keeps them) are as they were.
bool files_unchanged(const nlohmann::json& recorded);

// Notes a committed file's identity on disk (inode, times) beside its hash.
void record_stat(OutputRecord& r);
// Whether a file a good build wrote is still exactly that file: a regular
// file (not a link) of the same size whose identity on disk is unchanged —
// or, when it changed, whose content hash still matches.
bool output_intact(const OutputRecord& r);

}  // namespace nianbao::detail
