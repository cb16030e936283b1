#include "build_command.hpp"

#include "shard.hpp"

#include <nianbao/build_summary.hpp>
#include <nianbao/form.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/output_files.hpp>
#include <nianbao/plugin_host.hpp>
#include <nianbao/version.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace nianbao::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void print_findings(std::FILE* to, const ReportResult& rr) {
  for (const auto& f : rr.findings) {
    fmt::print(to, "{}: {} {}\n", rr.id, to_string(f.severity), f.message);
    for (const auto& c : f.cells)
      fmt::print(to, "    {}  {} = {}  （{}）\n", c.source.known() ? c.source.str() : "(未填写)", c.key,
                 c.value.empty() ? "空白" : c.value, c.label);
  }
}

// `check --json`: a versioned account — every report with its status and
// what could not be read, every finding with its cells — also when the
// build could not start (then `error` says why and `reports` is empty).
constexpr const char* kCheckSchema = "nianbao-check/1";

nlohmann::json findings_json(const std::vector<ReportResult>& results);

nlohmann::json check_account(const Manifest& manifest, ExitCode exit, const std::vector<ReportResult>& results,
                             const std::string& error) {
  nlohmann::json reports = nlohmann::json::array();
  for (const auto& rr : results) {
    nlohmann::json errors = nlohmann::json::array();
    for (std::size_t p = 0, q; !rr.error.empty() && p <= rr.error.size(); p = q + 1) {
      q = rr.error.find('\n', p);
      if (q == std::string::npos) q = rr.error.size();
      errors.push_back(rr.error.substr(p, q - p));
    }
    reports.push_back({{"id", rr.id}, {"entry", rr.entry}, {"agency", rr.agency}, {"status", rr.state()},
                       {"exit_code", static_cast<int>(rr.status)}, {"errors", errors}, {"findings", rr.findings.size()}});
  }
  return {{"schema", kCheckSchema},
          {"manifest", manifest.display},
          {"exit_code", static_cast<int>(exit)},
          {"error", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)},
          {"reports", reports},
          {"findings", findings_json(results)}};
}

nlohmann::json findings_json(const std::vector<ReportResult>& results) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& rr : results)
    for (const auto& f : rr.findings) {
      nlohmann::json cells = nlohmann::json::array();
      for (const auto& c : f.cells) {
        nlohmann::json v = c.value.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.value);
        cells.push_back({{"key", c.key}, {"label", c.label}, {"value", v},
                         {"file", c.source.known() ? nlohmann::json(c.source.file) : nlohmann::json(nullptr)},
                         {"line", c.source.line}, {"column", c.source.column},
                         {"position", c.source.known() ? nlohmann::json(c.source.str()) : nlohmann::json(nullptr)},
                         {"previous", c.previous}});
      }
      arr.push_back({{"report", rr.id}, {"rule", f.rule}, {"severity", to_string(f.severity)},
                     {"message", f.message}, {"cells", cells}});
    }
  return arr;
}

