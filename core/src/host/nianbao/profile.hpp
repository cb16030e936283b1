// Profiles: a county's format (config/profiles/*.yaml) — the title, file name,
// opening paragraph and 落款 templates, tables inline or as 附表, contact
// defaults, the outputs it publishes, and each output plugin's options under
// the plugin's name.
//
// Usage:
//   Profile p = Profile::load("lushi", manifest.base_dir, manifest.profile_source);
//   p.check_sections(host_output_plugin_names);   // `pfd:` → did you mean 'pdf'?
//   DocumentSettings d = p.document_settings();
//   std::map<std::string, RawOption> pdf = p.plugin_options("pdf");
// A profile may `extends:` another (a built-in name, or a path relative to
// the profile's file); values merge key by key, the extending file winning,
// and every value remembers the file:line:column that set it.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/error.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/options.hpp>
#include <nianbao/report.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace nianbao {

// One merged value. Lists (outputs) keep their items.
struct ProfileValue {
  std::string text;
  std::vector<std::string> items;
  bool is_list = false;
  SourceLoc source;
};

// A text with {field} placeholders, checked when the profile is loaded.
struct Template {
  std::string text;
  SourceLoc source;
  std::string key;  // document.title, for messages
};

enum class TablePlacement { inline_, appendix };
enum class SignatureMode { automatic, always, never };
enum class DateFormat { arabic, chinese, iso };

// The core's part of a profile (its `document:` and `contact:` keys).
struct DocumentSettings {
  Template title, file_name, preface, signature_name;
  TablePlacement tables = TablePlacement::inline_;
  Template appendix_label;  // "附表{n}"
  SignatureMode signature = SignatureMode::automatic;
  DateFormat date_format = DateFormat::arabic;
  std::map<std::string, Text> contact;  // county-wide defaults for {contact.*}
};

struct NIANBAO_API Profile {
  std::string name;                          // as the manifest named it
  std::vector<std::string> files;            // the chain as displayed: this profile first, then what it extends
  std::map<std::string, ProfileValue> values;  // flattened keys: document.title, contact.phone, pdf.body_font, outputs
  std::map<std::string, SourceLoc> sections;   // each top-level key, where it was first written

  // Throws Error(config) for a missing profile, an unknown key (with a
  // suggestion), a wrong type, a template naming an unknown field, or a
  // circle of `extends:`.
  static Profile load(const std::string& name_or_path, const std::filesystem::path& base_dir, const SourceLoc& where);

  const ProfileValue* find(const std::string& key) const;
  // Top-level keys that are not core settings: output plugin sections.
  std::vector<std::string> plugin_sections() const;
  // Refuses a plugin section that names no output plugin (did you mean).
  void check_sections(const std::vector<std::string>& output_plugins) const;
  // The options written under `plugin:`, with where each was written.
  std::map<std::string, RawOption> plugin_options(const std::string& plugin) const;
  // The outputs the profile publishes (empty when it names none).
  std::vector<PluginUse> outputs() const;
  DocumentSettings document_settings() const;
};

// The core keys a profile understands (document.*, contact.*, outputs…),
// with their types and defaults: drives validation, print-merged and docs.
NIANBAO_API const std::vector<OptionSpec>& profile_schema();

// The fields a template may use; `title` is not allowed in the title itself.
NIANBAO_API std::vector<std::string> template_fields();
// Throws Error(config) at the template when it names an unknown field or
// has an unclosed brace.
NIANBAO_API void check_template(const Template& t);
// Fills a template. A field without a value (a contact the data and the
// profile both leave empty) is Error(data) naming the field in Chinese.
NIANBAO_API std::string expand_template(const Template& t, const std::map<std::string, std::string>& fields,
                                        const std::string& where);

// Finds a profile by built-in name (<data dir>/config/profiles/<name>.yaml)
// or by a path relative to `base_dir`.
NIANBAO_API std::filesystem::path locate_profile(const std::string& name_or_path, const std::filesystem::path& base_dir,
                                                 const SourceLoc& where);

}  // namespace nianbao
