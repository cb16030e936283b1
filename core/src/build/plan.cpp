// The plan of a build: its work items in a stable order, which of them a
// shard builds, and — for a shard — what the other shards' reports are named.
#include "state.hpp"
#include "workers.hpp"

#include <nianbao/compose.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/pipeline.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace nianbao {

using nlohmann::json;

void Pipeline::survey_other_shards(const std::vector<Planned>& plans, const RunOptions& options) {
  foreign_stems_.clear();
  const auto count = static_cast<std::size_t>(options.shard.count);
  if (count <= 1) return;
  auto add = [&](const std::string& stem, std::size_t entry, const std::string& id) {
    if (stem.empty()) return;
    auto [it, fresh] = foreign_stems_.try_emplace(stem, Foreign{entry, static_cast<int>(entry % count), id, entry_plugins_[entry]});
    if (!fresh && entry < it->second.entry) it->second = Foreign{entry, static_cast<int>(entry % count), id, entry_plugins_[entry]};
  };
  // From the stamps the other shards left (they share the state folder), when
  // their inputs are unchanged; by reading their inputs otherwise.
  detail::BuildState state(manifest_.state_dir);
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (i % count == static_cast<std::size_t>(options.shard.index) || plans[i].error || !plans[i].config) continue;
    const ReportEntry& entry = manifest_.reports[i];
    auto stamp = state.read("entry", entry.id);
    std::vector<std::pair<std::string, std::string>> known;
    bool cached = stamp && stamp->value("key", "") == entry_key(entry, plans[i]) &&
                  detail::files_unchanged(stamp->value("files_read", json::array()));
    if (cached)
      for (const auto& rj : stamp->value("reports", json::array())) {
        auto r = state.read("report", rj.value("id", ""));
        std::string stem = r ? (*r)["result"].value("file_stem", "") : "";
        if (stem.empty()) {
          cached = false;
          break;
        }
        known.emplace_back(rj.value("id", ""), stem);
      }
    if (!cached) {
      unknown.push_back(i);
      continue;
    }
    for (const auto& [id, stem] : known) add(stem, i, id);
  }
  if (unknown.empty()) return;
  // Reading inputs is plugin code: in workers, as every report is built.
  detail::run_in_workers(
      unknown.size(), std::max(1, std::min<int>(options.jobs, static_cast<int>(unknown.size()))), options.item_timeout,
      [&](std::size_t k) {
        json names = json::array();
        std::size_t i = unknown[k];
        try {
          for (auto& r : read_reports(manifest_.reports[i], host_, form_, data_root_))
            try {
              names.push_back({r.id, compose(form_, r, plans[i].config->document, document_date(r)).file_stem});
            } catch (const Error&) {
              // a report that cannot be composed writes no file
            }
        } catch (const Error&) {
          // an item that cannot be read writes no file; its own shard says why
        }
        return json{{"names", names}}.dump();
      },
      [&](std::size_t k, const std::string& text, const detail::WorkerFailure* failure) {
        if (failure) return true;
        json j = json::parse(text, nullptr, false);
        if (j.is_object())
          for (const auto& n : j.value("names", json::array())) add(n[1].get<std::string>(), unknown[k], n[0].get<std::string>());
        return true;
      });
}

std::string plan_json(const Manifest& manifest, const Shard& shard, bool only_this_shard) {
  json items = json::array();
  for (std::size_t i = 0; i < manifest.reports.size(); ++i) {
    const ReportEntry& e = manifest.reports[i];
    int s = static_cast<int>(i % static_cast<std::size_t>(std::max(1, shard.count)));
    if (only_this_shard && s != shard.index) continue;
    json inputs = json::array();
    for (const auto& in : e.inputs) inputs.push_back({{"plugin", in.plugin}, {"path", in.display_path}});
    items.push_back({{"index", i}, {"id", e.id}, {"shard", s}, {"profile", e.profile.empty() ? manifest.profile : e.profile},
                     {"inputs", inputs}});
  }
  json j = {{"manifest", manifest.display},
            {"manifest_sha256", sha256_file(manifest.file)},
            {"shard_count", shard.count},
            {"items", items}};
  if (only_this_shard) j["shard_index"] = shard.index;
  return j.dump(2);
}

Shard resolve_shard(std::optional<int> index, std::optional<int> count) {
  auto env_int = [](const char* name) -> std::optional<int> {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (*end != '\0' || n < 0 || n > 1000000)
      throw Error(ExitCode::usage, std::string(name) + " must be a whole number, not '" + v + "'");
    return static_cast<int>(n);
  };
  const char* from = "--shard-index";
  if (!index) {
    if ((index = env_int("JOB_COMPLETION_INDEX"))) {
      from = "JOB_COMPLETION_INDEX";
    } else if (auto slurm = env_int("SLURM_ARRAY_TASK_ID")) {
      // Slurm arrays may start anywhere (--array=1-8): count from the first task.
      index = *slurm - env_int("SLURM_ARRAY_TASK_MIN").value_or(0);
      if (!count) count = env_int("SLURM_ARRAY_TASK_COUNT");
      from = "SLURM_ARRAY_TASK_ID";
    }
  }
  Shard s;
  if (!index && !count) return s;
  if (!count)
    throw Error(ExitCode::usage, std::string(from) + " gives this task's shard; say how many there are with --shard-count N");
  if (!index) index = 0;
  if (*count < 1 || *index < 0 || *index >= *count)
    throw Error(ExitCode::usage, "shard index " + std::to_string(*index) + " (from " + from + ") is outside 0.." +
                                     std::to_string(*count - 1) + " for --shard-count " + std::to_string(*count));
  s.index = *index;
  s.count = *count;
  return s;
}

}  // namespace nianbao
