#include "config_lookup.hpp"

#include <nianbao/profile.hpp>
#include <nianbao/text.hpp>
#include <nianbao/yaml_source.hpp>

#include <algorithm>
#include <set>

namespace nianbao {

namespace fs = std::filesystem;

namespace {

// Keys of the core, besides document.* and contact.* from the schema.
const std::vector<std::string> kTopKeys = {"extends", "description", "document", "contact", "outputs"};

std::vector<OptionSpec> build_schema() {
  std::vector<OptionSpec> s = {
      {"description", OptionType::string, "", {}, "what this profile is for (shown by config --print-merged)"},
      {"extends", OptionType::string, "", {}, "the profile this one changes: a built-in name or a path relative to this file"},
      {"outputs", OptionType::string, "", {}, "the outputs this county publishes, e.g. [pdf, xlsx]; a manifest's outputs: win"},
      {"document.title", OptionType::string, "{agency}{year}年政府信息公开工作年度报告", {}, "the title (template)"},
      {"document.file_name", OptionType::string, "{title}", {}, "output file name without extension (template; made safe for file systems)"},
      {"document.tables", OptionType::choice, "inline", {"inline", "appendix"},
       "tables in their sections (inline) or as 附表 after the 落款, each on a new page (appendix)"},
      {"document.appendix_label", OptionType::string, "附表{n}", {}, "label of the n-th appended table (template with {n})"},
      {"document.preface", OptionType::string, "", {},
       "opening paragraph (template); empty: the report's own preface, if its data has one"},
      {"document.signature", OptionType::choice, "auto", {"auto", "always", "never"},
       "the 落款: auto (when the data gives one), always (the date defaults to the build date), never"},
      {"document.signature_name", OptionType::string, "{agency}", {}, "the 落款's name when the data gives none (template)"},
      {"document.date_format", OptionType::choice, "arabic", {"arabic", "chinese", "iso"},
       "dates in the text: arabic 2024年1月20日 (GB/T 9704), chinese 二〇二四年一月二十日, iso 2024-01-20"},
  };
  for (const auto& c : contact_fields())
    s.push_back({std::string("contact.") + c.key, OptionType::string, "", {},
                 std::string(c.label) + " for {contact." + c.key + "} when the report's data gives none"});
  return s;
}

const OptionSpec* spec_for(const std::string& key) {
  for (const auto& s : profile_schema())
    if (s.name == key) return &s;
  return nullptr;
}

std::vector<std::string> keys_under(const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& s : profile_schema())
    if (s.name.rfind(prefix + ".", 0) == 0) out.push_back(s.name.substr(prefix.size() + 1));
  return out;
}

bool is_template(const std::string& key) {
  return key == "document.title" || key == "document.file_name" || key == "document.preface" ||
         key == "document.signature_name" || key == "document.appendix_label";
}

std::vector<std::string> fields_for(const std::string& key) {
  if (key == "document.appendix_label") return {"n"};
  std::vector<std::string> f = template_fields();
  if (key == "document.title") f.erase(std::find(f.begin(), f.end(), "title"));
  return f;
}

const char* field_label(const std::string& f) {
  static const std::map<std::string, const char*> labels = {
      {"agency", "单位名称"}, {"year", "年度"},          {"next_year", "次年"},   {"region", "地区"},
      {"kind", "单位类型"},   {"kind_label", "单位类型名称"}, {"id", "报告编号"},      {"title", "标题"},
      {"date", "落款日期"},   {"n", "附表序号"}};
  if (auto it = labels.find(f); it != labels.end()) return it->second;
  for (const auto& c : contact_fields())
    if (f == std::string("contact.") + c.key) return c.label;
  return "";
}

class Loader {
 public:
  explicit Loader(Profile& p) : p_(p) {}

