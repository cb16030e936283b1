// The machine-readable account of a build (`nianbao build --summary FILE`)
// and the merge of several shards' accounts (`nianbao summarize`).
//
// Usage:
//   std::string j = summary_json(result, info, manifest);
//   ExitCode worst; std::string all = merge_summaries({"s0.json", "s1.json"}, worst);
// Per report: id, entry, item (plan position), status ok|skipped|failed|
// cancelled, exit_code, error, findings, outputs with sha256 and bytes, and
// duration_ms.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/pipeline.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace nianbao {

struct SummaryInfo {
  Shard shard;
  int jobs = 1;
  bool force = false;
  double duration_ms = 0;
};

NIANBAO_API std::string summary_json(const BuildResult& result, const SummaryInfo& info, const Manifest& manifest);

// One summary from the shards of one build: refuses (Error(data), naming
// the file) a file that is not a summary, one of another manifest or tool
// version, or a shard given twice; a missing shard is listed and makes the
// exit code 75 (temp_fail: run that shard again). `exit` gets the worst code.
NIANBAO_API std::string merge_summaries(const std::vector<std::filesystem::path>& files, ExitCode& exit);

}  // namespace nianbao
