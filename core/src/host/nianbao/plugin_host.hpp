// The plugin host: finds, checks and loads plugins with Boost.DLL.
//
// Usage:
//   PluginHost host({exe_plugin_dir});
//   std::shared_ptr<OutputPlugin> text = host.create_output("text");  // throws Error (see info())
//   for (auto& p : host.discover().plugins) …                          // nianbao plugins
// A plugin is the file nianbao-<kind>-<name>.so in one of the directories.
// Before any plugin code runs the host reads the file's symbol table: the entry
// symbol must be nianbao_plugin_v<ABI>. It then loads with RTLD_NOW|RTLD_LOCAL
// (an unresolved symbol fails here, not at first call) and checks the
// descriptor's ABI version, size, kind and name. Created objects keep their
// library loaded until they are destroyed.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/options.hpp>
#include <nianbao/plugin.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace boost::dll { class shared_library; }

namespace nianbao {

enum class PluginKind { input, output };
NIANBAO_API const char* to_string(PluginKind k);

struct PluginInfo {
  std::filesystem::path file;
  PluginKind kind = PluginKind::input;
  std::string name;
  std::string version;
  std::string description;
  std::vector<OptionSpec> options;
  bool writes_summary = false;  // output plugins: OutputPlugin::writes_summary()
};

// Where plugin code runs when the host loads and checks a plugin. A build
// uses `child`: each plugin is first loaded, described and checked in a
// child process, so that one that crashes or hangs there is refused instead
// of taking the build down; the build process itself never maps it (its
// forked workers do, to read and write reports). Tests and the benchmark
// load in process.
enum class PluginIsolation { in_process, child };

struct PluginListing {
  std::vector<PluginInfo> plugins;
  std::vector<std::pair<std::filesystem::path, std::string>> refused;  // file, reason
};

class NIANBAO_API PluginHost {
 public:
  explicit PluginHost(std::vector<std::filesystem::path> dirs, PluginIsolation isolation = PluginIsolation::in_process);
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  const std::vector<std::filesystem::path>& dirs() const { return dirs_; }

  // Loads (once) and describes the plugin. A name no plugin directory has is a
  // configuration error (ExitCode::config) at `named_at`, the place that wrote
  // it, with a "did you mean"; a plugin file that is there but refused (wrong
  // ABI, damaged, create fails) is ExitCode::unavailable naming the file.
  const PluginInfo& info(PluginKind kind, const std::string& name, const SourceLoc& named_at = {});
  std::shared_ptr<InputPlugin> create_input(const std::string& name, const SourceLoc& named_at = {});
  std::shared_ptr<OutputPlugin> create_output(const std::string& name, const SourceLoc& named_at = {});
  // OutputPlugin::check(options), in a child process when isolated: throws the
  // plugin's Error (config at the option), or Error(software) when it crashed.
  void check_output(const std::string& name, const Options& options, const SourceLoc& named_at = {});

  // Loads a plugin from an explicit file (tests, and `nianbao plugins`).
  const PluginInfo& load_file(const std::filesystem::path& file);

  // Every nianbao-*.so in the directories: the good ones and, for each wrong
  // one, why it was refused. Loads each (in a child process when isolated).
  PluginListing discover();
  // The names of the plugins of a kind the directories hold, by file name
  // alone: nothing is loaded (a profile's sections need only the names).
  std::vector<std::string> names(PluginKind kind) const;

 private:
  struct Loaded;
  static constexpr double kProbeSeconds = 60;
  const Loaded& load(PluginKind kind, const std::string& name, const SourceLoc& named_at);
  const Loaded& load_path(const std::filesystem::path& file, const PluginKind* kind, const std::string* name);
  static void load_here(const std::filesystem::path& file, Loaded& l);
  void probe(const std::filesystem::path& file, Loaded& l);
  const Loaded& mapped(const Loaded& l);
  bool isolated() const;
  void* create_raw(const Loaded& l);

  std::vector<std::filesystem::path> dirs_;
  PluginIsolation isolation_;
  int owner_pid_;
  std::map<std::string, std::shared_ptr<Loaded>> loaded_;  // by canonical file path
};

// The directory holding the running executable.
NIANBAO_API std::filesystem::path executable_dir();
// Default plugin and data directories, relative to the executable.
NIANBAO_API std::filesystem::path default_plugin_dir();
NIANBAO_API std::filesystem::path default_data_dir();

}  // namespace nianbao