  void load(const fs::path& file) {
    if (std::find(stack_.begin(), stack_.end(), file) != stack_.end()) {
      std::vector<std::string> chain;
      for (const auto& f : stack_) chain.push_back(display_path(f));
      chain.push_back(display_path(file));
      throw Error(ExitCode::config, "profiles extend each other in a circle: " + join(chain, " → "));
    }
    stack_.push_back(file);
    std::string shown = display_path(file);
    p_.files.push_back(shown);
    YamlFile f = YamlFile::load(file, shown, ExitCode::config);
    const YAML::Node& root = f.root();
    if (root.IsNull()) {
      stack_.pop_back();
      return;  // an empty profile changes nothing
    }
    f.require_map(root, "a profile");
    f.check_unique_keys_deep(root);
    // The base first, so that this file's values override it key by key.
    if (const YAML::Node e = root["extends"]) {
      std::string base = f.string(e, "extends");
      if (base.empty()) f.fail(e, "extends is empty: name a profile (default) or a file");
      load(locate_profile(base, file.parent_path(), f.loc(e)));
    }
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string k = scalar_or_empty(it->first);
      p_.sections[k] = f.loc(it->first);
      const YAML::Node v = it->second;  // a copy: the iterator's value is a temporary
      if (k == "extends") continue;
      if (k == "description") {
        set(k, f.string(v, k), f.loc(v));
      } else if (k == "outputs") {
        outputs(f, v);
      } else if (k == "document" || k == "contact") {
        if (v.IsNull()) continue;
        f.require_map(v, k);
        f.check_keys(v, keys_under(k), k == "document" ? "the profile's document settings" : "the profile's contact details");
        for (auto kv = v.begin(); kv != v.end(); ++kv) {
          std::string key = k + "." + scalar_or_empty(kv->first);
          if (!kv->second.IsScalar() && !kv->second.IsNull()) f.fail(kv->second, key + " must be a single value");
          std::string text = kv->second.IsNull() ? "" : kv->second.Scalar();
          SourceLoc at = f.loc(kv->second);
          Options::parse_value(*spec_for(key), text, at);  // types and choices, with the position
          if (is_template(key)) check_template(Template{text, at, key});
          set(key, text, at);
        }
      } else {
        // A plugin's section: checked against the plugin's schema once the
        // plugins are known (check_sections, resolve_options).
        if (v.IsNull()) continue;
        if (!v.IsMap())
          f.fail(v, "'" + k + "' must be the options of output plugin '" + k + "' (key: value lines)" +
                        did_you_mean(k, kTopKeys));
        for (auto kv = v.begin(); kv != v.end(); ++kv) {
          std::string opt = scalar_or_empty(kv->first);
          if (!kv->second.IsScalar() && !kv->second.IsNull())
            f.fail(kv->second, "option '" + opt + "' of plugin '" + k + "' must be a single value");
          set(k + "." + opt, kv->second.IsNull() ? "" : kv->second.Scalar(), f.loc(kv->second));
        }
      }
    }
    stack_.pop_back();
  }

 private:
  void set(const std::string& key, std::string text, SourceLoc at) {
    ProfileValue& v = p_.values[key];
    v = ProfileValue{std::move(text), {}, false, std::move(at)};
  }

  void outputs(const YamlFile& f, const YAML::Node& v) {
    ProfileValue pv;
    pv.is_list = true;
    pv.source = f.loc(v);
    if (v.IsScalar()) {
      pv.items.push_back(v.Scalar());
    } else if (!v.IsNull()) {
      f.require_seq(v, "outputs");
      for (const auto& e : v) {
        if (!e.IsScalar()) f.fail(e, "an output in a profile is a plugin name (its options go under the plugin's own key)");
        pv.items.push_back(e.Scalar());
      }
    }
    pv.text = "[" + join(pv.items, ", ") + "]";
    p_.values["outputs"] = pv;
  }

  Profile& p_;
  std::vector<fs::path> stack_;
};

}  // namespace

const std::vector<OptionSpec>& profile_schema() {
  static const std::vector<OptionSpec> schema = build_schema();
  return schema;
}

std::vector<std::string> template_fields() {
  std::vector<std::string> f = {"agency", "year", "next_year", "region", "kind", "kind_label", "id", "title", "date"};
  for (const auto& c : contact_fields()) f.push_back(std::string("contact.") + c.key);
  return f;
}

void check_template(const Template& t) {
  std::vector<std::string> allowed = fields_for(t.key);
  for (std::size_t i = 0; i < t.text.size(); ++i) {
    if (t.text[i] == '}') throw Error(ExitCode::config, t.key + ": '}' without '{' in \"" + t.text + "\"", t.source);
    if (t.text[i] != '{') continue;
    auto close = t.text.find('}', i);
    if (close == std::string::npos) throw Error(ExitCode::config, t.key + ": unclosed '{' in \"" + t.text + "\"", t.source);
    std::string field = t.text.substr(i + 1, close - i - 1);
    if (std::find(allowed.begin(), allowed.end(), field) == allowed.end())
      throw Error(ExitCode::config,
                  t.key + ": unknown field {" + field + "}" + did_you_mean(field, allowed) + " (fields: {" +
                      join(allowed, "} {") + "})",
                  t.source);
    i = close;
  }
}