// A progress bar on a terminal: redrawn in place on stderr, cleared before
// any other line is printed so that messages stay readable.
class Bar {
 public:
  explicit Bar(bool on) : on_(on) {}
  void start(std::size_t total) {
    total_ = total;
    t0_ = Clock::now();
    draw();
  }
  void item_done(const std::string& entry) {
    if (entry != last_entry_) ++done_, last_entry_ = entry;
    draw();
  }
  void failed() { ++failed_; }
  void clear() {
    if (on_ && drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }
  void finish() {
    clear();
    std::fflush(stderr);
  }

 private:
  void draw() {
    if (!on_) return;
    const int width = 30;
    int fill = total_ ? static_cast<int>(width * done_ / total_) : width;
    double s = std::chrono::duration<double>(Clock::now() - t0_).count();
    std::string eta = done_ && done_ < total_ ? fmt::format("  ETA {:.0f}s", s / static_cast<double>(done_) * static_cast<double>(total_ - done_)) : "";
    fmt::print(stderr, "\r\033[K[{}{}] {}/{}{}{}", std::string(static_cast<std::size_t>(fill), '#'),
               std::string(static_cast<std::size_t>(width - fill), '.'), done_, total_,
               failed_ ? fmt::format("  {} failed", failed_) : "", eta);
    std::fflush(stderr);
    drawn_ = true;
  }
  bool on_;
  bool drawn_ = false;
  std::size_t total_ = 0, done_ = 0, failed_ = 0;
  std::string last_entry_;
  Clock::time_point t0_;
};

int default_jobs() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace

int run_manifest(const Manifest& manifest, const BuildFlags& flags, const std::vector<fs::path>& dirs) {
  auto t0 = Clock::now();
  Form form = Form::load(locate_form(manifest.form, manifest.base_dir, manifest.form_source));
  // Plugin code never runs in this process: loading and checks in a child
  // each, reports in worker processes.
  PluginHost host(dirs, PluginIsolation::child);
  Pipeline pipeline(manifest, host, form);
  catch_interrupts();

  if (flags.progress != "auto" && flags.progress != "bar" && flags.progress != "ndjson" && flags.progress != "none")
    throw Error(ExitCode::usage, "--progress takes auto, bar, ndjson or none, not '" + flags.progress + "'");
  const bool ndjson = flags.progress == "ndjson";
  const bool human = !ndjson && !flags.json;
  Bar bar(flags.progress == "bar" || (flags.progress == "auto" && ::isatty(STDERR_FILENO)));

  RunOptions options;
  options.mode = flags.mode;
  options.write_invalid = flags.write_invalid;
  options.force = flags.force;
  options.fail_fast = flags.fail_fast;
  options.jobs = flags.jobs > 0 ? flags.jobs : default_jobs();
  options.item_timeout = flags.timeout;
  options.fill_in = flags.fill_in;
  options.shard = resolve_shard(flags.shard_index, flags.shard_count);
  options.on_plan = [&](std::size_t items) {
    if (ndjson) std::cout << nlohmann::json{{"event", "plan"}, {"items", items}, {"jobs", options.jobs}}.dump() << std::endl;
    bar.start(items);
  };

  SummaryInfo info;
  info.shard = options.shard;
  info.jobs = options.jobs;
  info.force = options.force;
  std::optional<SummaryWriter> summary;
  if (!flags.summary_file.empty()) summary.emplace(flags.summary_file, manifest, info);
  options.keep_results = flags.json;  // otherwise each report is handled as it comes and let go

  std::size_t ok = 0, skipped = 0, failed = 0, cancelled = 0, warnings = 0, errors = 0, reports = 0;
  auto on_report = [&](const ReportResult& rr) {
    ++reports;
    if (summary) summary->add(rr);
    for (const auto& f : rr.findings) (f.severity == Severity::error ? errors : warnings)++;
    if (rr.cancelled) ++cancelled;
    else if (rr.status != ExitCode::ok) ++failed, bar.failed();
    else if (rr.skipped) ++skipped;
    else ++ok;
    if (ndjson) {
      nlohmann::json outputs = nlohmann::json::array();
      for (const auto& f : rr.files) outputs.push_back({{"path", display_path(f.path)}, {"sha256", f.sha256}, {"bytes", f.bytes}});
      std::cout << nlohmann::json{{"event", "report"}, {"id", rr.id}, {"entry", rr.entry}, {"status", rr.state()},
                                  {"exit_code", static_cast<int>(rr.status)},
                                  {"error", rr.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(rr.error)},
                                  {"findings", rr.findings.size()}, {"outputs", outputs},
                                  {"duration_ms", std::round(rr.duration_ms * 10) / 10}}
                       .dump()
                << std::endl;
    }
    if (human) {
      bar.clear();
      print_findings(stdout, rr);
      // Each problem on a line of its own, each line saying whose it is.
      for (std::size_t p = 0, q; !rr.error.empty() && p <= rr.error.size(); p = q + 1) {
        q = rr.error.find('\n', p);
        if (q == std::string::npos) q = rr.error.size();
        fmt::print(stderr, "{}: {}\n", rr.id, rr.error.substr(p, q - p));
      }
      for (const auto& n : rr.notices) fmt::print(stderr, "{}: warning: {}\n", rr.id, n);
      if (rr.skipped) fmt::print("{}: unchanged since its last build ({} file{} kept)\n", rr.id, rr.files.size(),
                                 rr.files.size() == 1 ? "" : "s");
      for (const auto& o : rr.outputs) fmt::print("{}: wrote {}\n", rr.id, display_path(o));
      std::fflush(stdout);
    }
    bar.item_done(rr.entry);
  };

  BuildResult result;
  auto ms = [&] { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); };
  try {
    result = pipeline.run(options, on_report);
  } catch (const Error& e) {
    bar.finish();
    if (flags.json) {
      std::cout << check_account(manifest, e.code(), {}, e.what()).dump(2) << "\n";
      return static_cast<int>(e.code());
    }
    if (summary) {
      // The summary still tells the morning reader why nothing was built.
      ReportResult whole;
      whole.id = whole.entry = "(build)";
      whole.status = e.code();
      whole.error = e.what();
      summary->add(whole);
      summary->finish(e.code(), ms(), "failed");
    }
    throw;
  }
  bar.finish();
  if (summary) summary->finish(result.exit, ms(), result.interrupted ? "interrupted" : "finished");
  if (flags.json) std::cout << check_account(manifest, result.exit, result.reports, "").dump(2) << "\n";
  if (ndjson)
    std::cout << nlohmann::json{{"event", "done"}, {"exit_code", static_cast<int>(result.exit)}, {"ok", ok},
                                {"skipped", skipped}, {"failed", failed}, {"cancelled", cancelled}}
                     .dump()
              << std::endl;
  if (human) {
    std::string shard = options.shard.count > 1 ? fmt::format(" (shard {} of {})", options.shard.index, options.shard.count) : "";
    fmt::print(stderr, "{} report{}{}: {} ok, {}{} failed{}; {} error finding{}, {} warning{}\n", reports,
               reports == 1 ? "" : "s", shard, ok, skipped ? fmt::format("{} unchanged, ", skipped) : "",
               failed, cancelled ? fmt::format(", {} not attempted", cancelled) : "", errors, errors == 1 ? "" : "s",
               warnings, warnings == 1 ? "" : "s");
  }
  if (result.interrupted) {
    // What was committed is complete; the rest was stopped and nothing of it
    // published. 128 + the signal, as a shell reports a process it killed.
    const char* name = sigabbrev_np(result.interrupted);
    fmt::print(stderr,
               "nianbao: interrupted by {}: {} report{} done, the rest stopped with nothing of them published; run it "
               "again to finish (what is done is skipped)\n",
               name ? std::string("SIG") + name : "signal " + std::to_string(result.interrupted), ok + skipped + failed,
               ok + skipped + failed == 1 ? "" : "s");
    return 128 + result.interrupted;
  }
  return static_cast<int>(result.exit);
}

}  // namespace nianbao::cli
