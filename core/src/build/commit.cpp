// The build process publishes what the workers staged, one work item at a
// time in plan order: claims each file (two reports of one build must not
// write the same file), renames the staged files into place, notes what
// each good report was made from, and forgets what failed.
#include "outcome.hpp"
#include "state.hpp"

#include "../result_json.hpp"

#include <algorithm>

namespace nianbao {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}
}  // namespace

void Pipeline::claim(const fs::path& file, const std::string& id, std::size_t entry) {
  Claim mine{fnv1a(id), static_cast<std::uint32_t>(entry)};
  auto [it, fresh] = claimed_.emplace(fnv1a(file.native()), mine);
  if (fresh || it->second.report == mine.report) return;
  std::string other = it->second.entry < manifest_.reports.size() ? "a report of '" + manifest_.reports[it->second.entry].id + "'"
                                                                   : "the build's summary";
  throw Error(ExitCode::config, "report '" + id + "' would overwrite " + display_path(file) + ", written by " + other + " in this run");
}

void Pipeline::check_foreign(const ReportResult& rr, std::size_t entry, const std::vector<std::string>& plugins) const {
  auto it = foreign_stems_.find(rr.file_stem);
  if (rr.file_stem.empty() || it == foreign_stems_.end() || it->second.entry > entry) return;
  for (const auto& p : plugins)
    if (std::find(it->second.plugins.begin(), it->second.plugins.end(), p) != it->second.plugins.end())
      throw Error(ExitCode::config, "report '" + rr.id + "' would overwrite the files of report '" + it->second.id +
                                        "', which shard " + std::to_string(it->second.shard) + " builds: both are named “" +
                                        rr.file_stem + "” (give one of them another file_name)");
}

void Pipeline::commit(Outcome& o, const RunOptions& options) {
  const bool build = options.mode == Mode::build;
  detail::BuildState state(manifest_.state_dir);
  bool all_good = !o.results.empty();
  json remembered = json::array();
  for (std::size_t i = 0; i < o.results.size(); ++i) {
    ReportResult& rr = o.results[i];
    std::vector<StagedFile>& staged = o.staged[i];
    try {
      if (!rr.files.empty() && o.entry < entry_plugins_.size()) check_foreign(rr, o.entry, entry_plugins_[o.entry]);
      for (const auto& f : rr.files) claim(f.path, rr.id, o.entry);
      if (!staged.empty()) {
        rr.outputs = StagedFiles::commit_staged(staged);
        staged.clear();
        for (auto& f : rr.files) detail::record_stat(f);
      }
    } catch (const Error& e) {
      StagedFiles::abort_staged(staged);
      staged.clear();
      rr.files.clear();
      rr.outputs.clear();
      rr.status = worse(rr.status, e.code());
      rr.error = e.what();
    }
    if (!build || o.unchanged) continue;
    try {
      if (rr.status != ExitCode::ok) {
        all_good = false;
        state.remove("report", rr.id);
        continue;
      }
      if (!o.keys[i].empty()) {
        ReportResult kept = rr;
        kept.outputs.clear();
        kept.notices.clear();
        state.write("report", rr.id, json{{"key", o.keys[i]}, {"result", detail::to_json(kept)}});
        remembered.push_back({{"id", rr.id}, {"key", o.keys[i]}});
      } else if (auto stamp = state.read("report", rr.id)) {
        remembered.push_back({{"id", rr.id}, {"key", stamp->value("key", "")}});
      } else {
        all_good = false;
      }
    } catch (const Error& e) {
      // The report is published; only the note of it is lost: it is rebuilt next time.
      all_good = false;
      rr.notices.push_back(std::string("its build record could not be kept (") + e.what() + "): it is built again next time");
    }
  }
  if (!build || o.unchanged || o.entry_key.empty()) return;
  const std::string& entry = o.results.empty() ? std::string() : o.results.front().entry;
  if (entry.empty()) return;
  try {
    if (all_good) state.write("entry", entry, json{{"key", o.entry_key}, {"files_read", o.files_read}, {"reports", remembered}});
    else state.remove("entry", entry);
  } catch (const Error& e) {
    o.results.front().notices.push_back(std::string("its build record could not be kept (") + e.what() + ")");
  }
}

}  // namespace nianbao
