// The whole-build outputs (the county workbook, `summary:` in the manifest):
// decided in the build process — unchanged reports and options keep last
// night's file — and written by the plugin in a worker process of its own.
#include "build_lock.hpp"
#include "outcome.hpp"
#include "state.hpp"
#include "workers.hpp"

#include "../result_json.hpp"

#include <nianbao/grid_input.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/version.hpp>

#include <chrono>

namespace nianbao {

using nlohmann::json;

BuildResult Pipeline::write_summaries(const std::vector<ReportResult>& reports, const RunOptions& options) {
  BuildResult out;
  claimed_.clear();
  build_date_ = fixed_build_date(manifest_);
  std::vector<ResolvedOutput> summaries;
  for (const auto& use : manifest_.summary) summaries.push_back(config_.resolve_summary(use));
  if (summaries.empty()) return out;
  detail::BuildLock lock(manifest_.output_dir, Shard{});
  StagingArea::remove_dead(manifest_.output_dir);
  detail::BuildState(manifest_.state_dir).prepare();
  StagingArea area(manifest_.output_dir);
  for (const auto& s : summaries) {
    ReportResult rr = run_summary(s, reports, options, area);
    out.exit = worse(out.exit, rr.status);
    out.reports.push_back(std::move(rr));
  }
  return out;
}

namespace {

// What a whole-build output needs of the form, prepared: it never reads the form.
SummaryRequest summary_request(const Form& form, const std::vector<SummaryEntry>& entries, const Options& options,
                               const std::string& date) {
  SummaryRequest rq{entries, options, date, {}, {}, roster_columns(form)};
  for (const auto& c : form.summary) rq.columns.push_back(c.label);
  for (const auto& k : form.kinds) rq.kinds.push_back(k.key);
  return rq;
}

}  // namespace

ReportResult Pipeline::run_summary(const ResolvedOutput& out, const std::vector<ReportResult>& reports,
                                   const RunOptions& run, const StagingArea& area) {
  const PluginUse& use = out.use;
  const Options& options = out.options;
  auto t0 = std::chrono::steady_clock::now();
  ReportResult rr;
  rr.id = rr.entry = "summary:" + use.plugin;
  try {
    std::vector<SummaryEntry> entries;
    int last_year = 0;
    for (const auto& r : reports) {
      SummaryEntry e;
      e.id = r.id;
      e.agency = r.agency;
      e.kind = r.kind;
      if (const KindDef* k = form_.kind(r.kind)) e.kind_label = k->label;
      e.year = r.year;
      e.phone = r.phone;
      e.status = r.cancelled ? ExitCode::temp_fail : r.status;
      e.error = r.error;
      e.findings = r.findings;
      e.values = r.summary_values;
      e.last_values = r.last_values;
      // Relative to the output folder, where the summary's own files go.
      for (const auto& f : r.files) e.files.push_back(f.path.lexically_relative(manifest_.output_dir).string());
      last_year = std::max(last_year, r.year);
      entries.push_back(std::move(e));
    }
    std::string date = build_date_;
    if (date.empty()) date = std::to_string(last_year > 0 ? last_year + 1 : 2000) + "-01-01";
    // Unchanged reports and options give the same workbook: keep last night's.
    const PluginInfo& info = host_.info(PluginKind::output, use.plugin, use.source);
    Sha256 h;
    h.add("nianbao " NIANBAO_VERSION).add(date).add(use.plugin).add(manifest_.output_dir.string());
    h.add(info.version).add(file_hash(info.file));
    for (const auto& [k, v] : options.all()) h.add(k).add(v.text);
    for (const auto& e : entries) {
      h.add(e.id).add(e.agency).add(e.kind).add(std::to_string(e.year)).add(std::to_string(static_cast<int>(e.status))).add(e.error);
      for (const auto& f : e.findings) h.add(detail::to_json(f).dump());
      for (const auto& v : e.values) h.add(v ? v->str() : "-");
      for (const auto& f : e.files) h.add(f);
    }
    std::string key = h.hex();
    detail::BuildState state(manifest_.state_dir);
    if (!run.force && !run.fill_in)
      if (auto kept = detail::fresh_result(state, rr.id, key, rr.notices)) {
        kept->duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return *kept;
      }
    // Plugin code: in a worker, like every report.
    const std::string slot = "summary-" + use.plugin;
    detail::WorkerFailure failure;
    auto text = detail::run_in_child(
        [&] {
          try {
            StagedFiles files(area, slot);
            detail::worker_phase("output plugin '" + use.plugin + "'\twriting the build's summary");
            output_plugin(use).write_summary(summary_request(form_, entries, options, date), files);
            json staged = json::array();
            for (const auto& f : files.release()) staged.push_back({f.staged.string(), f.target.string(), f.sha256, f.bytes});
            return json{{"staged", staged}}.dump();
          } catch (const Error& e) {
            return json{{"code", static_cast<int>(e.code())}, {"error", e.what()}}.dump();
          } catch (const std::exception& e) {
            return json{{"code", 70}, {"error", "output plugin '" + use.plugin + "' failed on the summary: " + e.what()}}.dump();
          } catch (...) {
            return json{{"code", 70}, {"error", "output plugin '" + use.plugin + "' threw something that is not an exception"}}.dump();
          }
        },
        run.item_timeout, failure);
    if (!text) {
      area.discard(slot);
      throw Error(failure.interrupted ? ExitCode::temp_fail : ExitCode::software,
                  "output plugin '" + use.plugin + "' " + detail::describe(failure) + " while writing the build's summary");
    }
    json j = json::parse(*text, nullptr, false);
    if (!j.is_object()) throw Error(ExitCode::software, "internal error: unreadable result from a worker");
    if (j.contains("error")) throw Error(static_cast<ExitCode>(j.value("code", 70)), j.value("error", ""));
    std::vector<StagedFile> staged;
    for (const auto& f : j["staged"])
      staged.push_back(StagedFile{f[0].get<std::string>(), f[1].get<std::string>(), f[2].get<std::string>(), f[3].get<std::uintmax_t>()});
    try {
      for (const auto& f : staged) claim(f.target, rr.id, manifest_.reports.size());
    } catch (...) {
      StagedFiles::abort_staged(staged);
      throw;
    }
    rr.outputs = StagedFiles::commit_staged(staged);
    for (const auto& f : staged) {
      OutputRecord rec{f.target, f.sha256, f.bytes};
      detail::record_stat(rec);
      rr.files.push_back(rec);
    }
    if (!run.fill_in) {
      ReportResult kept = rr;
      kept.outputs.clear();
      kept.notices.clear();
      state.write("report", rr.id, json{{"key", key}, {"result", detail::to_json(kept)}});
    }
  } catch (const Error& e) {
    rr.status = e.code();
    rr.error = e.what();
  }
  rr.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return rr;
}

}  // namespace nianbao
