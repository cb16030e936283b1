// The plugin SDK: what a plugin implements and the one symbol it exports.
//
// Usage (a whole output plugin):
//   #include <nianbao/plugin.hpp>
//   class Html : public nianbao::OutputPlugin {
//     void write(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) override {
//       std::ofstream out(files.create(rq.doc.file_stem + ".html")); …
//     }
//   };
//   static const nianbao_option_spec kOptions[] = {
//     {"title_size", "integer", "22", nullptr, "title size in pt"}};
//   NIANBAO_OUTPUT_PLUGIN(Html, "html", "1.0.0", "HTML for the county portal", kOptions)
// Build it with nianbao_add_plugin() (cmake/NianbaoPlugin.cmake). The host reads
// the descriptor's ABI version and size before it calls any plugin function.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/findings.hpp>
#include <nianbao/document.hpp>
#include <nianbao/form.hpp>
#include <nianbao/options.hpp>
#include <nianbao/report.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Bump on any change to this header's types or the descriptor layout. The
// entry symbol's name carries it, so a plugin for another ABI is recognised
// (and named) without running any of its code.
// 2: OutputPlugin::write_summary; 3: check(), Attachment, Report::contact;
// 4: InputRequest::files (files an input refers to, read through the core);
// 5: SummaryEntry::files (what each report published, for an index);
//    no Form in OutputRequest or SummaryRequest — their data comes prepared
//    (Document::form, kind_label, cell_labels; SummaryRequest::columns, kinds, roster).
#define NIANBAO_PLUGIN_ABI_VERSION 5
#define NIANBAO_PLUGIN_SYMBOL_PREFIX "nianbao_plugin_v"
#define NIANBAO_CAT_(a, b) a##b
#define NIANBAO_CAT(a, b) NIANBAO_CAT_(a, b)
#define NIANBAO_PLUGIN_SYMBOL NIANBAO_CAT(nianbao_plugin_v, NIANBAO_PLUGIN_ABI_VERSION)

extern "C" {
enum nianbao_plugin_kind : std::uint32_t { nianbao_kind_input = 1, nianbao_kind_output = 2 };

struct nianbao_option_spec {
  const char* name;
  const char* type;           // string | integer | number | boolean | choice | path
  const char* default_value;  // YAML scalar text, or nullptr
  const char* choices;        // choice: "lf|crlf"
  const char* help;
};

struct nianbao_plugin_descriptor {
  std::uint32_t abi_version;      // NIANBAO_PLUGIN_ABI_VERSION the plugin was built with
  std::uint32_t descriptor_size;  // sizeof(nianbao_plugin_descriptor) it was built with
  std::uint32_t kind;             // nianbao_plugin_kind
  const char* name;
  const char* version;
  const char* description;
  const nianbao_option_spec* options;
  std::uint32_t option_count;
  // Returns a new nianbao::InputPlugin* or nianbao::OutputPlugin* (by kind).
  void* (*create)();
  void (*destroy)(void*);
};
}

