// The build manifest (manifest.yaml): which reports to build from which inputs
// into which outputs.
//
// Usage: Manifest m = Manifest::load("samples/guanpo-2023/manifest.yaml");
// Paths in the manifest are relative to the manifest's folder. Unknown keys
// are errors with line:column and a suggestion; plugin options are kept as
// written (with positions) and checked against each plugin's schema later
// (resolve_options), because only the plugin knows them.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/error.hpp>
#include <nianbao/options.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace nianbao {

struct RawOption {
  std::string text;  // scalar as written
  SourceLoc source;
};

// One use of a plugin: {plugin: yaml, path: report.yaml} or `text`.
struct PluginUse {
  std::string plugin;
  SourceLoc source;                      // where the entry is
  std::filesystem::path path;            // inputs: resolved against the manifest folder
  std::string display_path;              // inputs: as messages should name it
  std::map<std::string, RawOption> options;
};

struct ReportEntry {
  std::string id;
  SourceLoc source;
  std::vector<PluginUse> inputs;
  std::vector<PluginUse> outputs;  // as the report names them; see has_outputs
  bool has_outputs = false;        // false: the manifest's outputs, else the profile's
  std::string profile;             // overrides the manifest's profile; empty when not given
  SourceLoc profile_source;
  // Last year's data of this report (`previous:`), read like `inputs:`.
  std::vector<PluginUse> previous;
  // Last year's report, when it had another id or name (`previous_id:`):
  // for the entry's one report, or per agency of a roster ({今年名称: 上年id或名称}).
  std::string previous_id;
  std::map<std::string, std::string> previous_ids;
  SourceLoc previous_id_source;
  // A whole-area report (`rollup:`): its tables are the cell-wise sums of
  // these reports of the manifest — by id (a roster's agency:
  // "<entry>/<agency>-<year>", or the entry's id for all its agencies), or
  // every report of these kinds / regions. Its own inputs give the text.
  std::vector<std::string> rollup_ids, rollup_kinds, rollup_regions;
  bool is_rollup = false;
  SourceLoc rollup_source;
};

struct NIANBAO_API Manifest {
  std::filesystem::path file;
  std::string display;        // the manifest as the user named it
  std::filesystem::path base_dir;
  std::string form;           // built-in id or path
  SourceLoc form_source;
  std::filesystem::path output_dir;
  // What the last good build of each report was made from (incremental
  // builds): `state_dir:`, default .nianbao beside the manifest — not in
  // output_dir, which counties publish as it is.
  std::filesystem::path state_dir;
  std::vector<std::filesystem::path> plugin_dirs;
  std::vector<ReportEntry> reports;
  std::vector<PluginUse> outputs;  // for reports that name none; see has_outputs
  bool has_outputs = false;        // false: the profile's outputs
  std::string profile = "default"; // the county format for the whole build (config/profiles/)
  SourceLoc profile_source;
  std::vector<PluginUse> summary;  // manifest-level outputs: one file for the whole build
  std::string build_date;          // YYYY-MM-DD written into documents; SOURCE_DATE_EPOCH wins
  // Last year's manifest (`previous: ../2023/manifest.yaml`): its reports,
  // matched to this year's by id, else by agency, give the cross-year checks
  // their data. Its inputs are read from its own folder only.
  std::filesystem::path previous;
  SourceLoc previous_source;

  // Throws Error: no_input when the file is missing, config for any defect.
  static Manifest load(const std::filesystem::path& file);
};

// Checks options written in a profile (`base`) and the manifest (`use`,
// which wins key by key) against a plugin's schema and fills in defaults.
// Unknown key → error with the allowed keys and a "did you mean"; wrong type
// → error at the value. Both ExitCode::config, at the file that wrote them.
NIANBAO_API Options resolve_options(const std::string& plugin, const std::vector<OptionSpec>& schema,
                                    const PluginUse& use, const std::map<std::string, RawOption>& base = {});


}  // namespace nianbao
