// The pipeline: manifest → reports → checks → documents → output files.
//
// Usage:
//   Pipeline p(manifest, host, form);
//   BuildResult r = p.run(Mode::build, [](const ReportResult& rr) { print(rr); });
//   return static_cast<int>(r.exit);
// Configuration comes first: profiles, output plugins and their options are
// resolved and checked for every report before any is built, and a
// configuration error (ExitCode::config) is thrown from run() with nothing
// written. Then each report is a job of its own: a job that fails (missing
// input, bad number, broken plugin, rule error) leaves no output, and the
// others go on. The exit code is the worst class seen.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/build_config.hpp>
#include <nianbao/checks.hpp>
#include <nianbao/error.hpp>
#include <nianbao/form.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/plugin_host.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nianbao {

enum class Mode { check, build };

struct RunOptions {
  Mode mode = Mode::build;
  // Write outputs even when a rule with severity error fails (drafts).
  bool write_invalid = false;
};

struct ReportResult {
  std::string id;
  std::string agency;
  std::string kind;
  int year = 0;
  std::vector<std::optional<Decimal>> summary_values;  // per form summary column
  ExitCode status = ExitCode::ok;  // ok, or why the job failed
  std::string error;               // the failure, with its location
  std::vector<Finding> findings;
  std::vector<std::filesystem::path> outputs;
};

struct BuildResult {
  std::vector<ReportResult> reports;
  ExitCode exit = ExitCode::ok;
};

class NIANBAO_API Pipeline {
 public:
  Pipeline(const Manifest& manifest, PluginHost& host, const Form& form);
  BuildResult run(const RunOptions& options, const std::function<void(const ReportResult&)>& on_report);

 private:
  struct Planned {
    std::optional<EntryConfig> config;
    std::optional<Error> error;  // a plugin that cannot be loaded fails only its report
  };
  std::vector<ReportResult> run_entry(const ReportEntry& entry, const Planned& plan, const RunOptions& options);
  ReportResult run_summary(const ResolvedOutput& out, const std::vector<ReportResult>& reports);

  const Manifest& manifest_;
  PluginHost& host_;
  const Form& form_;
  BuildConfig config_;
  std::map<std::filesystem::path, std::string> claimed_;  // output file → report that wrote it
};

// Reads a report entry's inputs as a build does: inputs that each yield one
// report merge into one (its id the entry's); a single input that yields
// several (a roster) gives one report each (ids "<entry>/<agency>-<year>").
// Throws Error: unavailable/config for plugins and options, no_input for a
// missing file, data for what the inputs hold.
NIANBAO_API std::vector<Report> read_reports(const ReportEntry& entry, PluginHost& host, const Form& form);

// The date written into documents: SOURCE_DATE_EPOCH (as a UTC date) when
// set, else the manifest's build_date, else "" (each output then takes one
// from the data). Never the clock, so reruns give identical files.
NIANBAO_API std::string fixed_build_date(const Manifest& manifest);

// Finds a form by built-in id (in <data dir>/config/forms/<id>.yaml) or by a
// path relative to `base_dir`. Throws Error(config) naming what was searched.
NIANBAO_API std::filesystem::path locate_form(const std::string& id_or_path,
                                              const std::filesystem::path& base_dir,
                                              const SourceLoc& where);

}  // namespace nianbao
