// What each report is built with: the manifest, its profile and the plugins'
// schemas put together, checked before any report is built.
//
// Usage:
//   BuildConfig config(manifest, host);
//   auto c = config.resolve(&manifest.reports[0]);   // profile, outputs, options
//   c->outputs[0].options.string("body_font");
// Outputs come from the report, else the manifest, else the profile. An
// output's options are the plugin's defaults, overridden by the profile's
// section for that plugin, overridden by the options written in the
// manifest. Each distinct set of options is checked once by its plugin
// (OutputPlugin::check: font files exist and can be embedded), in a child
// process when the host isolates plugins.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/plugin_host.hpp>
#include <nianbao/profile.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace nianbao {

// An output as a report uses it: the plugin is created where the report is
// built (a worker process), not where the configuration is resolved.
struct ResolvedOutput {
  PluginUse use;
  Options options;
};

struct EntryConfig {
  std::shared_ptr<const Profile> profile;
  DocumentSettings document;
  std::vector<ResolvedOutput> outputs;
};

class NIANBAO_API BuildConfig {
 public:
  BuildConfig(const Manifest& manifest, PluginHost& host);

  // The profile of an entry (nullptr: the build's), loaded and checked once:
  // every key known, every plugin section an output plugin whose schema
  // accepts its options. Throws Error(config).
  std::shared_ptr<const Profile> profile(const ReportEntry* entry);

  // The entry's profile and settings, and (with_outputs) its outputs created
  // and their options resolved and checked. Entries that name the same
  // profile and outputs share one (most take the manifest's), so memory does
  // not grow with their number. Throws Error: config for profiles and
  // options, unavailable for a plugin that cannot be loaded.
  std::shared_ptr<const EntryConfig> resolve(const ReportEntry* entry, bool with_outputs = true);

  // A manifest-level output (summary:), with the build profile's options.
  ResolvedOutput resolve_summary(const PluginUse& use);

 private:
  ResolvedOutput output(const PluginUse& use, const Profile& profile);

  const Manifest& manifest_;
  PluginHost& host_;
  std::map<std::string, std::shared_ptr<const Profile>> profiles_;  // by name as written
  std::set<std::string> checked_;                                    // plugin + options already checked
  std::map<std::string, std::shared_ptr<const EntryConfig>> resolved_;  // by profile and outputs as written
};

}  // namespace nianbao
