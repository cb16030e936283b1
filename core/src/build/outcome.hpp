// What one work item produced in a worker, handed to the build process as
// JSON to commit: its reports' results, the files each staged, and what each
// was made from.
#pragma once
#include <nianbao/output_files.hpp>
#include <nianbao/pipeline.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace nianbao {

struct Pipeline::Outcome {
  std::size_t item = 0;
  std::size_t entry = 0;   // its position in the manifest
  bool unchanged = false;  // the whole item was skipped: its stamps stand as they are
  std::string entry_key;
  std::vector<std::pair<std::string, std::string>> files_read;  // files its inputs referred to: path, sha256
  std::vector<ReportResult> results;
  std::vector<std::vector<StagedFile>> staged;  // per result
  std::vector<std::string> keys;                // per result: what its outputs were made from ("": not to remember)

  // An item that produced no report of its own: one result for the whole entry.
  static Outcome failure(std::size_t entry, const std::string& id, ExitCode code, const std::string& why);
  nlohmann::json to_json() const;
  static Outcome from_json(const nlohmann::json& j);
};

}  // namespace nianbao
