#include <nianbao/plugin_host.hpp>
#include <nianbao/text.hpp>
#include <nianbao_paths.hpp>

#include "build/workers.hpp"
#include "elf_symbols.hpp"
#include "result_json.hpp"

#include <boost/dll/shared_library.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <set>

namespace nianbao {

namespace fs = std::filesystem;

const char* to_string(PluginKind k) { return k == PluginKind::input ? "input" : "output"; }

struct PluginHost::Loaded {
  PluginInfo info;
  std::shared_ptr<boost::dll::shared_library> lib;
  const nianbao_plugin_descriptor* desc = nullptr;
  std::string refusal;  // non-empty: the plugin was refused for this reason
};

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

fs::path default_plugin_dir() { return (executable_dir() / NIANBAO_REL_PLUGINS).lexically_normal(); }
fs::path default_data_dir() { return (executable_dir() / NIANBAO_REL_DATA).lexically_normal(); }

PluginHost::PluginHost(std::vector<fs::path> dirs, PluginIsolation isolation)
    : dirs_(std::move(dirs)), isolation_(isolation), owner_pid_(::getpid()) {}
PluginHost::~PluginHost() = default;

static std::string file_name_for(PluginKind kind, const std::string& name) {
  return std::string("nianbao-") + to_string(kind) + "-" + name + ".so";
}

// Splits nianbao-<kind>-<name>.so; false for any other file name.
static bool parse_file_name(const fs::path& file, PluginKind& kind, std::string& name) {
  std::string f = file.filename().string();
  if (f.size() < 12 || f.rfind("nianbao-", 0) != 0 || f.substr(f.size() - 3) != ".so") return false;
  std::string rest = f.substr(8, f.size() - 11);
  for (PluginKind k : {PluginKind::input, PluginKind::output}) {
    std::string prefix = std::string(to_string(k)) + "-";
    if (rest.rfind(prefix, 0) == 0 && rest.size() > prefix.size()) {
      kind = k;
      name = rest.substr(prefix.size());
      return true;
    }
  }
  return false;
}

// Reads the descriptor's declarations into PluginInfo; "" when sound, else why not.
static std::string describe(const nianbao_plugin_descriptor& d, PluginInfo& info) {
  if (d.abi_version != NIANBAO_PLUGIN_ABI_VERSION)
    return "its descriptor says plugin ABI " + std::to_string(d.abi_version) + ", this nianbao loads ABI " +
           std::to_string(NIANBAO_PLUGIN_ABI_VERSION);
  if (d.descriptor_size < sizeof(nianbao_plugin_descriptor))
    return "its descriptor is " + std::to_string(d.descriptor_size) + " bytes, ABI " +
           std::to_string(NIANBAO_PLUGIN_ABI_VERSION) + " needs " + std::to_string(sizeof(nianbao_plugin_descriptor));
  if (d.kind != nianbao_kind_input && d.kind != nianbao_kind_output)
    return "its descriptor has an unknown kind " + std::to_string(d.kind);
  if (!d.name || !d.version || !d.create || !d.destroy) return "its descriptor lacks a name, version, create or destroy";
  if (d.option_count > 0 && !d.options) return "its descriptor declares options but gives none";
  info.kind = d.kind == nianbao_kind_input ? PluginKind::input : PluginKind::output;
  info.name = d.name;
  info.version = d.version;
  info.description = d.description ? d.description : "";
  std::set<std::string> seen;
  for (std::uint32_t i = 0; i < d.option_count; ++i) {
    const nianbao_option_spec& s = d.options[i];
    if (!s.name || !s.type) return "option " + std::to_string(i) + " has no name or type";
    OptionSpec o;
    o.name = s.name;
    if (!seen.insert(o.name).second) return "option '" + o.name + "' is declared twice";
    std::string type = s.type;
    if (type == "string") o.type = OptionType::string;
    else if (type == "integer") o.type = OptionType::integer;
    else if (type == "number") o.type = OptionType::number;
    else if (type == "boolean") o.type = OptionType::boolean;
    else if (type == "choice") o.type = OptionType::choice;
    else if (type == "path") o.type = OptionType::path;
    else return "option '" + o.name + "' has unknown type '" + type + "'";
    o.default_value = s.default_value ? s.default_value : "";
    o.help = s.help ? s.help : "";
    if (s.choices) {
      std::string c = s.choices;
      for (std::size_t p = 0; p <= c.size();) {
        std::size_t bar = std::min(c.find('|', p), c.size());
        o.choices.push_back(c.substr(p, bar - p));
        p = bar + 1;
      }
    }
    try {
      Options::parse_value(o, o.default_value, {});
    } catch (const Error& e) {
      return "the default of option '" + o.name + "' is invalid: " + e.message();
    }
    info.options.push_back(o);
  }
  return "";
}

void PluginHost::load_here(const fs::path& file, Loaded& l) {
  l.info.file = file;
  auto refuse = [&](const std::string& why) { l.refusal = why; };
  const std::string symbol = NIANBAO_PLUGIN_SYMBOL_PREFIX + std::to_string(NIANBAO_PLUGIN_ABI_VERSION);
  // 1. The symbol table, read from the file: no plugin code runs yet.
  std::vector<std::string> symbols;
  try {
    symbols = detail::elf_exported_symbols(file);
  } catch (const std::exception& e) {
    refuse(std::string("not a loadable shared library for this machine (") + e.what() + ")");
  }
  if (l.refusal.empty() && std::find(symbols.begin(), symbols.end(), symbol) == symbols.end()) {
    auto other = std::find_if(symbols.begin(), symbols.end(),
                              [](const std::string& s) { return s.rfind(NIANBAO_PLUGIN_SYMBOL_PREFIX, 0) == 0; });
    if (other != symbols.end())
      refuse("built for plugin ABI " + other->substr(sizeof(NIANBAO_PLUGIN_SYMBOL_PREFIX) - 1) +
             ", this nianbao loads ABI " + std::to_string(NIANBAO_PLUGIN_ABI_VERSION) +
             "; rebuild the plugin against this nianbao's headers");
    else
      refuse("exports no " + symbol + " entry point: not a nianbao plugin");
  }
  // 2. Load with every symbol resolved now, so a missing one fails here.
  if (l.refusal.empty()) {
    try {
      l.lib = std::make_shared<boost::dll::shared_library>(
          file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
      l.desc = &l.lib->get<const nianbao_plugin_descriptor>(symbol);
    } catch (const std::exception& e) {
      // Boost wraps the dlerror text in its own words and appends a stale
      // errno text; keep only what dlerror said, without the path.
      std::string what = e.what();
      const std::string tag = "dlerror system message: ";
      if (auto p = what.find(tag); p != std::string::npos) {
        what = what.substr(p + tag.size());
        if (auto close = what.rfind(')'); close != std::string::npos) what = what.substr(0, close);
        if (what.rfind(file.string() + ": ", 0) == 0) what = what.substr(file.string().size() + 2);
      }
      refuse("cannot be loaded: " + what);
      l.lib.reset();
    }
  }
  // 3. The descriptor's own declarations.
  if (l.refusal.empty()) {
    std::string why = describe(*l.desc, l.info);
    if (!why.empty()) refuse(why);
  }
  PluginKind fk;
  std::string fname;
  if (l.refusal.empty() && parse_file_name(file, fk, fname) && (fk != l.info.kind || fname != l.info.name))
    refuse(std::string("its file name says ") + to_string(fk) + " plugin '" + fname + "' but it declares " +
           to_string(l.info.kind) + " plugin '" + l.info.name + "'");
  // 4. What an output plugin offers beyond its descriptor. A plugin whose
  // create() fails is refused where it is created, for the reports that need it.
  if (l.refusal.empty() && l.info.kind == PluginKind::output) try {
      void* raw = l.desc->create();
      if (raw) {
        l.info.writes_summary = static_cast<OutputPlugin*>(raw)->writes_summary();
        l.desc->destroy(raw);
      }
    } catch (...) {
    }
  if (!l.refusal.empty()) {
    l.desc = nullptr;
    l.lib.reset();
  }
}

// The plugin loaded in a child process, which reports what it found: a
// plugin that crashes or hangs while loading (its static constructors run
// then) is refused, and the build process never maps it.
void PluginHost::probe(const fs::path& file, Loaded& l) {
  detail::WorkerFailure failure;
  auto text = detail::run_in_child(
      [&] {
        Loaded here;
        load_here(file, here);
        nlohmann::json options = nlohmann::json::array();
        for (const auto& o : here.info.options)
          options.push_back({{"name", o.name}, {"type", static_cast<int>(o.type)}, {"default", o.default_value},
                             {"choices", o.choices}, {"help", o.help}});
        return nlohmann::json{{"refusal", here.refusal},
                              {"kind", static_cast<int>(here.info.kind)},
                              {"name", here.info.name},
                              {"version", here.info.version},
                              {"description", here.info.description},
                              {"writes_summary", here.info.writes_summary},
                              {"options", options}}
            .dump();
      },
      kProbeSeconds, failure);
  l.info.file = file;
  if (!text) {
    l.refusal = failure.timed_out ? "did not finish loading within " + std::to_string(static_cast<int>(kProbeSeconds)) + " s"
                                  : detail::describe(failure) + " while being loaded";
    return;
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    l.refusal = "could not be described while being loaded";
    return;
  }
  l.refusal = j.value("refusal", "");
  l.info.kind = static_cast<PluginKind>(j.value("kind", 0));
  l.info.name = j.value("name", "");
  l.info.version = j.value("version", "");
  l.info.description = j.value("description", "");
  l.info.writes_summary = j.value("writes_summary", false);
  for (const auto& o : j.value("options", nlohmann::json::array())) {
    OptionSpec spec;
    spec.name = o.value("name", "");
    spec.type = static_cast<OptionType>(o.value("type", 0));
    spec.default_value = o.value("default", "");
    spec.choices = o.value("choices", std::vector<std::string>{});
    spec.help = o.value("help", "");
    l.info.options.push_back(std::move(spec));
  }
}

bool PluginHost::isolated() const { return isolation_ == PluginIsolation::child && ::getpid() == owner_pid_; }

const PluginHost::Loaded& PluginHost::load_path(const fs::path& file_in, const PluginKind* want_kind,
                                                const std::string* want_name) {
  std::error_code ec;
  fs::path file = fs::weakly_canonical(fs::absolute(file_in), ec);
  if (ec) file = fs::absolute(file_in);
  auto& slot = loaded_[file.string()];
  if (!slot) {
    slot = std::make_shared<Loaded>();
    if (isolated()) probe(file, *slot);
    else load_here(file, *slot);
  }
  const Loaded& l = *slot;
  if (!l.refusal.empty())
    throw Error(ExitCode::unavailable, "plugin refused: " + l.refusal, {l.info.file.string()});
  if (want_kind && (*want_kind != l.info.kind || *want_name != l.info.name))
    throw Error(ExitCode::unavailable, std::string("plugin refused: expected ") + to_string(*want_kind) + " plugin '" +
                                           *want_name + "'",
                {l.info.file.string()});
  return l;
}

// In this process: described by a probe (the build process) or not yet
// mapped (a worker forked from it): the library is loaded here now.
const PluginHost::Loaded& PluginHost::mapped(const Loaded& l) {
  if (l.lib) return l;
  Loaded here;
  load_here(l.info.file, here);
  if (!here.refusal.empty()) throw Error(ExitCode::unavailable, "plugin refused: " + here.refusal, {l.info.file.string()});
  Loaded& slot = *loaded_.at(l.info.file.string());  // the same entry: references to its info stay good
  slot.lib = here.lib;
  slot.desc = here.desc;
  return slot;
}

const PluginInfo& PluginHost::load_file(const fs::path& file) { return load_path(file, nullptr, nullptr).info; }

const PluginHost::Loaded& PluginHost::load(PluginKind kind, const std::string& name, const SourceLoc& named_at) {
  std::string file = file_name_for(kind, name);
  std::vector<std::string> searched;
  for (const auto& d : dirs_) {
    std::error_code ec;
    if (fs::is_regular_file(d / file, ec)) return load_path(d / file, &kind, &name);
    searched.push_back(d.string());
  }
  const std::vector<std::string> available = names(kind);
  // Nothing by that name is installed: the configuration names the wrong plugin
  // (a typo, most often), which no retry and no reinstall fixes.
  throw Error(ExitCode::config,
              std::string("no ") + to_string(kind) + " plugin '" + name + "'" + did_you_mean(name, available) +
                  " (looked for " + file + " in " + (searched.empty() ? "no directory" : join(searched, ", ")) +
                  "; available " + to_string(kind) + " plugins: " + (available.empty() ? "none" : join(available, ", ")) + ")",
              named_at);
}

const PluginInfo& PluginHost::info(PluginKind kind, const std::string& name, const SourceLoc& named_at) {
  return load(kind, name, named_at).info;
}

void* PluginHost::create_raw(const Loaded& l) {
  void* raw = nullptr;
  try {
    raw = l.desc->create();
  } catch (const std::exception& e) {
    throw Error(ExitCode::unavailable, "plugin '" + l.info.name + "' failed to start: " + e.what(), {l.info.file.string()});
  } catch (...) {
    throw Error(ExitCode::unavailable, "plugin '" + l.info.name + "' failed to start (unknown exception)", {l.info.file.string()});
  }
  if (!raw) throw Error(ExitCode::unavailable, "plugin '" + l.info.name + "' failed to start (create returned nothing)", {l.info.file.string()});
  return raw;
}

std::shared_ptr<InputPlugin> PluginHost::create_input(const std::string& name, const SourceLoc& named_at) {
  const Loaded& l = mapped(load(PluginKind::input, name, named_at));
  auto* p = static_cast<InputPlugin*>(create_raw(l));
  // The deleter holds the library: it stays loaded while the object lives.
  return std::shared_ptr<InputPlugin>(p, [lib = l.lib, destroy = l.desc->destroy](InputPlugin* q) { destroy(q); });
}

std::shared_ptr<OutputPlugin> PluginHost::create_output(const std::string& name, const SourceLoc& named_at) {
  const Loaded& l = mapped(load(PluginKind::output, name, named_at));
  auto* p = static_cast<OutputPlugin*>(create_raw(l));
  return std::shared_ptr<OutputPlugin>(p, [lib = l.lib, destroy = l.desc->destroy](OutputPlugin* q) { destroy(q); });
}

void PluginHost::check_output(const std::string& name, const Options& options, const SourceLoc& named_at) {
  const Loaded& l = load(PluginKind::output, name, named_at);
  auto run_check = [&]() -> nlohmann::json {
    try {
      create_output(name, named_at)->check(options);
      return {{"ok", true}};
    } catch (const Error& e) {
      return {{"ok", false}, {"code", static_cast<int>(e.code())}, {"message", e.message()}, {"where", detail::to_json(e.where())}};
    } catch (const std::exception& e) {
      return {{"ok", false},
              {"code", static_cast<int>(ExitCode::software)},
              {"message", "output plugin '" + name + "' failed checking its options: " + e.what()}};
    } catch (...) {
      return {{"ok", false},
              {"code", static_cast<int>(ExitCode::software)},
              {"message", "output plugin '" + name + "' threw something that is not an exception while checking its options"}};
    }
  };
  nlohmann::json j;
  if (!isolated()) {
    j = run_check();
  } else {
    detail::WorkerFailure failure;
    auto text = detail::run_in_child([&] { return run_check().dump(); }, kProbeSeconds, failure);
    if (!text)
      throw Error(ExitCode::software, "output plugin '" + name + "' " + detail::describe(failure) + " while checking its options",
                  {l.info.file.string()});
    j = nlohmann::json::parse(*text, nullptr, false);
  }
  if (j.is_object() && j.value("ok", false)) return;
  throw Error(static_cast<ExitCode>(j.value("code", 70)), j.value("message", "output plugin '" + name + "' failed checking its options"),
              detail::source_from_json(j.contains("where") ? j["where"] : nlohmann::json()));
}

std::vector<std::string> PluginHost::names(PluginKind kind) const {
  std::vector<std::string> out;
  for (const auto& d : dirs_) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(d, ec)) {
      PluginKind k;
      std::string n;
      if (parse_file_name(e.path(), k, n) && k == kind) out.push_back(n);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

PluginListing PluginHost::discover() {
  PluginListing out;
  std::set<std::string> names;  // kind/name: the first directory wins, as in load()
  for (const auto& d : dirs_) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.path().filename().string().rfind("nianbao-", 0) == 0 && e.path().extension() == ".so") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      PluginKind k;
      std::string n;
      if (!parse_file_name(f, k, n)) {
        out.refused.emplace_back(f, "file name is not nianbao-input-<name>.so or nianbao-output-<name>.so");
        continue;
      }
      if (!names.insert(std::string(to_string(k)) + "/" + n).second) continue;
      try {
        out.plugins.push_back(load_path(f, &k, &n).info);
      } catch (const Error& e) {
        out.refused.emplace_back(f, e.message());
      }
    }
  }
  return out;
}

}  // namespace nianbao
