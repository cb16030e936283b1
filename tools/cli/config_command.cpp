// `nianbao config MANIFEST --print-merged [--report ID]`: the effective
// profile of a build or of one report, as YAML a county can copy into a
// profile, each value followed by where it came from.
#include "config_command.hpp"

#include <nianbao/build_config.hpp>
#include <nianbao/text.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <set>

namespace nianbao::cli {

namespace {

// A YAML scalar: plain when that reads back as the same string, else double-quoted.
std::string yaml_scalar(const std::string& s) {
  bool plain = !s.empty() && s.find_first_of(":#{}[],&*!|>'\"%@`\n\\") == std::string::npos && s.front() != ' ' &&
               s.back() != ' ' && s.front() != '-' && s.front() != '?' && s != "~" && s != "null" && s != "true" &&
               s != "false" && s != "yes" && s != "no";
  if (plain) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out + "\"";
}

std::string origin(const SourceLoc& at) { return at.known() ? at.str() : "default"; }

void print_value(std::string& out, int indent, const std::string& key, const std::string& value, const std::string& from,
                 bool is_string = true) {
  out += fmt::format("{}{}: {}  # {}\n", std::string(static_cast<std::size_t>(indent), ' '), key,
                     is_string || value.empty() ? yaml_scalar(value) : value, from);
}

// The core's settings under `prefix` (document, contact), from the profile or the schema.
void print_core_section(std::string& out, const Profile& p, const std::string& prefix) {
  out += prefix + ":\n";
  for (const auto& spec : profile_schema()) {
    if (spec.name.rfind(prefix + ".", 0) != 0) continue;
    const ProfileValue* v = p.find(spec.name);
    print_value(out, 2, spec.name.substr(prefix.size() + 1), v ? v->text : spec.default_value,
                v ? origin(v->source) : "default");
  }
}

}  // namespace

const ReportEntry* find_entry(const Manifest& m, const std::string& id) {
  for (const auto& e : m.reports)
    if (id == e.id || id.rfind(e.id + "/", 0) == 0) return &e;
  std::vector<std::string> ids;
  for (const auto& e : m.reports) ids.push_back(e.id);
  throw Error(ExitCode::usage, "no report '" + id + "' in " + m.display + did_you_mean(id, ids) + " (reports: " +
                                   join(ids, ", ") + "; a roster's reports go by their entry's id)");
}

std::string print_merged(const Manifest& m, PluginHost& host, const ReportEntry* entry) {
  BuildConfig config(m, host);
  const EntryConfig& c = *config.resolve(entry, true);
  const Profile& p = *c.profile;
  std::string out;
  out += fmt::format("# profile {}: {}\n", p.name, join(p.files, " → "));
  out += entry ? fmt::format("# report {} ({})\n", entry->id, entry->source.str())
               : fmt::format("# the whole build ({}); --report ID shows one report\n", m.display);
  if (const ProfileValue* d = p.find("description")) print_value(out, 0, "description", d->text, origin(d->source));

  std::vector<std::string> names;
  for (const auto& o : c.outputs) names.push_back(o.use.plugin);
  SourceLoc outputs_at = entry && entry->has_outputs ? (entry->outputs.empty() ? entry->source : entry->outputs.front().source)
                         : m.has_outputs && !m.outputs.empty() ? m.outputs.front().source
                         : p.find("outputs")         ? p.find("outputs")->source
                                                     : SourceLoc{};
  std::string outputs_from = entry && entry->has_outputs ? origin(outputs_at) + " (the report's outputs:)"
                             : m.has_outputs             ? origin(outputs_at) + " (the manifest's outputs:)"
                                                         : origin(outputs_at);
  out += fmt::format("outputs: [{}]  # {}\n", join(names, ", "), outputs_from);
  print_core_section(out, p, "document");
  print_core_section(out, p, "contact");

  // Each output's options as it will run; then the profile's sections for
  // plugins this build does not publish.
  std::set<std::string> shown;
  auto print_plugin = [&](const std::string& name, const Options& options) {
    const PluginInfo& info = host.info(PluginKind::output, name);
    out += fmt::format("{}:  # output plugin {} {}\n", name, name, info.version);
    for (const auto& spec : info.options) {
      const OptionValue& v = options.get(spec.name);
      bool is_string = spec.type == OptionType::string || spec.type == OptionType::path;
      print_value(out, 2, spec.name, v.text, v.from_default ? "default of plugin " + name : origin(v.source), is_string);
    }
  };
  for (const auto& o : c.outputs)
    if (shown.insert(o.use.plugin).second) print_plugin(o.use.plugin, o.options);
  for (const auto& section : p.plugin_sections())
    if (shown.insert(section).second) {
      out += "# not published by this build:\n";
      print_plugin(section, resolve_options(section, host.info(PluginKind::output, section).options, PluginUse{},
                                            p.plugin_options(section)));
    }
  return out;
}

}  // namespace nianbao::cli
