#include <nianbao/compose.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/text.hpp>
#include <nianbao/yaml_source.hpp>

#include <set>

namespace nianbao {

namespace fs = std::filesystem;

namespace {

PluginUse plugin_use(const YamlFile& f, const YAML::Node& n, bool is_input, const fs::path& base) {
  PluginUse u;
  u.source = f.loc(n);
  if (n.IsScalar()) {
    if (is_input) f.fail(n, "an input needs a path: write {plugin: " + n.Scalar() + ", path: FILE}");
    u.plugin = n.Scalar();
    return u;
  }
  f.require_map(n, is_input ? "an input" : "an output");
  f.check_unique_keys(n);
  if (!n["plugin"]) f.fail(n, std::string(is_input ? "an input" : "an output") + " needs 'plugin'");
  u.plugin = f.string(n["plugin"], "plugin");
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string k = scalar_or_empty(it->first);
    if (k == "plugin") continue;
    if (is_input && k == "path") {
      std::string p = f.string(it->second, "path");
      if (p.empty()) f.fail(it->second, "path is empty");
      u.path = (base / p).lexically_normal();
      u.display_path = display_path(u.path);
      continue;
    }
    if (!it->second.IsScalar())
      f.fail(it->second, "option '" + k + "' of plugin '" + u.plugin + "' must be a single value");
    u.options[k] = RawOption{it->second.Scalar(), f.loc(it->second)};
  }
  if (is_input && u.path.empty()) f.fail(n, "an input needs 'path'");
  return u;
}

std::vector<PluginUse> plugin_list(const YamlFile& f, const YAML::Node& n, bool is_input, const fs::path& base) {
  f.require_seq(n, is_input ? "inputs" : "outputs");
  std::vector<PluginUse> out;
  for (const auto& e : n) out.push_back(plugin_use(f, e, is_input, base));
  return out;
}

}  // namespace

