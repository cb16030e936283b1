// What a worker made of one report, handed to the build process as JSON to
// commit: its result, the files it staged, and what it was made from.
#pragma once
#include <nianbao/output_files.hpp>
#include <nianbao/pipeline.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace nianbao {

struct Pipeline::Outcome {
  std::size_t item = 0;   // in the whole plan
  std::size_t entry = 0;  // its manifest entry
  ReportResult result;
  std::vector<StagedFile> staged;
  std::string key;  // what its outputs were made from ("": nothing to remember)

  static Outcome failure(std::size_t item, std::size_t entry, const std::string& id, ExitCode code, const std::string& why);
  nlohmann::json to_json() const;
  static Outcome from_json(const nlohmann::json& j);
};

}  // namespace nianbao
