// `nianbao build` and `nianbao check`: run the pipeline, report progress, findings and the summary.
#pragma once
#include <nianbao/manifest.hpp>
#include <nianbao/pipeline.hpp>

#include <optional>
#include <string>
#include <vector>

namespace nianbao::cli {

struct BuildFlags {
  Mode mode = Mode::build;
  bool json = false;           // check: findings as one JSON array
  bool write_invalid = false;
  bool force = false;
  bool fail_fast = false;
  int jobs = 0;                // 0: the number of cores
  double timeout = 600;        // seconds a work item may take before its worker is stopped
  bool fill_in = false;        // `nianbao template`: fill-in workbooks instead of reports
  std::string summary_file;    // --summary FILE
  std::string progress = "auto";  // auto | bar | ndjson | none
  std::optional<int> shard_index, shard_count;
};

int run_manifest(const Manifest& manifest, const BuildFlags& flags, const std::vector<std::filesystem::path>& plugin_dirs);

}  // namespace nianbao::cli
