#include <nianbao/build_config.hpp>
#include <nianbao/text.hpp>

namespace nianbao {

BuildConfig::BuildConfig(const Manifest& manifest, PluginHost& host) : manifest_(manifest), host_(host) {}

std::shared_ptr<const Profile> BuildConfig::profile(const ReportEntry* entry) {
  bool own = entry && !entry->profile.empty();
  const std::string& name = own ? entry->profile : manifest_.profile;
  auto it = profiles_.find(name);
  if (it != profiles_.end()) return it->second;
  SourceLoc where = own ? entry->profile_source : manifest_.profile_source;
  auto p = std::make_shared<Profile>(Profile::load(name, manifest_.base_dir, where));
  // Every plugin section must name an output plugin, and its options must
  // suit that plugin, even when this build does not publish it.
  // The names by file: probing every installed plugin (each in a child
  // process) only to learn them was most of a one-report build's start-up.
  const std::vector<std::string> outputs = host_.names(PluginKind::output);
  // A section whose plugin file is there but refused (damaged, another ABI)
  // is the installation's fault (69, naming the file), not the profile's.
  for (const auto& section : p->plugin_sections()) try {
      host_.info(PluginKind::output, section, p->sections.at(section));
    } catch (const Error& e) {
      if (e.code() != ExitCode::config) throw;
    }
  p->check_sections(outputs);
  for (const auto& section : p->plugin_sections())
    resolve_options(section, host_.info(PluginKind::output, section).options, PluginUse{}, p->plugin_options(section));
  return profiles_[name] = p;
}

ResolvedOutput BuildConfig::output(const PluginUse& use, const Profile& profile) {
  ResolvedOutput r;
  r.use = use;
  r.options = resolve_options(use.plugin, host_.info(PluginKind::output, use.plugin, use.source).options, use,
                              profile.plugin_options(use.plugin));
  std::string key = use.plugin;
  for (const auto& [k, v] : r.options.all()) key += "\n" + k + "=" + v.text;
  if (checked_.insert(key).second) {
    try {
      host_.check_output(use.plugin, r.options, use.source);  // in a child process: plugin code
    } catch (...) {
      checked_.erase(key);
      throw;
    }
  }
  return r;
}

std::shared_ptr<const EntryConfig> BuildConfig::resolve(const ReportEntry* entry, bool with_outputs) {
  bool own_profile = entry && !entry->profile.empty();
  const char* from = entry && entry->has_outputs ? "report" : manifest_.has_outputs ? "manifest" : "profile";
  const std::vector<PluginUse>* uses = entry && entry->has_outputs ? &entry->outputs
                                       : manifest_.has_outputs     ? &manifest_.outputs
                                                                   : nullptr;
  std::string key = (own_profile ? entry->profile : manifest_.profile) + "\n" + from + (with_outputs ? "+" : "-");
  if (uses)
    for (const auto& u : *uses) {
      key += "\n" + u.plugin;
      for (const auto& [k, v] : u.options) key += " " + k + "=" + v.text + "@" + v.source.str();
    }
  if (auto it = resolved_.find(key); it != resolved_.end()) return it->second;

  auto c = std::make_shared<EntryConfig>();
  c->profile = profile(entry);
  c->document = c->profile->document_settings();
  if (with_outputs)
    for (const auto& u : uses ? *uses : c->profile->outputs()) c->outputs.push_back(output(u, *c->profile));
  return resolved_[key] = c;
}

ResolvedOutput BuildConfig::resolve_summary(const PluginUse& use) {
  std::shared_ptr<const Profile> p = profile(nullptr);
  ResolvedOutput r = output(use, *p);
  if (!host_.info(PluginKind::output, use.plugin, use.source).writes_summary)
    throw Error(ExitCode::config, "output plugin '" + use.plugin + "' writes no summary for a whole build", use.source);
  return r;
}

}  // namespace nianbao
