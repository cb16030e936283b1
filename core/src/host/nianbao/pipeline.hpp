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
#include <nianbao/output_files.hpp>
#include <nianbao/plugin_host.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

namespace nianbao {

// check: read and check every report, write nothing; build: and write the
// outputs; plan: list the reports only.
enum class Mode { check, build, plan };

// One slice of a build spread over several machines or scheduler tasks:
// work item i belongs to shard i % count.
struct Shard {
  int index = 0;
  int count = 1;
};



struct RunOptions {
  Mode mode = Mode::build;
  // Write outputs even when a rule with severity error fails (drafts).
  bool write_invalid = false;
  // Reports built at once, each in a worker process of its own (1: in this
  // process). The files are the same whatever the number.
  int jobs = 1;
  // Rebuild reports whose inputs, form, profile, plugins and options are
  // unchanged since their last good build (otherwise they are skipped).
  bool force = false;
  // Stop handing out work at the first failure (the default keeps going).
  bool fail_fast = false;
  Shard shard;
  // Called once, before any report, with the number of work items to run.
  std::function<void(std::size_t)> on_plan;
  // Keep every ReportResult in BuildResult::reports. A caller that takes
  // them one by one (on_report) sets false, so that a build of any size
  // holds only what its summary outputs need.
  bool keep_results = true;
  // A work item still running after this many seconds has its worker
  // stopped and fails (0: no limit). A report takes well under a second.
  double item_timeout = 600;
  // Fill-in workbooks instead of reports (`nianbao template`): each report
  // keeps only who it is (agency, year, kind, region, contact, 落款) — its
  // numbers and texts are left for the agency to fill in —, is not checked,
  // and no build record is kept. A report whose data has problems still gets
  // its workbook when who it is can be read.
  bool fill_in = false;
};

// A file a report wrote (or kept, when skipped), with its content hash and
// its identity on disk when it was committed (to tell later whether it changed).
struct OutputRecord {
  std::filesystem::path path;
  std::string sha256;
  std::uintmax_t bytes = 0;
  std::uint64_t inode = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
};

struct NIANBAO_API ReportResult {
  std::string id;
  std::string entry;  // the manifest entry it came from
  std::string agency;
  std::string kind;
  int year = 0;
  std::string file_stem;  // what its files are named (before each output's extension)
  std::string phone;      // the agency's telephone (contact.phone), for the county workbook
  std::vector<std::optional<Decimal>> summary_values;  // per form summary column
  std::vector<std::optional<Decimal>> last_values;     // the same of last year's report; empty without one
  ExitCode status = ExitCode::ok;  // ok, or why the job failed
  std::string error;               // the failure, with its location
  std::vector<Finding> findings;
  std::vector<std::filesystem::path> outputs;  // written this run (empty when skipped)
  std::vector<OutputRecord> files;             // its files: written, or kept from the last good build
  bool skipped = false;    // unchanged since its last good build: nothing rebuilt
  bool cancelled = false;  // never attempted (--fail-fast, or the build was interrupted)
  std::vector<std::string> notices;  // warnings about the build of it (a damaged stamp was ignored)
  double duration_ms = 0;
  // "ok", "skipped", "failed" or "cancelled", as the build summary says.
  const char* state() const;
};

struct BuildResult {
  std::vector<ReportResult> reports;
  ExitCode exit = ExitCode::ok;
  std::size_t items = 0;  // reports in this run's part of the plan
  int interrupted = 0;    // the signal (SIGINT, SIGTERM, SIGHUP) that stopped the build, or 0
};

// Catches SIGINT, SIGTERM and SIGHUP for the rest of the process: the first
// stops the workers, removes what they had staged, and makes run() return
// with BuildResult::interrupted set (files committed so far are complete);
// a second one ends the process at once.
NIANBAO_API void catch_interrupts();
// The signal caught, or 0.
NIANBAO_API int interrupt_signal();

// One report of a build's plan, as `nianbao plan` lists it.
struct PlanItem {
  std::size_t index = 0;  // its place in the plan: the same on every machine
  int shard = 0;          // index % shard count
  std::string id;         // the report's id (a roster row: "<entry>/<agency>-<year>")
  std::string entry;      // the manifest entry it comes from
  std::string agency;
  int year = 0;
  std::string file_stem;  // what its files are named, before each output's extension
  std::vector<std::string> inputs;
  std::string error;  // why it cannot be built, when it cannot ("": it can)
};

class NIANBAO_API Pipeline {
 public:
  Pipeline(const Manifest& manifest, PluginHost& host, const Form& form);
  BuildResult run(const RunOptions& options, const std::function<void(const ReportResult&)>& on_report);
  // Every report of the build in plan order — one per agency, a roster's rows
  // each their own — with its shard and file name. Inputs that changed since
  // the last build are read (in workers); nothing is written.
  std::vector<PlanItem> plan(const RunOptions& options);
  // The manifest's whole-build outputs (the county workbook) from the
  // reports of every shard, as `nianbao summarize --manifest` merges them:
  // what a sharded build cannot write itself. Takes the output folder as a
  // whole build does (75 while a shard still writes it).
  BuildResult write_summaries(const std::vector<ReportResult>& reports, const RunOptions& options);

