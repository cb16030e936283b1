#include "plan_command.hpp"


#include <nianbao/form.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/pipeline.hpp>
#include <nianbao/plugin_host.hpp>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

namespace nianbao::cli {

int run_plan(const Manifest& manifest, const std::vector<std::filesystem::path>& dirs, std::optional<int> shard_index,
             std::optional<int> shard_count, bool as_json) {
  Form form = Form::load(locate_form(manifest.form, manifest.base_dir, manifest.form_source));
  PluginHost host(dirs, PluginIsolation::child);
  Pipeline pipeline(manifest, host, form);
  RunOptions options;
  // The plan of every shard unless one is asked for (a scheduler's variables
  // do not narrow what an operator lists).
  options.shard.count = shard_count.value_or(1);
  options.shard.index = shard_index.value_or(0);
  if (options.shard.count < 1 || options.shard.index < 0 || options.shard.index >= options.shard.count)
    throw Error(ExitCode::usage, "--shard-index must be between 0 and --shard-count - 1");
  long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  options.jobs = cores > 0 ? static_cast<int>(cores) : 1;
  std::vector<PlanItem> items = pipeline.plan(options);
  const bool only_this_shard = shard_index.has_value();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& it : items) {
    if (only_this_shard && it.shard != options.shard.index) continue;
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& in : it.inputs) inputs.push_back({{"path", in}});
    list.push_back({{"index", it.index},
                    {"shard", it.shard},
                    {"id", it.id},
                    {"entry", it.entry},
                    {"agency", it.agency},
                    {"year", it.year},
                    {"file_stem", it.file_stem},
                    {"inputs", inputs},
                    {"error", it.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(it.error)}});
  }
  if (as_json) {
    nlohmann::json j = {{"manifest", manifest.display},
                        {"manifest_sha256", sha256_file(manifest.file)},
                        {"shard_count", options.shard.count},
                        {"items", list}};
    if (only_this_shard) j["shard_index"] = options.shard.index;
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  for (const auto& it : list) {
    std::vector<std::string> inputs;
    for (const auto& in : it["inputs"]) inputs.push_back(in["path"].get<std::string>());
    fmt::print("{:>5}  shard {:<3} {:<40} {}{}\n", it["index"].get<std::size_t>(), it["shard"].get<int>(),
               it["id"].get<std::string>(), fmt::join(inputs, " "),
               it["error"].is_null() ? "" : "  (" + it["error"].get<std::string>().substr(0, 80) + ")");
  }
  return 0;
}

}  // namespace nianbao::cli
