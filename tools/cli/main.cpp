// nianbao: the command line. Parses arguments, wires manifest, form, plugin
// host and pipeline together, and turns outcomes into messages and exit codes.
#include "build_command.hpp"
#include "config_command.hpp"
#include "new_plugin.hpp"
#include "plan_command.hpp"

#include <nianbao/build_summary.hpp>
#include <nianbao/form.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/output_files.hpp>
#include <nianbao/pipeline.hpp>
#include <nianbao/plugin_host.hpp>
#include <nianbao/text.hpp>
#include <nianbao/version.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace nianbao;

int code(ExitCode c) { return static_cast<int>(c); }

std::vector<fs::path> plugin_dirs(const std::vector<std::string>& extra, const Manifest* m) {
  std::vector<fs::path> dirs;
  for (const auto& d : extra) dirs.push_back(fs::absolute(d));
  if (m)
    for (const auto& d : m->plugin_dirs) dirs.push_back(d);
  dirs.push_back(default_plugin_dir());
  return dirs;
}

// `nianbao plugins`: for people, a block per plugin; with --json, one
// document for tools (an editor completing a profile's options, a portal
// listing what an installation can write).
int list_plugins(const std::vector<std::string>& extra_dirs, bool json) {
  PluginHost host(plugin_dirs(extra_dirs, nullptr), PluginIsolation::child);
  PluginListing listing = host.discover();
  std::vector<std::string> dirs;
  for (const auto& d : host.dirs()) dirs.push_back(display_path(d));
  if (json) {
    nlohmann::json out = {{"schema", "nianbao-plugins/1"},
                          {"nianbao", NIANBAO_VERSION},
                          {"plugin_abi", NIANBAO_PLUGIN_ABI_VERSION},
                          {"directories", dirs},
                          {"plugins", nlohmann::json::array()},
                          {"refused", nlohmann::json::array()}};
    for (const auto& p : listing.plugins) {
      nlohmann::json options = nlohmann::json::array();
      for (const auto& o : p.options) {
        nlohmann::json j = {{"name", o.name}, {"type", to_string(o.type)}, {"default", o.default_value}, {"help", o.help}};
        if (o.type == OptionType::choice) j["choices"] = o.choices;
        options.push_back(std::move(j));
      }
      out["plugins"].push_back({{"kind", to_string(p.kind)},
                                {"name", p.name},
                                {"version", p.version},
                                {"description", p.description},
                                {"file", display_path(p.file)},
                                {"writes_summary", p.writes_summary},
                                {"options", options}});
    }
    for (const auto& [file, why] : listing.refused) out["refused"].push_back({{"file", display_path(file)}, {"why", why}});
    std::cout << out.dump(2) << "\n";
    return listing.refused.empty() ? 0 : code(ExitCode::unavailable);
  }
  for (const auto& p : listing.plugins) {
    fmt::print("{} {} {}  {}\n    {}\n", to_string(p.kind), p.name, p.version, p.description, display_path(p.file));
    for (const auto& o : p.options) {
      std::string type = to_string(o.type);
      if (o.type == OptionType::choice) type += " (" + fmt::format("{}", fmt::join(o.choices, "|")) + ")";
      fmt::print("    {:<16} {:<20} default {:<6} {}\n", o.name, type, o.default_value.empty() ? "\"\"" : o.default_value, o.help);
    }
  }
  for (const auto& [file, why] : listing.refused) fmt::print(stderr, "{}: {}\n", display_path(file), why);
  fmt::print(stderr, "{} plugin{} in {}; {} refused\n", listing.plugins.size(), listing.plugins.size() == 1 ? "" : "s",
             fmt::join(dirs, ", "), listing.refused.size());
  return listing.refused.empty() ? 0 : code(ExitCode::unavailable);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nianbao " NIANBAO_VERSION
               " — 政府信息公开工作年度报告: checks the data against the national format and writes the reports"};
  app.name("nianbao");
  app.set_version_flag("--version", std::string("nianbao ") + NIANBAO_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  std::vector<std::string> extra_dirs;
  app.add_option("--plugin-dir", extra_dirs, "also look for plugins here (before the built-in ones)");

  std::string manifest;
  cli::BuildFlags flags;
  auto* build = app.add_subcommand("build", "check every report of MANIFEST and write its outputs");
  build->add_option("manifest", manifest, "the manifest (manifest.yaml)")->required();
  build->add_flag("--write-invalid", flags.write_invalid, "write outputs even when a rule with severity error fails (drafts)");
  build->add_option("-j,--jobs", flags.jobs, "reports built at once, each in a worker process (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  build->add_option("--timeout", flags.timeout,
                    "seconds a report may take before its worker is stopped and it fails (default 600; 0: no limit)")
      ->check(CLI::Range(0.0, 1e6));
  build->add_flag("--force", flags.force, "rebuild every report, also those unchanged since their last good build");
  auto* fail_fast = build->add_flag("--fail-fast", flags.fail_fast, "stop at the first report that fails");
  bool keep_going = false;
  build->add_flag("--keep-going", keep_going, "attempt every report (the default); the exit code is the worst seen")
      ->excludes(fail_fast);
  build->add_option("--summary", flags.summary_file,
                    "write a JSON account of the build to FILE: per report its status, findings, outputs with sha256 and bytes");
  build->add_option("--progress", flags.progress,
                    "auto (a bar when stderr is a terminal), bar, ndjson (one JSON event per report on stdout) or none");
  std::optional<int> shard_index, shard_count;
  build->add_option("--shard-index", shard_index,
                    "build only this slice of the plan (default: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)");
  build->add_option("--shard-count", shard_count, "how many slices the plan is cut into (default: SLURM_ARRAY_TASK_COUNT)");
  auto* check = app.add_subcommand("check", "check every report of MANIFEST against the form's rules; write nothing");
  check->add_option("manifest", manifest, "the manifest (manifest.yaml)")->required();
  check->add_flag("--json", flags.json,
                  "print a JSON account instead (schema nianbao-check/1): every report's status and errors, every finding");
  check->add_option("-j,--jobs", flags.jobs, "reports checked at once (default: the number of cores)")->check(CLI::Range(1, 1024));
  check->add_option("--timeout", flags.timeout, "seconds a report may take before it fails (default 600; 0: no limit)")
      ->check(CLI::Range(0.0, 1e6));
  bool plan_json_flag = false;
  auto* plan = app.add_subcommand("plan", "list every report of MANIFEST (a roster's agencies each) in plan order, with its shard");
  plan->add_option("manifest", manifest, "the manifest (manifest.yaml)")->required();
  plan->add_flag("--json", plan_json_flag, "as JSON (the default is a table)");
  plan->add_option("--shard-index", shard_index, "only this shard's items");
  plan->add_option("--shard-count", shard_count, "how many shards (default: 1)");
  std::vector<std::string> summary_files;
  std::string merged_file;
  auto* summarize = app.add_subcommand("summarize", "merge the --summary files of a build's shards into one");
  summarize->add_option("summaries", summary_files, "the shards' summary files")->required();
  summarize->add_option("-o,--output", merged_file, "write the merged summary here (default: standard output)");
  std::string summarize_manifest;
  summarize->add_option("--manifest", summarize_manifest,
                        "also write the manifest's whole-build outputs (the county workbook) from every shard's reports");
  std::string template_out;
  bool template_roster = false;
  auto* tmpl = app.add_subcommand(
      "template", "write the fill-in workbooks a county sends its agencies: one per agency of MANIFEST (a roster's rows each)");
  tmpl->add_option("manifest", manifest, "the manifest (manifest.yaml)")->required();
  tmpl->add_option("--out", template_out, "the folder to write them to (default: templates/ beside the manifest)");
  tmpl->add_flag("--roster", template_roster,
                 "one roster workbook instead, a row per agency, its columns headed in the form's Chinese labels");
  tmpl->add_option("-j,--jobs", flags.jobs, "workbooks written at once (default: the number of cores)")->check(CLI::Range(1, 1024));
  auto* plugins = app.add_subcommand("plugins", "list the plugins found, with their options");
  bool plugins_json = false;
  plugins->add_flag("--json", plugins_json, "one JSON document (schema nianbao-plugins/1) instead, for tools");
  std::string new_name, new_kind = "output", new_dir;
  auto* new_plugin = app.add_subcommand(
      "new-plugin", "write a plugin's own project: CMake against the installed SDK, a working plugin, a README and a test");
  new_plugin->add_option("name", new_name, "the plugin's name, as manifests will write it (html, docx, my_format)")->required();
  new_plugin->add_option("--kind", new_kind, "output (the default) or input")->check(CLI::IsMember({"output", "input"}));
  new_plugin->add_option("--dir", new_dir, "the folder to create (default: nianbao-<kind>-<name>)");
  bool print_merged = false;
  std::string report_id;
  auto* config = app.add_subcommand("config", "show the configuration MANIFEST builds with");
  config->add_option("manifest", manifest, "the manifest (manifest.yaml)")->required();
  config->add_flag("--print-merged", print_merged,
                   "print the effective profile (document settings, contact, outputs and their options), each value "
                   "with the file:line it came from");
  config->add_option("--report", report_id, "for this report (its id in the manifest) instead of the whole build");
  app.footer(
      "Exit codes: 0 ok, 64 usage, 65 data fails a rule or is not a number, 66 input missing, 69 plugin "
      "refused, 70 internal error, 73 cannot create output, 74 I/O error, 75 temporary failure (retry), "
      "78 configuration error. A build that meets several exits with the first of 78, 69, 64, 70, 73, 74, 75, 66, 65.");

  // CLI11 says only "A subcommand is required" for a word it does not know:
  // name the word and the command meant, and list the commands.
  std::vector<std::string> commands;
  for (const auto* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--plugin-dir") {
      ++i;
      continue;
    }
    if (word.empty() || word[0] == '-') continue;
    if (std::find(commands.begin(), commands.end(), word) != commands.end()) break;
    fmt::print(stderr, "nianbao: no command '{}'{} (commands: {}; nianbao --help tells more)\n", word,
               did_you_mean(word, commands), fmt::join(commands, ", "));
    return code(ExitCode::usage);
  }
  if (argc < 2) {
    fmt::print(stderr, "{}", app.help());
    return code(ExitCode::usage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : code(ExitCode::usage);
  }
  try {
    if (*plugins) return list_plugins(extra_dirs, plugins_json);
    if (*new_plugin) {
      fs::path dir = new_dir.empty() ? fs::path("nianbao-" + new_kind + "-" + new_name) : fs::path(new_dir);
      fmt::print("{}", cli::new_plugin(new_name, new_kind, fs::absolute(dir)));
      fmt::print(stderr, "build and test it: cmake -S {0} -B {0}/build -DCMAKE_PREFIX_PATH=<nianbao's prefix> && cmake --build {0}/build && ctest --test-dir {0}/build\n",
                 display_path(fs::absolute(dir)));
      return 0;
    }
    if (*config) {
      if (!print_merged) {
        fmt::print(stderr, "nianbao config: say what to show: --print-merged\n");
        return code(ExitCode::usage);
      }
      Manifest m = Manifest::load(manifest);
      PluginHost host(plugin_dirs(extra_dirs, &m), PluginIsolation::child);
      const ReportEntry* entry = report_id.empty() ? nullptr : cli::find_entry(m, report_id);
      fmt::print("{}", cli::print_merged(m, host, entry));
      return 0;
    }
    if (*plan) {
      Manifest m = Manifest::load(manifest);
      return cli::run_plan(m, plugin_dirs(extra_dirs, &m), shard_index, shard_count, plan_json_flag);
    }
    if (*summarize) {
      std::vector<fs::path> files(summary_files.begin(), summary_files.end());
      ExitCode worst = ExitCode::ok;
      std::string merged = merge_summaries(files, worst);
      if (merged_file.empty()) fmt::print("{}", merged);
      else {
        create_parent_folders(merged_file);
        write_file_atomically(fs::absolute(merged_file), merged);
      }
      if (!summarize_manifest.empty()) {
        // A shard missing: the county workbook would lack its reports. Run it first.
        if (worst == ExitCode::temp_fail) {
          fmt::print(stderr, "nianbao: not writing the county workbook: shards are missing (see shard.missing)\n");
          return code(worst);
        }
        Manifest m = Manifest::load(summarize_manifest);
        Form form = Form::load(locate_form(m.form, m.base_dir, m.form_source));
        PluginHost host(plugin_dirs(extra_dirs, &m), PluginIsolation::child);
        Pipeline pipeline(m, host, form);
        RunOptions options;
        options.mode = Mode::build;
        BuildResult r = pipeline.write_summaries(summary_reports(merged), options);
        for (const auto& rr : r.reports) {
          if (!rr.error.empty()) fmt::print(stderr, "{}: {}\n", rr.id, rr.error);
          for (const auto& o : rr.outputs) fmt::print(stderr, "{}: wrote {}\n", rr.id, display_path(o));
        }
        worst = worse(worst, r.exit);
      }
      return code(worst);
    }
    if (*tmpl) {
      // The build, with the xlsx output in its fill-in mode as the only output.
      Manifest m = Manifest::load(manifest);
      m.output_dir = template_out.empty() ? m.base_dir / "templates" : fs::absolute(template_out);
      PluginUse xlsx;
      xlsx.plugin = "xlsx";
      xlsx.source = SourceLoc{"nianbao template"};
      xlsx.options["template"] = RawOption{"true", xlsx.source};
      m.outputs.clear();
      m.summary.clear();
      if (template_roster) m.summary.push_back(xlsx);
      else m.outputs.push_back(xlsx);
      m.has_outputs = true;
      for (auto& e : m.reports) {
        e.outputs.clear();
        e.has_outputs = false;
      }
      flags.mode = Mode::build;
      flags.fill_in = true;
      flags.progress = "none";
      return cli::run_manifest(m, flags, plugin_dirs(extra_dirs, &m));
    }
    flags.mode = *build ? Mode::build : Mode::check;
    flags.shard_index = shard_index;
    flags.shard_count = shard_count;
    if (flags.mode == Mode::check) flags.progress = "none";
    Manifest m = Manifest::load(manifest);
    return cli::run_manifest(m, flags, plugin_dirs(extra_dirs, &m));
  } catch (const Error& e) {
    if (*check && flags.json) {  // the account, even when the manifest itself cannot be read
      std::cout << nlohmann::json{{"schema", "nianbao-check/1"}, {"manifest", manifest}, {"exit_code", code(e.code())},
                                  {"error", e.what()}, {"reports", nlohmann::json::array()}, {"findings", nlohmann::json::array()}}
                       .dump(2)
                << "\n";
      return code(e.code());
    }
    fmt::print(stderr, "nianbao: {}\n", e.what());
    return code(e.code());
  } catch (const std::exception& e) {
    fmt::print(stderr, "nianbao: internal error: {}\n", e.what());
    return code(ExitCode::software);
  }
}
