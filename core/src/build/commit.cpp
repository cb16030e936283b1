// The build process publishes what the workers staged, one report at a time
// in plan order: claims each file (two reports of one build must not write
// the same file), renames the staged files into place, and notes what each
// good report was made from; a failed report's note is forgotten.
#include "outcome.hpp"
#include "state.hpp"

#include "../result_json.hpp"

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

void Pipeline::commit(Outcome& o, const RunOptions& options) {
  ReportResult& rr = o.result;
  try {
    for (const auto& f : rr.files) claim(f.path, rr.id, o.entry);
    if (!o.staged.empty()) {
      rr.outputs = StagedFiles::commit_staged(o.staged);
      o.staged.clear();
      for (auto& f : rr.files) detail::record_stat(f);
    }
  } catch (const Error& e) {
    StagedFiles::abort_staged(o.staged);
    o.staged.clear();
    rr.files.clear();
    rr.outputs.clear();
    rr.status = worse(rr.status, e.code());
    rr.error = e.what();
    o.key.clear();
  }
  if (options.mode != Mode::build || options.fill_in || rr.skipped || rr.cancelled) return;
  detail::BuildState state(manifest_.state_dir);
  try {
    if (rr.status != ExitCode::ok) {
      state.remove("report", rr.id);
    } else if (!o.key.empty()) {
      ReportResult kept = rr;
      kept.outputs.clear();
      kept.notices.clear();
      state.write("report", rr.id, json{{"key", o.key}, {"result", detail::to_json(kept)}});
    }
  } catch (const Error& e) {
    // The report is published; only the note of it is lost: it is built again next time.
    rr.notices.push_back(std::string("its build record could not be kept (") + e.what() + "): it is built again next time");
  }
}

}  // namespace nianbao