 private:
  struct Planned {
    std::shared_ptr<const EntryConfig> config;  // shared by the entries that resolve alike
    const std::string* config_key = nullptr;    // what besides its inputs decides its outputs
    std::optional<Error> error;  // a plugin that cannot be loaded fails only its reports
  };
  struct Item;     // one report to build (build/plan.hpp)
  struct Outcome;  // what a worker made of it (build/outcome.hpp)
  class Spill;     // report data from the workers that read to those that write (build/plan.hpp)
  struct LastYear;  // last year's reports, for the cross-year checks (build/previous.hpp)

  // Profiles, outputs and options for every entry; a configuration error is
  // thrown, anything else fails the entry's reports (pipeline.cpp).
  std::vector<Planned> configure(const RunOptions& options);
  // Every report of the build, all shards, in plan order: from the records
  // of the last build where an entry's inputs are unchanged, else read in
  // workers; then two reports that would write one file fail the later one
  // (build/plan.cpp).
  std::vector<Item> plan_items(const std::vector<Planned>& plans, const RunOptions& options, Spill& spill, int& interrupted);
  // Last year's manifest read, its reports in the spill (build/previous.cpp).
  void read_last_year(const RunOptions& options, Spill& spill, LastYear& into, int& interrupted);
  // This report's last year: from `candidates` (the entry's `previous:`) or
  // `last`, by previous_id, else id, else agency; nullopt with `why` (build/previous.cpp).
  std::optional<Report> match_last_year(const ReportEntry& entry, const Report& report, const std::vector<Report>& candidates,
                                        const LastYear* last, const Spill& spill, std::string& why) const;
  // A whole-area report's tables: the sums of its members' (build/rollup.cpp).
  void roll_up(std::vector<Item>& items, Spill& spill);
  // In a worker: one report checked, composed and written into `slot` of the
  // staging area (build/run_item.cpp).
  Outcome build_item(const Item& item, const Planned& plan, const RunOptions& options, const Spill& spill,
                     const StagingArea* area, const std::string& slot);
  // In the build process, in plan order (build/commit.cpp).
  void commit(Outcome& o, const RunOptions& options);
  // The county workbook and other whole-build outputs (build/county_workbook.cpp).
  ReportResult run_summary(const ResolvedOutput& out, const std::vector<ReportResult>& reports, const RunOptions& options,
                           const StagingArea& area);
  std::string config_key(const EntryConfig& c, const RunOptions& options);
  // An entry's key: its configuration and the bytes of its inputs.
  std::string entry_key(const ReportEntry& entry, const Planned& plan);
  // The date a report's documents carry: the build's, else its 落款's, else 1 January after its year.
  std::string document_date(const Report& r) const;
  // A plugin's or the form's file, hashed once a run.
  const std::string& file_hash(const std::filesystem::path& file);
  // An output plugin object, created once per process — in a worker, where
  // plugin code runs.
  OutputPlugin& output_plugin(const PluginUse& use);

  const Manifest& manifest_;
  PluginHost& host_;
  const Form& form_;
  BuildConfig config_;
  std::filesystem::path data_root_;  // the manifest's folder, links resolved: data is read only below it
  std::map<std::string, std::shared_ptr<OutputPlugin>> output_plugins_;
  // Output files written in this run: a 64-bit hash of the path → the
  // report (hash of its id) and its entry. Tens of bytes a file, so that a
  // province's build does not grow with its number of reports.
  struct Claim {
    std::uint64_t report;
    std::uint32_t entry;
  };
  std::unordered_map<std::uint64_t, Claim> claimed_;
  // Claims `file` for report `id` of entry `entry`; throws Error(config) when
  // another report of this run wrote it.
  void claim(const std::filesystem::path& file, const std::string& id, std::size_t entry);
  std::map<std::filesystem::path, std::string> file_hashes_;  // plugin and form files, hashed once a run
  std::map<const EntryConfig*, std::string> config_keys_;
  std::string build_date_;  // fixed_build_date(), read once a run
};

// Reads a report entry's inputs as a build does: inputs that each yield one
// report merge into one (its id the entry's); a single input that yields
// several (a roster) gives one report each (ids "<entry>/<agency>-<year>").
// Data is read only inside `data_root` (the manifest's folder), after links;
// the files the inputs referred to are added to `files_read` (path, sha256)
// when given. Throws Error: unavailable/config for plugins and options and an
// input outside the folder, no_input for a missing file, data for what the
// inputs hold.
NIANBAO_API std::vector<Report> read_reports(const ReportEntry& entry, PluginHost& host, const Form& form,
                                             const std::filesystem::path& data_root,
                                             std::vector<std::pair<std::string, std::string>>* files_read = nullptr);

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
