#include "result_json.hpp"

#include <nianbao/build_summary.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/output_files.hpp>
#include <nianbao/version.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <fstream>
#include <set>
#include <sstream>

namespace nianbao {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The totals of a summary, counted from its report objects one at a time:
// as a build streams them, and over the shards `summarize` merges.
struct Totals {
  std::size_t reports = 0, errors = 0, warnings = 0;
  std::map<std::string, std::size_t> states;
  std::uintmax_t bytes = 0;

  void add(const json& r) {
    ++reports;
    ++states[r.value("status", "failed")];
    for (const auto& f : r.value("findings", json::array())) (f.value("severity", "error") == "warning" ? warnings : errors)++;
    for (const auto& o : r.value("outputs", json::array())) bytes += o.value("bytes", std::uintmax_t{0});
  }
  json to_json() {
    return {{"reports", reports},
            {"ok", states["ok"]},
            {"skipped", states["skipped"]},
            {"failed", states["failed"]},
            {"cancelled", states["cancelled"]},
            {"findings", {{"error", errors}, {"warning", warnings}}},
            {"output_bytes", bytes}};
  }
};

}  // namespace

struct SummaryWriter::State {
  fs::path target, lines;
  std::ofstream out;
  json header;
  std::map<std::string, std::size_t> item;
  fs::path base;
  Totals totals;
};

SummaryWriter::SummaryWriter(fs::path target, const Manifest& manifest, SummaryInfo info) : s_(std::make_unique<State>()) {
  s_->target = fs::absolute(target);
  create_parent_folders(s_->target);
  s_->lines = s_->target.parent_path() / ("." + s_->target.filename().string() + ".reports-" + std::to_string(::getpid()));
  s_->out.open(s_->lines, std::ios::binary | std::ios::trunc);
  if (!s_->out) throw Error(ExitCode::cant_create, "cannot write the summary", {display_path(s_->target)});
  for (std::size_t i = 0; i < manifest.reports.size(); ++i) s_->item[manifest.reports[i].id] = i;
  s_->base = manifest.base_dir;
  s_->header = {{"tool", "nianbao"},
                {"version", NIANBAO_VERSION},
                {"manifest", manifest.display},
                {"manifest_sha256", sha256_file(manifest.file)},
                {"shard", {{"index", info.shard.index}, {"count", info.shard.count}}},
                {"jobs", info.jobs},
                {"force", info.force}};
}

SummaryWriter::~SummaryWriter() {
  if (s_->out.is_open()) s_->out.close();
  std::error_code ec;
  fs::remove(s_->lines, ec);
}

void SummaryWriter::add(const ReportResult& r) {
  json findings = json::array();
  for (const auto& f : r.findings) findings.push_back(detail::to_json(f));
  json outputs = json::array();
  // Relative to the manifest's folder: the same on every machine that builds it.
  for (const auto& f : r.files)
    outputs.push_back({{"path", f.path.lexically_relative(s_->base).string()}, {"sha256", f.sha256}, {"bytes", f.bytes}});
  auto it = s_->item.find(r.entry);
  json j = {{"id", r.id},
            {"entry", r.entry},
            {"item", it == s_->item.end() ? json(nullptr) : json(it->second)},
            {"agency", r.agency},
            {"status", r.state()},
            {"exit_code", static_cast<int>(r.status)},
            {"error", r.error.empty() ? json(nullptr) : json(r.error)},
            {"findings", findings},
            {"outputs", outputs},
            {"duration_ms", std::round(r.duration_ms * 10) / 10}};
  s_->out << (s_->totals.reports ? ",\n    " : "    ") << j.dump();
  s_->totals.add(j);
}

void SummaryWriter::finish(ExitCode exit, double duration_ms) {
  s_->out.close();
  if (!s_->out) throw Error(ExitCode::io, "writing the summary failed", {display_path(s_->target)});
  json h = s_->header;
  h["duration_ms"] = std::round(duration_ms);
  h["exit_code"] = static_cast<int>(exit);
  h["totals"] = s_->totals.to_json();
  std::string head = h.dump(2);
  head.pop_back();  // the closing brace: the reports follow
  while (!head.empty() && (head.back() == '\n' || head.back() == ' ')) head.pop_back();
  fs::path tmp = s_->target.parent_path() / ("." + s_->target.filename().string() + ".tmp-" + std::to_string(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    std::ifstream in(s_->lines, std::ios::binary);
    out << head << ",\n  \"reports\": [\n";
    if (s_->totals.reports) out << in.rdbuf();
    out << (s_->totals.reports ? "\n  ]\n}\n" : "  ]\n}\n");
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw Error(ExitCode::cant_create, "cannot write the summary", {display_path(s_->target)});
    }
  }
  std::error_code ec;
  fs::rename(tmp, s_->target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(ExitCode::cant_create, "cannot move the summary into place: " + ec.message(), {display_path(s_->target)});
  }
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
      throw Error(ExitCode::usage, "not a nianbao build summary (written by nianbao build --summary FILE)", {shown});
    if (merged.is_null()) {
      merged = j;
      count = j["shard"].value("count", 1);
    } else {
      for (const char* k : {"manifest_sha256", "version"})
        if (j.value(k, "") != merged.value(k, ""))
          throw Error(ExitCode::usage, std::string("another build: its ") + k + " differs from " + display_path(files.front()) + "'s",
                      {shown});
      if (j["shard"].value("count", 1) != count)
        throw Error(ExitCode::usage, "cut into " + std::to_string(j["shard"].value("count", 1)) + " shards, not " + std::to_string(count),
                    {shown});
    }
    int index = j["shard"].value("index", 0);
    if (!shards.insert(index).second) throw Error(ExitCode::usage, "shard " + std::to_string(index) + " is given twice", {shown});
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
  Totals t;
  for (const auto& r : reports) t.add(r);
  merged["totals"] = t.to_json();
  merged["reports"] = reports;
  return merged.dump(2) + "\n";
}

}  // namespace nianbao