namespace nianbao {

// A file an input refers to, as the core read it.
struct DataFile {
  std::string bytes;
  std::string display_path;  // as positions in it should name it
};

// The files an input refers to (a roster's text cells). The core reads them
// only inside the manifest's folder, after links, and counts each one among
// the report's inputs, so editing it rebuilds the report.
class NIANBAO_API InputFiles {
 public:
  virtual ~InputFiles();
  // `name` as the input wrote it, relative to the input's own folder. Throws
  // Error(data) at `named_at` for a path that leaves the manifest's folder
  // (absolute, ../ or a link out), Error(no_input) for a missing file.
  virtual DataFile read(const std::string& name, const SourceLoc& named_at) = 0;
};

struct InputRequest {
  std::filesystem::path path;  // absolute
  std::string display_path;    // as errors should name it
  const Form& form;
  const Options& options;
  InputFiles& files;           // for the files the input refers to
};

// Reads one input. Most inputs yield one (partial) report; a roster yields one
// per agency. Errors are thrown as nianbao::Error with the file position.
class NIANBAO_API InputPlugin {
 public:
  virtual ~InputPlugin();
  virtual std::vector<Report> read(const InputRequest& rq) = 0;
};

// Hands out the files an output writes. The core commits them all (rename
// into place) only when the whole report succeeded.
class NIANBAO_API OutputFiles {
 public:
  virtual ~OutputFiles();
  // A path to write `file_name` to; the name is checked to stay inside the
  // output directory.
  virtual std::filesystem::path create(const std::string& file_name) = 0;
};

// Writes `bytes` to a file OutputFiles::create handed out, every write
// checked: a full disk throws Error(cant_create) and the report publishes
// nothing. Plugins that build their file in memory write it with this.
NIANBAO_API void write_bytes(const std::filesystem::path& file, std::string_view bytes);

// What an output renders: the Document (laid out for any format, with the
// labels and the report's own fields prepared) and the checks' findings. The
// Report is there for outputs that export the data itself, each cell with
// its provenance (json); no output needs the form.
struct OutputRequest {
  const Document& doc;
  const std::vector<Finding>& findings;
  const Options& options;
  const Report& report;
};

// A column of a roster workbook (`nianbao template --roster`): what the
// header row says, and whether it takes a number (a table cell) or text.
struct RosterColumn {
  std::string key;    // agency, text.overview, applications.new_received.natural_person
  std::string label;  // 单位名称, 一、总体情况, 三、… · 一、… · 自然人
  bool cell = false;  // a table cell: a number
};

// One report of a build, as a manifest-level output (the county workbook) sees it.
struct SummaryEntry {
  std::string id;
  std::string agency;
  std::string kind;        // kind key (township); kind_label its name (乡镇人民政府)
  std::string kind_label;
  int year = 0;
  std::string phone;  // the agency's telephone, to call about what is wrong
  ExitCode status = ExitCode::ok;  // ok, data (a rule failed) or why the report could not be built
  std::string error;               // why it could not be built, when it could not
  std::vector<Finding> findings;
  std::vector<std::optional<Decimal>> values;  // one per form.summary column; nullopt when not all filled
  std::vector<std::optional<Decimal>> last_values;  // the same of last year's report; empty without one
  std::vector<std::string> files;  // what the report published, as names in the output folder (an index links them)
};

// A whole build, prepared from the form so that no output reads it.
struct SummaryRequest {
  const std::vector<SummaryEntry>& entries;  // in manifest order
  const Options& options;
  std::string date;  // ISO date for document properties (SOURCE_DATE_EPOCH, build_date, or from the data)
  std::vector<std::string> columns;  // the key totals' names (新收申请…), as SummaryEntry::values holds them
  std::vector<std::string> kinds;    // kind keys in the form's order (a county lists townships first)
  std::vector<RosterColumn> roster;  // a roster workbook's columns, in order
};

class NIANBAO_API OutputPlugin {
 public:
  virtual ~OutputPlugin();
  // Checks options beyond their types before any report is built (a font
  // file that is missing or cannot be embedded). Throws Error(config) at the
  // option's source (options.get(name).source).
  virtual void check(const Options& options) { (void)options; }
  virtual void write(const OutputRequest& rq, OutputFiles& files) = 0;
  // A plugin that can also write one file for the whole build (manifest
  // `summary:`) says so here and implements write_summary.
  virtual bool writes_summary() const { return false; }
  virtual void write_summary(const SummaryRequest& rq, OutputFiles& files);
};

namespace detail {
template <std::size_t N>
constexpr std::uint32_t option_count(const nianbao_option_spec (&)[N]) { return N; }
constexpr std::uint32_t option_count(std::nullptr_t) { return 0; }
}  // namespace detail

}  // namespace nianbao

// Options: a static array of nianbao_option_spec, or nullptr for none.
#define NIANBAO_DEFINE_PLUGIN_(Class, Base, Kind, Name, Version, Description, Options)       \
  extern "C" __attribute__((visibility("default")))                                        \
  const nianbao_plugin_descriptor NIANBAO_PLUGIN_SYMBOL = {                                \
      NIANBAO_PLUGIN_ABI_VERSION,                                                          \
      sizeof(nianbao_plugin_descriptor),                                                   \
      Kind,                                                                                \
      Name,                                                                                \
      Version,                                                                             \
      Description,                                                                         \
      Options,                                                                             \
      nianbao::detail::option_count(Options),                                              \
      []() -> void* { return static_cast<Base*>(new Class()); },                           \
      [](void* p) { delete static_cast<Base*>(p); }};

#define NIANBAO_INPUT_PLUGIN(Class, Name, Version, Description, Options) \
  NIANBAO_DEFINE_PLUGIN_(Class, nianbao::InputPlugin, nianbao_kind_input, Name, Version, Description, Options)
#define NIANBAO_OUTPUT_PLUGIN(Class, Name, Version, Description, Options) \
  NIANBAO_DEFINE_PLUGIN_(Class, nianbao::OutputPlugin, nianbao_kind_output, Name, Version, Description, Options)