std::string expand_template(const Template& t, const std::map<std::string, std::string>& fields, const std::string& where) {
  check_template(t);
  std::string out;
  for (std::size_t i = 0; i < t.text.size(); ++i) {
    if (t.text[i] != '{') {
      out += t.text[i];
      continue;
    }
    auto close = t.text.find('}', i);
    std::string field = t.text.substr(i + 1, close - i - 1);
    auto it = fields.find(field);
    if (it == fields.end() || it->second.empty())
      throw Error(ExitCode::data,
                  "模板 " + t.key + "（" + t.source.str() + "）用到 {" + field + "}（" + field_label(field) +
                      "），但" + (field.rfind("contact.", 0) == 0 ? "本单位的数据和配置（profile 的 contact）都没有给出"
                                                                  : "本报告的数据没有给出"),
                  {where});
    out += it->second;
    i = close;
  }
  return out;
}

fs::path locate_profile(const std::string& name, const fs::path& base_dir, const SourceLoc& where) {
  return detail::locate_config(name, base_dir, "profiles", "profile", where);
}

Profile Profile::load(const std::string& name_or_path, const fs::path& base_dir, const SourceLoc& where) {
  Profile p;
  p.name = name_or_path;
  Loader(p).load(locate_profile(name_or_path, base_dir, where));
  return p;
}

const ProfileValue* Profile::find(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? nullptr : &it->second;
}

std::vector<std::string> Profile::plugin_sections() const {
  std::vector<std::string> out;
  for (const auto& [k, at] : sections)
    if (std::find(kTopKeys.begin(), kTopKeys.end(), k) == kTopKeys.end()) out.push_back(k);
  return out;
}

void Profile::check_sections(const std::vector<std::string>& output_plugins) const {
  std::vector<std::string> known = kTopKeys;
  known.insert(known.end(), output_plugins.begin(), output_plugins.end());
  for (const auto& k : plugin_sections())
    if (std::find(output_plugins.begin(), output_plugins.end(), k) == output_plugins.end())
      throw Error(ExitCode::config,
                  "profile key '" + k + "' is neither a setting nor an output plugin" + did_you_mean(k, known) +
                      " (settings: " + join(kTopKeys, ", ") + "; output plugins: " + join(output_plugins, ", ") + ")",
                  sections.at(k));
}

std::map<std::string, RawOption> Profile::plugin_options(const std::string& plugin) const {
  std::map<std::string, RawOption> out;
  std::string prefix = plugin + ".";
  for (auto it = values.lower_bound(prefix); it != values.end() && it->first.rfind(prefix, 0) == 0; ++it)
    out[it->first.substr(prefix.size())] = RawOption{it->second.text, it->second.source};
  return out;
}

std::vector<PluginUse> Profile::outputs() const {
  std::vector<PluginUse> out;
  if (const ProfileValue* v = find("outputs"))
    for (const auto& name : v->items) {
      PluginUse u;
      u.plugin = name;
      u.source = v->source;
      out.push_back(u);
    }
  return out;
}

DocumentSettings Profile::document_settings() const {
  auto get = [&](const std::string& key) {
    if (const ProfileValue* v = find(key)) return Template{v->text, v->source, key};
    return Template{spec_for(key)->default_value, SourceLoc{"(default)"}, key};
  };
  DocumentSettings d;
  d.title = get("document.title");
  d.file_name = get("document.file_name");
  d.preface = get("document.preface");
  d.signature_name = get("document.signature_name");
  d.appendix_label = get("document.appendix_label");
  d.tables = get("document.tables").text == "appendix" ? TablePlacement::appendix : TablePlacement::inline_;
  std::string sig = get("document.signature").text;
  d.signature = sig == "always" ? SignatureMode::always : sig == "never" ? SignatureMode::never : SignatureMode::automatic;
  std::string df = get("document.date_format").text;
  d.date_format = df == "chinese" ? DateFormat::chinese : df == "iso" ? DateFormat::iso : DateFormat::arabic;
  for (const auto& c : contact_fields())
    if (const ProfileValue* v = find(std::string("contact.") + c.key); v && !v->text.empty())
      d.contact[c.key] = Text{v->text, v->source};
  return d;
}

}  // namespace nianbao
