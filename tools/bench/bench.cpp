// nianbao-bench: what each output costs per report, measured in one process.
//
// Reads a manifest's reports the way `nianbao build` does (manifest, form,
// plugin host, input plugins, merge, compose), then writes every report
// `runs` times with each output plugin into a temporary directory and times
// each write. The first write of an output is reported on its own: it pays
// for what a plugin does once per process (the PDF plugin prepares its fonts
// then); the median and mean of the other writes are the steady cost.
#include <nianbao/checks.hpp>
#include <nianbao/compose.hpp>
#include <nianbao/form.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/output_files.hpp>
#include <nianbao/pipeline.hpp>
#include <nianbao/plugin_host.hpp>

#include "synthetic.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#ifndef NIANBAO_SOURCE_DIR
#error "NIANBAO_SOURCE_DIR must be defined (tools/bench/CMakeLists.txt does)"
#endif

namespace {

namespace fs = std::filesystem;
using namespace nianbao;
using Clock = std::chrono::steady_clock;

constexpr const char* kBuildDate = "2024-01-31";

int code(ExitCode c) { return static_cast<int>(c); }

// One report ready for the outputs, as Pipeline::run_entry prepares it.
struct Job {
  Report report;
  std::vector<Finding> findings;
  Document doc;
};

struct Figures {
  std::string output;
  std::size_t reports = 0;
  std::size_t writes = 0;
  double first_ms = 0;
  std::optional<double> median_ms;  // per report, writes after the first; none when runs == 1
  std::optional<double> mean_ms;
  std::uintmax_t bytes_per_report = 0;
};

// The scratch directory the outputs write into; removed however the run ends.
class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("nianbao-bench-" + std::to_string(::getpid()))) {
    std::error_code ec;
    fs::create_directories(path_, ec);
    if (ec) throw Error(ExitCode::cant_create, "cannot create " + path_.string() + ": " + ec.message());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<Job> prepare_jobs(const Manifest& manifest, PluginHost& host, const Form& form) {
  std::vector<Job> jobs;
  for (const auto& entry : manifest.reports)
    for (auto& report : read_reports(entry, host, form, manifest.base_dir)) {
      Job job;
      job.findings = run_checks(form, report);
      job.doc = compose(form, report);
      job.doc.build_date = kBuildDate;
      job.report = std::move(report);
      jobs.push_back(std::move(job));
    }
  return jobs;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Writes every job `runs` times with one output plugin. Each write goes into a
// StagedFiles of its own that is aborted, except in the last run, which is
// committed so the files can be measured.
Figures measure(const std::string& name, PluginHost& host, const std::vector<Job>& jobs, int runs,
                const fs::path& dir) {
  std::shared_ptr<OutputPlugin> plugin = host.create_output(name);
  Options options = Options::defaults(host.info(PluginKind::output, name).options);
  Figures f;
  f.output = name;
  f.reports = jobs.size();
  std::vector<double> rest;
  bool first = true;
  std::uintmax_t bytes = 0;
  for (int run = 0; run < runs; ++run) {
    bool last = run + 1 == runs;
    for (const auto& job : jobs) {
      StagedFiles files(dir);
      auto t0 = Clock::now();
      try {
        plugin->write(OutputRequest{job.doc, job.findings, options, job.report}, files);
      } catch (const Error&) {
        throw;
      } catch (const std::exception& e) {
        throw Error(ExitCode::software, "output plugin '" + name + "' failed on '" + job.report.id + "': " + e.what());
      }
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      ++f.writes;
      if (first) f.first_ms = ms;
      else rest.push_back(ms);
      first = false;
      if (last) {
        for (const auto& p : files.commit()) {
          std::error_code ec;
          auto size = fs::file_size(p, ec);
          if (ec) throw Error(ExitCode::io, "cannot read the size of " + p.string() + ": " + ec.message());
          bytes += size;
        }
      } else {
        files.abort();
      }
    }
  }
  if (!rest.empty()) {
    f.median_ms = median(rest);
    f.mean_ms = std::accumulate(rest.begin(), rest.end(), 0.0) / static_cast<double>(rest.size());
  }
  if (!jobs.empty()) f.bytes_per_report = (bytes + jobs.size() / 2) / jobs.size();
  return f;
}

double peak_rss_mb() {
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

std::string ms_text(const std::optional<double>& v) { return v ? fmt::format("{:.3f}", *v) : "-"; }
nlohmann::json ms_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

int run(const std::string& manifest_path, int runs, std::vector<std::string> outputs, bool explicit_outputs, bool json) {
  Manifest manifest = Manifest::load(manifest_path);
  Form form = Form::load(locate_form(manifest.form, manifest.base_dir, manifest.form_source));
  std::vector<fs::path> dirs(manifest.plugin_dirs.begin(), manifest.plugin_dirs.end());
  dirs.push_back(default_plugin_dir());
  PluginHost host(dirs);

  // Asked for by name: a missing plugin is an error. By default: skipped.
  if (!explicit_outputs) {
    std::vector<std::string> available;
    for (const auto& name : outputs) {
      try {
        host.info(PluginKind::output, name);
        available.push_back(name);
      } catch (const Error& e) {
        fmt::print(stderr, "nianbao-bench: skipping output '{}': {}\n", name, e.what());
      }
    }
    outputs = std::move(available);
  }

  std::vector<Job> jobs = prepare_jobs(manifest, host, form);
  std::size_t failing = 0;
  for (const auto& j : jobs) failing += has_errors(j.findings);
  if (failing)
    fmt::print(stderr, "nianbao-bench: {} of {} reports fail a rule with severity error; written anyway\n", failing,
               jobs.size());

  TempDir tmp;
  std::vector<Figures> figures;
  for (const auto& name : outputs) figures.push_back(measure(name, host, jobs, runs, tmp.path()));

  unsigned cores = std::thread::hardware_concurrency();
  double rss = peak_rss_mb();
  if (json) {
    nlohmann::json out;
    out["manifest"] = display_path(manifest.file);
    out["runs"] = runs;
    out["reports"] = jobs.size();
    out["build_date"] = kBuildDate;
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& f : figures)
      arr.push_back({{"output", f.output},
                     {"reports", f.reports},
                     {"writes", f.writes},
                     {"first_ms", f.first_ms},
                     {"median_ms_per_report", ms_json(f.median_ms)},
                     {"mean_ms_per_report", ms_json(f.mean_ms)},
                     {"bytes_per_report", f.bytes_per_report}});
    out["outputs"] = arr;
    out["cores"] = cores;
    out["peak_rss_mb"] = rss;
    std::cout << out.dump(2) << "\n";
  } else {
    fmt::print("{}: {} report{}, {} run{}\n", display_path(manifest.file), jobs.size(), jobs.size() == 1 ? "" : "s",
               runs, runs == 1 ? "" : "s");
    fmt::print("{:<8} {:>7} {:>9} {:>17} {:>15} {:>13}\n", "output", "reports", "first ms", "median ms/report",
               "mean ms/report", "bytes/report");
    for (const auto& f : figures)
      fmt::print("{:<8} {:>7} {:>9.3f} {:>17} {:>15} {:>13}\n", f.output, f.reports, f.first_ms, ms_text(f.median_ms),
                 ms_text(f.mean_ms), f.bytes_per_report);
    fmt::print("cores {}, peak RSS {:.1f} MB\n", cores, rss);
  }
  return 0;
}

// ---- a whole build of synthetic agencies, through the nianbao command ----

struct BuildFigures {
  std::string what;
  double seconds = 0;
  double peak_rss_mb = 0;  // the largest single process: the build or one of its workers
  int exit_code = -1;
  std::size_t reports = 0, built = 0, skipped = 0;
  std::uintmax_t output_bytes = 0;
};

// Runs `nianbao build` in `dir` and measures it. A helper process in between
// waits for it, so that RUSAGE_CHILDREN covers this run (and its workers) only.
BuildFigures time_build(const fs::path& dir, const std::string& what, const std::vector<std::string>& args,
                        const std::string& summary = "summary.json") {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(ExitCode::software, "pipe");
  std::fflush(stdout);
  auto t0 = Clock::now();
  pid_t helper = ::fork();
  if (helper == 0) {
    ::close(fds[0]);
    pid_t pid = ::fork();
    if (pid == 0) {
      if (::chdir(dir.c_str()) != 0) ::_exit(71);
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      std::string exe = (executable_dir() / "nianbao").string();
      std::vector<char*> argv{const_cast<char*>(exe.c_str())};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    rusage ru{};
    ::getrusage(RUSAGE_CHILDREN, &ru);
    long long kb = ru.ru_maxrss;
    (void)!::write(fds[1], &kb, sizeof kb);
    ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  }
  ::close(fds[1]);
  long long kb = 0;
  (void)!::read(fds[0], &kb, sizeof kb);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(helper, &status, 0);
  BuildFigures f;
  f.what = what;
  f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  f.peak_rss_mb = static_cast<double>(kb) / 1024.0;
  f.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(dir / summary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_object()) {
    f.reports = j["totals"].value("reports", std::size_t{0});
    f.built = j["totals"].value("ok", std::size_t{0});
    f.skipped = j["totals"].value("skipped", std::size_t{0});
    f.output_bytes = j["totals"].value("output_bytes", std::uintmax_t{0});
  }
  return f;
}

// Workbooks written and read, through the nianbao command: every agency's
// fill-in workbook (nianbao template), every agency's report workbook (a
// build with xlsx only), then a build that reads those workbooks back (the
// xlsx input; the texts from YAML, the plain text out).
void workbook_runs(const fs::path& dir, int jobs, std::vector<BuildFigures>& runs) {
  const std::string j = std::to_string(jobs);
  BuildFigures t = time_build(dir, "write fill-ins", {"template", "manifest.yaml", "--jobs", j}, "none");
  for (const auto& e : fs::directory_iterator(dir / "templates")) {
    if (e.path().extension() != ".xlsx") continue;  // the folder's lock file
    t.reports++, t.built++;
    t.output_bytes += fs::file_size(e.path());
  }
  runs.push_back(t);

  std::string m;
  {
    std::ifstream in(dir / "manifest.yaml");
    std::stringstream ss;
    ss << in.rdbuf();
    m = ss.str();
  }
  auto replace = [](std::string s, const std::string& from, const std::string& to) { return s.replace(s.find(from), from.size(), to); };
  std::ofstream(dir / "manifest-xlsx.yaml", std::ios::binary)
      << replace(replace(m, "output_dir: out\n", "output_dir: out-xlsx\n"), "outputs: [text, xlsx, pdf]", "outputs: [xlsx]");
  runs.push_back(time_build(dir, "write workbooks",
                            {"build", "manifest-xlsx.yaml", "--jobs", j, "--summary", "summary-xlsx.json", "--progress", "none"},
                            "summary-xlsx.json"));

  std::ifstream in(dir / "summary-xlsx.json");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json written = nlohmann::json::parse(ss.str());
  std::string read = "form: gov-info-disclosure-2021\noutput_dir: out-read\noutputs: [text]\nreports:\n";
  for (const auto& r : written["reports"]) {
    const std::string id = r["id"];
    for (const auto& o : r["outputs"])
      read += "  - id: " + id + "\n    inputs:\n      - {plugin: yaml, path: data/" + id + "-text.yaml}\n" +
              "      - {plugin: xlsx, path: '" + o["path"].get<std::string>() + "'}\n";
  }
  std::ofstream(dir / "manifest-read.yaml", std::ios::binary) << read;
  runs.push_back(time_build(dir, "read workbooks",
                            {"build", "manifest-read.yaml", "--jobs", j, "--summary", "summary-read.json", "--progress", "none"},
                            "summary-read.json"));
}

int run_build_bench(int agencies, int jobs, std::uint32_t seed, const std::string& keep, bool json, bool workbooks) {
  Form form = Form::load(locate_form("gov-info-disclosure-2021", fs::current_path(), {}));
  std::optional<TempDir> tmp;
  fs::path dir;
  if (keep.empty()) {
    tmp.emplace();
    dir = tmp->path();
  } else {
    dir = fs::absolute(keep);
    fs::remove_all(dir);
  }
  auto g0 = Clock::now();
  bench::write_synthetic(dir, agencies, seed, form);
  double generate_s = std::chrono::duration<double>(Clock::now() - g0).count();
  std::vector<std::string> args = {"build", "manifest.yaml", "--jobs", std::to_string(jobs), "--summary", "summary.json",
                                   "--progress", "none"};
  ::setenv("SOURCE_DATE_EPOCH", "1706659200", 1);  // 2024-01-31: the same bytes every run
  std::vector<BuildFigures> runs = {time_build(dir, "full build", args), time_build(dir, "no-change rebuild", args)};
  if (workbooks) workbook_runs(dir, jobs, runs);
  unsigned cores = std::thread::hardware_concurrency();
  if (json) {
    nlohmann::json out = {{"agencies", agencies}, {"jobs", jobs}, {"seed", seed}, {"cores", cores},
                          {"outputs", {"text", "xlsx", "pdf"}}, {"generate_seconds", generate_s}};
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& f : runs)
      arr.push_back({{"run", f.what}, {"seconds", f.seconds}, {"reports_per_second", f.reports / f.seconds},
                     {"peak_rss_mb", f.peak_rss_mb}, {"exit_code", f.exit_code}, {"reports", f.reports},
                     {"built", f.built}, {"skipped", f.skipped}, {"output_bytes", f.output_bytes}});
    out["runs"] = arr;
    std::cout << out.dump(2) << "\n";
  } else {
    fmt::print("{} synthetic agencies (seed {}), text + xlsx + pdf, --jobs {} on {} cores; data written in {:.2f} s\n",
               agencies, seed, jobs, cores, generate_s);
    fmt::print("{:<18} {:>9} {:>10} {:>8} {:>8} {:>14} {:>13} {:>5}\n", "run", "seconds", "reports/s", "built",
               "skipped", "output bytes", "peak RSS MB", "exit");
    for (const auto& f : runs)
      fmt::print("{:<18} {:>9.2f} {:>10.1f} {:>8} {:>8} {:>14} {:>13.1f} {:>5}\n", f.what, f.seconds,
                 f.reports / f.seconds, f.built, f.skipped, f.output_bytes, f.peak_rss_mb, f.exit_code);
    fmt::print("peak RSS is that of the largest single process (the build or one worker); a build uses {} workers\n", jobs);
  }
  for (const auto& f : runs)
    if (f.exit_code != 0) return f.exit_code;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nianbao-bench — the cost of each output per report, for a manifest's reports, in one process"};
  std::string manifest = (fs::path(NIANBAO_SOURCE_DIR) / "samples" / "guanpo-2023" / "manifest.yaml").string();
  int runs = 50;
  std::vector<std::string> outputs;
  bool json = false;
  app.add_option("manifest", manifest, "the manifest (default: the bundled sample samples/guanpo-2023)");
  app.add_option("--runs", runs, "writes of each report per output (the first is reported apart)")
      ->check(CLI::Range(1, 1000000));
  auto* out_opt = app.add_option("--output", outputs, "output plugins to measure (default: text xlsx pdf, those found)");
  app.add_flag("--json", json, "print the figures as a JSON object");
  int synthetic = 0, jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  unsigned seed = 2024;
  std::string keep;
  app.add_option("--synthetic", synthetic,
                 "instead: generate N agencies that pass the rules and time a full build (text, xlsx, pdf) and a "
                 "no-change rebuild with the nianbao command")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--jobs", jobs, "with --synthetic: nianbao build --jobs (default: the number of cores)")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "with --synthetic: the generator's seed (default 2024)");
  app.add_option("--keep", keep, "with --synthetic: build in this folder and leave it (default: a temporary folder)");
  bool workbooks = false;
  app.add_flag("--workbooks", workbooks,
               "with --synthetic: also time writing every agency's fill-in workbook, writing the report workbooks, and "
               "a build that reads those workbooks back");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : code(ExitCode::usage);
  }
  bool explicit_outputs = out_opt->count() > 0;
  if (!explicit_outputs) outputs = {"text", "xlsx", "pdf"};
  try {
    if (synthetic > 0) return run_build_bench(synthetic, jobs, seed, keep, json, workbooks);
    return run(manifest, runs, outputs, explicit_outputs, json);
  } catch (const Error& e) {
    fmt::print(stderr, "nianbao-bench: {}\n", e.what());
    return code(e.code());
  } catch (const std::exception& e) {
    fmt::print(stderr, "nianbao-bench: internal error: {}\n", e.what());
    return code(ExitCode::software);
  }
}
