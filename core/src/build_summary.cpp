#include "result_json.hpp"

#include <nianbao/build_summary.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/output_files.hpp>
#include <nianbao/version.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
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
  fs::path target;
  int lines = -1;  // the reports, one JSON line each: an unnamed file beside the summary
  bool lines_ok = true;
  json header;
  std::map<std::string, std::size_t> item;
  fs::path base;
  Totals totals;
};

namespace {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

SummaryWriter::SummaryWriter(fs::path target, const Manifest& manifest, SummaryInfo info) : s_(std::make_unique<State>()) {
  s_->target = fs::absolute(target);
  create_parent_folders(s_->target);
  remove_dead_temp_files(s_->target.parent_path());
  std::string tmpl = (s_->target.parent_path() / ".nianbao-lines-XXXXXX").string();
  s_->lines = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (s_->lines < 0)
    throw Error(file_error_code(errno), std::string("cannot write the summary: ") + std::strerror(errno), {display_path(s_->target)});
  ::unlink(tmpl.c_str());  // nameless: nothing is left behind however the build ends
  for (std::size_t i = 0; i < manifest.reports.size(); ++i) s_->item[manifest.reports[i].id] = i;
  s_->base = manifest.base_dir;
  s_->header = {{"tool", "nianbao"},
                {"version", NIANBAO_VERSION},
                {"manifest", manifest.display},
                {"manifest_sha256", sha256_file(manifest.file)},
                {"shard", {{"index", info.shard.index}, {"count", info.shard.count}}},
                {"jobs", info.jobs},
                {"force", info.force},
                {"started", utc_now()}};
  // Yesterday's summary goes now: whoever reads it tonight sees this build,
  // still running — or, if it is killed, that it never finished.
  json running = s_->header;
  running["status"] = "running";
  running["reports"] = json::array();
  write_file_atomically(s_->target, running.dump(2) + "\n");
}

SummaryWriter::~SummaryWriter() {
  if (s_->lines >= 0) ::close(s_->lines);
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
            {"kind", r.kind},
            {"year", r.year},
            {"phone", r.phone},
            {"status", r.state()},
            {"exit_code", static_cast<int>(r.status)},
            {"error", r.error.empty() ? json(nullptr) : json(r.error)},
            {"findings", findings},
            {"outputs", outputs},
            {"duration_ms", std::round(r.duration_ms * 10) / 10}};
  if (!r.notices.empty()) j["notices"] = r.notices;
  json values = json::array();
  for (const auto& v : r.summary_values) values.push_back(v ? json(v->str()) : json(nullptr));
  j["summary_values"] = values;  // what the county workbook shows: a sharded build's comes from `summarize`
  if (!r.last_values.empty()) {
    json last = json::array();
    for (const auto& v : r.last_values) last.push_back(v ? json(v->str()) : json(nullptr));
    j["last_values"] = last;  // the same of last year's report
  }
  std::string line = (s_->totals.reports ? ",\n    " : "    ") + j.dump();
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0 && s_->lines_ok) {
    ssize_t n = ::write(s_->lines, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) s_->lines_ok = false;
    else p += n, left -= static_cast<std::size_t>(n);
  }
  s_->totals.add(j);
}

void SummaryWriter::finish(ExitCode exit, double duration_ms, const std::string& status) {
  if (!s_->lines_ok) throw Error(ExitCode::io, "writing the summary failed", {display_path(s_->target)});
  json h = s_->header;
  h["finished"] = utc_now();
  h["status"] = status;
  h["duration_ms"] = std::round(duration_ms);
  h["exit_code"] = static_cast<int>(exit);
  h["totals"] = s_->totals.to_json();
  std::string head = h.dump(2);
  head.pop_back();  // the closing brace: the reports follow
  while (!head.empty() && (head.back() == '\n' || head.back() == ' ')) head.pop_back();
  write_file_atomically(s_->target, [&](const std::function<void(std::string_view)>& write) {
    write(head + ",\n  \"reports\": [\n");
    if (::lseek(s_->lines, 0, SEEK_SET) != 0) throw Error(ExitCode::io, "reading back the summary failed", {display_path(s_->target)});
    char buf[1 << 16];
    for (;;) {
      ssize_t n = ::read(s_->lines, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(ExitCode::io, "reading back the summary failed", {display_path(s_->target)});
      if (n == 0) break;
      write(std::string_view(buf, static_cast<std::size_t>(n)));
    }
    write(s_->totals.reports ? "\n  ]\n}\n" : "  ]\n}\n");
  });
}

std::string merge_summaries(const std::vector<fs::path>& files, ExitCode& exit) {
  exit = ExitCode::ok;
  if (files.empty()) throw Error(ExitCode::usage, "name the shard summaries to merge");
  json merged;
  std::set<int> shards, given;
  std::set<std::string> statuses;
  std::string first_start, last_finish;
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
    if (!given.insert(index).second) throw Error(ExitCode::usage, "shard " + std::to_string(index) + " is given twice", {shown});
    std::string status = j.value("status", "finished");
    if (status == "running") continue;  // killed, or still at work: counts as missing
    shards.insert(index);
    if (status != "finished") statuses.insert(status);
    std::string started = j.value("started", ""), finished = j.value("finished", "");
    if (!started.empty() && (first_start.empty() || started < first_start)) first_start = started;
    if (finished > last_finish) last_finish = finished;
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
  merged["started"] = first_start;
  merged["finished"] = last_finish;
  merged["status"] = !missing.empty() ? "incomplete" : statuses.empty() ? "finished" : *statuses.begin();
  merged["exit_code"] = static_cast<int>(exit);
  Totals t;
  for (const auto& r : reports) t.add(r);
  merged["totals"] = t.to_json();
  merged["reports"] = reports;
  return merged.dump(2) + "\n";
}

std::vector<ReportResult> summary_reports(const std::string& merged) {
  json j = json::parse(merged, nullptr, false);
  std::vector<ReportResult> out;
  if (!j.is_object()) return out;
  for (const auto& r : j.value("reports", json::array())) {
    ReportResult rr;
    detail::read_report_fields(r, rr);
    rr.cancelled = r.value("status", "") == "cancelled";
    if (rr.id.rfind("summary:", 0) == 0) continue;  // a whole-build output of a shard, not a report
    out.push_back(std::move(rr));
  }
  return out;
}

}  // namespace nianbao
