#include "result_json.hpp"

#include <nianbao/build_summary.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/version.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace nianbao {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json totals(const json& reports) {
  json t = {{"reports", reports.size()}, {"ok", 0}, {"skipped", 0}, {"failed", 0}, {"cancelled", 0},
            {"findings", {{"error", 0}, {"warning", 0}}}, {"output_bytes", 0}};
  for (const auto& r : reports) {
    t[r.value("status", "failed")] = t[r.value("status", "failed")].get<int>() + 1;
    for (const auto& f : r.value("findings", json::array())) {
      std::string sev = f.value("severity", "error");
      t["findings"][sev] = t["findings"][sev].get<int>() + 1;
    }
    for (const auto& o : r.value("outputs", json::array()))
      t["output_bytes"] = t["output_bytes"].get<std::uintmax_t>() + o.value("bytes", std::uintmax_t{0});
  }
  return t;
}

}  // namespace

std::string summary_json(const BuildResult& result, const SummaryInfo& info, const Manifest& manifest) {
  std::map<std::string, std::size_t> item;
  for (std::size_t i = 0; i < manifest.reports.size(); ++i) item[manifest.reports[i].id] = i;
  json reports = json::array();
  for (const auto& r : result.reports) {
    json findings = json::array();
    for (const auto& f : r.findings) findings.push_back(detail::to_json(f));
    json outputs = json::array();
    // Relative to the manifest's folder: the same on every machine that builds it.
    for (const auto& f : r.files)
      outputs.push_back({{"path", f.path.lexically_relative(manifest.base_dir).string()}, {"sha256", f.sha256}, {"bytes", f.bytes}});
    auto it = item.find(r.entry);
    reports.push_back({{"id", r.id},
                       {"entry", r.entry},
                       {"item", it == item.end() ? json(nullptr) : json(it->second)},
                       {"agency", r.agency},
                       {"status", r.state()},
                       {"exit_code", static_cast<int>(r.status)},
                       {"error", r.error.empty() ? json(nullptr) : json(r.error)},
                       {"findings", findings},
                       {"outputs", outputs},
                       {"duration_ms", std::round(r.duration_ms * 10) / 10}});
  }
  json j = {{"tool", "nianbao"},
            {"version", NIANBAO_VERSION},
            {"manifest", manifest.display},
            {"manifest_sha256", sha256_file(manifest.file)},
            {"shard", {{"index", info.shard.index}, {"count", info.shard.count}}},
            {"jobs", info.jobs},
            {"force", info.force},
            {"duration_ms", std::round(info.duration_ms)},
            {"exit_code", static_cast<int>(result.exit)},
            {"totals", totals(reports)},
            {"reports", reports}};
  return j.dump(2) + "\n";
}

std::string merge_summaries(const std::vector<fs::path>& files, ExitCode& exit) {
  exit = ExitCode::ok;
  if (files.empty()) throw Error(ExitCode::usage, "name the shard summaries to merge");
  json merged;
  std::set<int> shards;
  json reports = json::array();
  double duration = 0;
  int count = 0;
  for (const auto& f : files) {
    std::string shown = display_path(f);
    std::ifstream in(f, std::ios::binary);
    if (!in) throw Error(ExitCode::no_input, "summary not found", {shown});
    std::stringstream ss;
    ss << in.rdbuf();
    json j = json::parse(ss.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("tool", "") != "nianbao" || !j.contains("reports"))
      throw Error(ExitCode::data, "not a nianbao build summary (written by nianbao build --summary FILE)", {shown});
    if (merged.is_null()) {
      merged = j;
      count = j["shard"].value("count", 1);
    } else {
      for (const char* k : {"manifest_sha256", "version"})
        if (j.value(k, "") != merged.value(k, ""))
          throw Error(ExitCode::data, std::string("another build: its ") + k + " differs from " + display_path(files.front()) + "'s",
                      {shown});
      if (j["shard"].value("count", 1) != count)
        throw Error(ExitCode::data, "cut into " + std::to_string(j["shard"].value("count", 1)) + " shards, not " + std::to_string(count),
                    {shown});
    }
    int index = j["shard"].value("index", 0);
    if (!shards.insert(index).second) throw Error(ExitCode::data, "shard " + std::to_string(index) + " is given twice", {shown});
    for (auto& r : j["reports"]) reports.push_back(r);
    duration = std::max(duration, j.value("duration_ms", 0.0));
    exit = worse(exit, static_cast<ExitCode>(j.value("exit_code", 0)));
  }
  // Plan order: the order one machine would have listed them in.
  std::stable_sort(reports.begin(), reports.end(), [](const json& a, const json& b) {
    auto key = [](const json& r) { return r["item"].is_number() ? r["item"].get<long>() : 1L << 40; };
    return key(a) < key(b);
  });
  json missing = json::array();
  for (int i = 0; i < count; ++i)
    if (!shards.count(i)) missing.push_back(i);
  if (!missing.empty()) exit = worse(exit, ExitCode::temp_fail);
  merged.erase("jobs");
  merged.erase("force");
  merged["shard"] = {{"count", count}, {"merged", json(std::vector<int>(shards.begin(), shards.end()))}, {"missing", missing}};
  merged["duration_ms"] = duration;
  merged["exit_code"] = static_cast<int>(exit);
  merged["totals"] = totals(reports);
  merged["reports"] = reports;
  return merged.dump(2) + "\n";
}

}  // namespace nianbao
