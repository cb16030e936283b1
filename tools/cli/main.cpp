// nianbao: the command line. Parses arguments, wires manifest, form, plugin
// host and pipeline together, and turns outcomes into messages and exit codes.
#include "config_command.hpp"

#include <nianbao/form.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/pipeline.hpp>
#include <nianbao/plugin_host.hpp>
#include <nianbao/version.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace nianbao;

int code(ExitCode c) { return static_cast<int>(c); }

void print_findings(std::FILE* to, const ReportResult& rr) {
  for (const auto& f : rr.findings) {
    fmt::print(to, "{}: {} {}\n", rr.id, to_string(f.severity), f.message);
    for (const auto& c : f.cells)
      fmt::print(to, "    {}  {} = {}  （{}）\n", c.source.known() ? c.source.str() : "(未填写)", c.key,
                 c.value.empty() ? "空白" : c.value, c.label);
  }
}

std::vector<fs::path> plugin_dirs(const std::vector<std::string>& extra, const Manifest* m) {
  std::vector<fs::path> dirs;
  for (const auto& d : extra) dirs.push_back(fs::absolute(d));
  if (m)
    for (const auto& d : m->plugin_dirs) dirs.push_back(d);
  dirs.push_back(default_plugin_dir());
  return dirs;
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
                         {"position", c.source.known() ? nlohmann::json(c.source.str()) : nlohmann::json(nullptr)}});
      }
      arr.push_back({{"report", rr.id}, {"rule", f.rule}, {"severity", to_string(f.severity)},
                     {"message", f.message}, {"cells", cells}});
    }
  return arr;
}

int run_manifest(const std::string& manifest_path, Mode mode, bool json, bool write_invalid,
                 const std::vector<std::string>& extra_dirs) {
  Manifest manifest = Manifest::load(manifest_path);
  Form form = Form::load(locate_form(manifest.form, manifest.base_dir, manifest.form_source));
  PluginHost host(plugin_dirs(extra_dirs, &manifest));
  Pipeline pipeline(manifest, host, form);
  std::size_t ok = 0, failed = 0, warnings = 0, errors = 0;
  BuildResult result = pipeline.run({mode, write_invalid}, [&](const ReportResult& rr) {
    for (const auto& f : rr.findings) (f.severity == Severity::error ? errors : warnings)++;
    (rr.status == ExitCode::ok ? ok : failed)++;
    if (!json) print_findings(stdout, rr);
    if (!rr.error.empty()) fmt::print(stderr, "{}: {}\n", rr.id, rr.error);
    for (const auto& o : rr.outputs) fmt::print("{}: wrote {}\n", rr.id, display_path(o));
    std::fflush(stdout);
  });
  if (json) {
    std::cout << findings_json(result.reports).dump(2) << "\n";
  } else {
    fmt::print(stderr, "{} report{}: {} ok, {} failed; {} error finding{}, {} warning{}\n", result.reports.size(),
               result.reports.size() == 1 ? "" : "s", ok, failed, errors, errors == 1 ? "" : "s", warnings,
               warnings == 1 ? "" : "s");
  }
  return code(result.exit);
}

int list_plugins(const std::vector<std::string>& extra_dirs) {
  PluginHost host(plugin_dirs(extra_dirs, nullptr));
  PluginListing listing = host.discover();
  for (const auto& p : listing.plugins) {
    fmt::print("{} {} {}  {}\n    {}\n", to_string(p.kind), p.name, p.version, p.description, display_path(p.file));
    for (const auto& o : p.options) {
      std::string type = to_string(o.type);
      if (o.type == OptionType::choice) type += " (" + fmt::format("{}", fmt::join(o.choices, "|")) + ")";
      fmt::print("    {:<16} {:<20} default {:<6} {}\n", o.name, type, o.default_value.empty() ? "\"\"" : o.default_value, o.help);
    }
  }
  for (const auto& [file, why] : listing.refused) fmt::print(stderr, "{}: {}\n", display_path(file), why);
  std::vector<std::string> dirs;
  for (const auto& d : host.dirs()) dirs.push_back(display_path(d));
  fmt::print(stderr, "{} plugin{} in {}; {} refused\n", listing.plugins.size(), listing.plugins.size() == 1 ? "" : "s",
             fmt::join(dirs, ", "), listing.refused.size());
  return listing.refused.empty() ? 0 : code(ExitCode::unavailable);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nianbao " NIANBAO_VERSION
               " — 政府信息公开工作年度报告: checks the data against the national format and writes the reports"};
  app.set_version_flag("--version", std::string("nianbao ") + NIANBAO_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  std::vector<std::string> extra_dirs;
  app.add_option("--plugin-dir", extra_dirs, "also look for plugins here (before the built-in ones)");

  std::string manifest;
  bool json = false, write_invalid = false;
  auto* build = app.add_subcommand("build", "check every report of MANIFEST and write its outputs");
  build->add_option("manifest", manifest, "the manifest (manifest.yaml)")->required();
  build->add_flag("--write-invalid", write_invalid, "write outputs even when a rule with severity error fails (drafts)");
  auto* check = app.add_subcommand("check", "check every report of MANIFEST against the form's rules; write nothing");
  check->add_option("manifest", manifest, "the manifest (manifest.yaml)")->required();
  check->add_flag("--json", json, "print the findings as a JSON array");
  auto* plugins = app.add_subcommand("plugins", "list the plugins found, with their options");
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
      "unavailable, 70 internal error, 73 cannot create output, 74 I/O error, 78 configuration error.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : code(ExitCode::usage);
  }
  try {
    if (*plugins) return list_plugins(extra_dirs);
    if (*config) {
      if (!print_merged) {
        fmt::print(stderr, "nianbao config: say what to show: --print-merged\n");
        return code(ExitCode::usage);
      }
      Manifest m = Manifest::load(manifest);
      PluginHost host(plugin_dirs(extra_dirs, &m));
      const ReportEntry* entry = report_id.empty() ? nullptr : cli::find_entry(m, report_id);
      fmt::print("{}", cli::print_merged(m, host, entry));
      return 0;
    }
    return run_manifest(manifest, *build ? Mode::build : Mode::check, json, write_invalid, extra_dirs);
  } catch (const Error& e) {
    fmt::print(stderr, "nianbao: {}\n", e.what());
    return code(e.code());
  } catch (const std::exception& e) {
    fmt::print(stderr, "nianbao: internal error: {}\n", e.what());
    return code(ExitCode::software);
  }
}