Manifest Manifest::load(const fs::path& file) {
  Manifest m;
  m.display = file.string();
  m.profile_source = SourceLoc{m.display};
  m.file = fs::absolute(file).lexically_normal();
  m.base_dir = m.file.parent_path();
  YamlFile f = YamlFile::load(file, m.display, ExitCode::config);
  const YAML::Node& root = f.root();
  f.check_keys(root, {"form", "profile", "output_dir", "state_dir", "plugin_dirs", "outputs", "summary", "build_date", "previous",
                      "reports"},
               "the manifest");

  if (!root["form"]) f.fail(root, "the manifest needs 'form' (for example: form: gov-info-disclosure-2021)");
  m.form = f.string(root["form"], "form");
  m.form_source = f.loc(root["form"]);
  m.output_dir = (m.base_dir / (root["output_dir"] ? f.string(root["output_dir"], "output_dir") : "out")).lexically_normal();
  m.state_dir = (m.base_dir / (root["state_dir"] ? f.string(root["state_dir"], "state_dir") : ".nianbao")).lexically_normal();
  if (root["plugin_dirs"]) {
    f.require_seq(root["plugin_dirs"], "plugin_dirs");
    for (const auto& d : root["plugin_dirs"]) m.plugin_dirs.push_back((m.base_dir / f.string(d, "plugin_dirs")).lexically_normal());
  }
  if (root["profile"]) {
    m.profile = f.string(root["profile"], "profile");
    m.profile_source = f.loc(root["profile"]);
    if (m.profile.empty()) f.fail(root["profile"], "profile is empty: name one (default) or give a file");
  }
  if (root["outputs"]) {
    m.outputs = plugin_list(f, root["outputs"], false, m.base_dir);
    m.has_outputs = true;
  }

  if (root["summary"]) m.summary = plugin_list(f, root["summary"], false, m.base_dir);
  if (root["build_date"]) {
    m.build_date = f.string(root["build_date"], "build_date");
    int y, mo, d;
    if (!parse_iso_date(m.build_date, y, mo, d)) f.fail(root["build_date"], "build_date must be a date written YYYY-MM-DD");
  }
  if (root["previous"]) {
    std::string p = f.string(root["previous"], "previous");
    if (p.empty()) f.fail(root["previous"], "previous is empty: name last year's manifest (previous: ../2023/manifest.yaml)");
    m.previous = (m.base_dir / p).lexically_normal();
    m.previous_source = f.loc(root["previous"]);
    if (m.previous == m.file) f.fail(root["previous"], "previous names this manifest itself: name last year's");
    // The one path a manifest may lead out of its folder with (last year's
    // folder is a sibling): only to another manifest, whose own reads stay in its folder.
    const auto ext = m.previous.extension();
    if (ext != ".yaml" && ext != ".yml")
      f.fail(root["previous"], "previous must name last year's manifest, a .yaml file (previous: ../2023/manifest.yaml)");
  }
  if (!root["reports"]) f.fail(root, "the manifest needs 'reports'");
  f.require_seq(root["reports"], "reports");
  std::set<std::string> ids;
  for (const auto& r : root["reports"]) {
    f.check_keys(r, {"id", "profile", "inputs", "outputs", "previous", "previous_id", "rollup"}, "a report");
    ReportEntry e;
    e.source = f.loc(r);
    if (!r["id"]) f.fail(r, "a report needs 'id'");
    e.id = f.string(r["id"], "id");
    if (e.id.empty() || e.id.find_first_of("/\\") != std::string::npos || e.id == "." || e.id == "..")
      f.fail(r["id"], "a report id must be a plain name (no '/' or '\\')");
    if (!ids.insert(e.id).second) f.fail(r["id"], "report id '" + e.id + "' is used twice");
    if (!r["inputs"]) f.fail(r, "report '" + e.id + "' needs 'inputs'");
    e.inputs = plugin_list(f, r["inputs"], true, m.base_dir);
    if (e.inputs.empty()) f.fail(r["inputs"], "report '" + e.id + "' has no inputs");
    if (r["outputs"]) {
      e.outputs = plugin_list(f, r["outputs"], false, m.base_dir);
      e.has_outputs = true;
    }
    if (r["previous"]) {
      e.previous = plugin_list(f, r["previous"], true, m.base_dir);
      if (e.previous.empty()) f.fail(r["previous"], "previous has no inputs: leave it out, or list last year's inputs");
    }
    if (const YAML::Node pid = r["previous_id"]) {
      e.previous_id_source = f.loc(pid);
      if (pid.IsMap()) {
        f.check_unique_keys(pid);
        for (auto it = pid.begin(); it != pid.end(); ++it)
          e.previous_ids[f.string(it->first, "agency")] = f.string(it->second, "previous_id");
      } else {
        e.previous_id = f.string(pid, "previous_id");
        if (e.previous_id.empty()) f.fail(pid, "previous_id is empty");
      }
    }
    if (const YAML::Node ru = r["rollup"]) {
      e.is_rollup = true;
      e.rollup_source = f.loc(ru);
      auto list = [&](const YAML::Node& n, const std::string& what) {
        std::vector<std::string> out;
        if (n.IsScalar()) return std::vector<std::string>{f.string(n, what)};
        f.require_seq(n, what);
        for (const auto& x : n) out.push_back(f.string(x, what));
        return out;
      };
      if (ru.IsSequence()) {
        e.rollup_ids = list(ru, "rollup");
      } else {
        f.require_map(ru, "rollup");
        f.check_keys(ru, {"reports", "kinds", "regions"}, "rollup");
        if (ru["reports"]) e.rollup_ids = list(ru["reports"], "reports");
        if (ru["kinds"]) e.rollup_kinds = list(ru["kinds"], "kinds");
        if (ru["regions"]) e.rollup_regions = list(ru["regions"], "regions");
      }
      if (e.rollup_ids.empty() && e.rollup_kinds.empty() && e.rollup_regions.empty())
        f.fail(ru, "rollup names no members: list report ids, or {kinds: [township]}, or {regions: [...]}");
      for (const auto& id : e.rollup_ids)
        if (id == e.id) f.fail(ru, "report '" + e.id + "' cannot be a member of its own rollup");
    }
    if (r["profile"]) {
      e.profile = f.string(r["profile"], "profile");
      e.profile_source = f.loc(r["profile"]);
      if (e.profile.empty()) f.fail(r["profile"], "profile is empty: name one (default) or give a file");
    }
    m.reports.push_back(std::move(e));
  }
  return m;
}

Options resolve_options(const std::string& plugin, const std::vector<OptionSpec>& schema, const PluginUse& use,
                        const std::map<std::string, RawOption>& base) {
  Options o = Options::defaults(schema);
  std::vector<std::string> names;
  for (const auto& s : schema) names.push_back(s.name);
  std::map<std::string, RawOption> written = base;
  for (const auto& [k, raw] : use.options) written[k] = raw;
  for (const auto& [k, raw] : written) {
    auto spec = std::find_if(schema.begin(), schema.end(), [&, name = k](const OptionSpec& s) { return s.name == name; });
    if (spec == schema.end())
      throw Error(ExitCode::config,
                  "plugin '" + plugin + "' has no option '" + k + "'" + did_you_mean(k, names) +
                      (names.empty() ? " (it takes no options)" : " (its options: " + join(names, ", ") + ")"),
                  raw.source);
    o.set(k, Options::parse_value(*spec, raw.text, raw.source));
  }
  return o;
}

}  // namespace nianbao
