// The machine-readable account of a build (`nianbao build --summary FILE`)
// and the merge of several shards' accounts (`nianbao summarize`).
//
// Usage:
//   SummaryWriter w("summary.json", manifest, info);
//   w.add(report_result);  …  w.finish(result.exit, ms);   // written atomically
//   ExitCode worst; std::string all = merge_summaries({"s0.json", "s1.json"}, worst);
// Reports are streamed to a nameless temporary file as they come, one JSON
// line each, so a build of any size holds none of them in memory. The build:
// started and finished (UTC), status running|finished|interrupted|failed
// (running is written when the writer is made, replacing the last run's
// summary at once), exit_code, totals. Per report: id, entry, item (plan
// position), status ok|skipped|failed|cancelled, exit_code, error, findings,
// outputs with sha256 and bytes, notices, and duration_ms.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/pipeline.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace nianbao {

struct SummaryInfo {
  Shard shard;
  int jobs = 1;
  bool force = false;
  double duration_ms = 0;
};

class NIANBAO_API SummaryWriter {
 public:
  SummaryWriter(std::filesystem::path target, const Manifest& manifest, SummaryInfo info);
  ~SummaryWriter();
  SummaryWriter(const SummaryWriter&) = delete;
  SummaryWriter& operator=(const SummaryWriter&) = delete;
  void add(const ReportResult& r);
  // Writes the summary to its target (temporary name, then rename).
  // `status`: "finished", "interrupted" (a signal) or "failed" (the build
  // could not run: configuration, a busy folder).
  void finish(ExitCode exit, double duration_ms, const std::string& status = "finished");

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// One summary from the shards of one build: refuses (Error(usage), naming
// the file) a file that is not a summary, one of another manifest or tool
// version, or a shard given twice; a missing shard is listed and makes the
// exit code 75 (temp_fail: run that shard again). `exit` gets the worst code.
NIANBAO_API std::string merge_summaries(const std::vector<std::filesystem::path>& files, ExitCode& exit);

// The reports of a (merged) summary, as much as the county workbook needs of
// each: who, its totals, its verdict and findings.
NIANBAO_API std::vector<ReportResult> summary_reports(const std::string& summary_json);

}  // namespace nianbao
