// The build: configuration first, then every work item in a worker process,
// committed in plan order by this one, then the whole-build outputs. The
// pieces live in build/: run_item (a worker's job), commit, county_workbook,
// state (incremental builds), workers, build_lock, interrupt, plan.
#include "build/build_lock.hpp"
#include "build/outcome.hpp"
#include "build/plan.hpp"
#include "build/state.hpp"
#include "build/workers.hpp"
#include "config_lookup.hpp"
#include "data_files.hpp"

#include <nianbao/hash.hpp>
#include <nianbao/output_files.hpp>
#include <nianbao/pipeline.hpp>
#include <nianbao/text.hpp>
#include <nianbao/version.hpp>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <set>

namespace nianbao {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path locate_form(const std::string& id_or_path, const fs::path& base_dir, const SourceLoc& where) {
  return detail::locate_config(id_or_path, base_dir, "forms", "form", where);
}

std::string fixed_build_date(const Manifest& manifest) {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (epoch && *epoch) {
    char* end = nullptr;
    long long v = std::strtoll(epoch, &end, 10);
    if (*end != '\0' || v < 0) throw Error(ExitCode::config, std::string("SOURCE_DATE_EPOCH must be seconds since 1970, not '") + epoch + "'");
    std::time_t t = static_cast<std::time_t>(v);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
  }
  return manifest.build_date;
}

Pipeline::Pipeline(const Manifest& manifest, PluginHost& host, const Form& form)
    : manifest_(manifest), host_(host), form_(form), config_(manifest, host), data_root_(detail::data_root(manifest.base_dir)) {}

namespace {

struct Prepared {
  std::shared_ptr<InputPlugin> input;
  Options options;
  const PluginUse* use = nullptr;
};

// An input plugin created and its options checked against its schema.
Prepared prepare(PluginHost& host, const PluginUse& use) {
  Prepared p;
  p.input = host.create_input(use.plugin, use.source);
  p.options = resolve_options(use.plugin, host.info(PluginKind::input, use.plugin).options, use);
  p.use = &use;
  return p;
}

}  // namespace

std::vector<Report> read_reports(const ReportEntry& entry, PluginHost& host, const Form& form, const fs::path& data_root,
                                 std::vector<std::pair<std::string, std::string>>* files_read) {
  if (entry.inputs.empty()) throw Error(ExitCode::config, "report '" + entry.id + "' has no inputs", entry.source);
  std::vector<Prepared> inputs;
  for (const auto& use : entry.inputs) inputs.push_back(prepare(host, use));
  std::vector<std::vector<Report>> read;
  for (const auto& p : inputs) {
    std::error_code ec;
    detail::check_input_path(data_root, p.use->path, p.use->display_path, p.use->source);
    if (!fs::exists(p.use->path, ec)) throw Error(ExitCode::no_input, "input file not found", {p.use->display_path});
    if (!fs::is_regular_file(p.use->path, ec)) throw Error(ExitCode::no_input, "input is not a regular file", {p.use->display_path});
    detail::worker_phase("input plugin '" + p.use->plugin + "'\treading " + p.use->display_path);
    detail::DataFiles files(data_root, p.use->path.parent_path());
    try {
      read.push_back(p.input->read(InputRequest{p.use->path, p.use->display_path, form, p.options, files}));
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(ExitCode::software, "input plugin '" + p.use->plugin + "' failed on " + p.use->display_path + ": " + e.what());
    } catch (...) {
      throw Error(ExitCode::software, "input plugin '" + p.use->plugin + "' threw something that is not an exception");
    }
    if (files_read) files_read->insert(files_read->end(), files.read_files().begin(), files.read_files().end());
  }
  std::vector<Report> reports;
  std::size_t multi = 0;
  for (const auto& r : read) multi += r.size() != 1;
  if (multi == 0) {
    Report merged;
    for (const auto& r : read) merged.merge(r.front(), [&](const std::string& k) { return form.cell_label(k); });
    merged.id = entry.id;
    reports.push_back(std::move(merged));
  } else if (read.size() == 1) {
    for (auto& r : read.front()) {
      r.id = r.id.empty() ? entry.id : entry.id + "/" + r.id;
      reports.push_back(std::move(r));
    }
  } else {
    throw Error(ExitCode::config, "report '" + entry.id + "': an input that yields several reports cannot be combined with other inputs",
                entry.source);
  }
  return reports;
}

const char* ReportResult::state() const {
  if (cancelled) return "cancelled";
  if (status != ExitCode::ok) return "failed";
  return skipped ? "skipped" : "ok";
}

const std::string& Pipeline::file_hash(const fs::path& file) {
  auto it = file_hashes_.find(file);
  if (it == file_hashes_.end()) it = file_hashes_.emplace(file, sha256_file(file)).first;
  return it->second;
}

std::string Pipeline::config_key(const EntryConfig& c, const RunOptions& options) {
  Sha256 h;
  h.add("nianbao " NIANBAO_VERSION).add(std::to_string(NIANBAO_PLUGIN_ABI_VERSION));
  h.add(file_hash(locate_form(manifest_.form, manifest_.base_dir, manifest_.form_source)));
  h.add(build_date_).add(options.write_invalid ? "drafts" : "-");
  h.add(manifest_.output_dir.string());  // another folder: the files must be written there
  const DocumentSettings& d = c.document;
  for (const Template* t : {&d.title, &d.file_name, &d.preface, &d.signature_name, &d.appendix_label}) h.add(t->text);
  h.add(std::to_string(static_cast<int>(d.tables)) + std::to_string(static_cast<int>(d.signature)) +
        std::to_string(static_cast<int>(d.date_format)));
  for (const auto& [k, t] : d.contact) h.add(k).add(t.body);
  for (const auto& o : c.outputs) {
    const PluginInfo& info = host_.info(PluginKind::output, o.use.plugin);
    h.add(info.name).add(info.version).add(file_hash(info.file));
    for (const auto& [k, v] : o.options.all()) h.add(k).add(v.text);
  }
  return h.hex();
}

namespace {

// Why a worker gave no result, as a report's error: who was at work, what
// happened, what it was doing.
std::string lost_item_message(const detail::WorkerFailure& f) {
  std::string who = "the worker process building it", what;
  if (auto tab = f.phase.find('\t'); tab != std::string::npos) {
    who = f.phase.substr(0, tab);
    what = f.phase.substr(tab + 1);
  } else if (!f.phase.empty()) {
    what = f.phase;
  }
  std::string s = who + " " + detail::describe(f) + (what.empty() ? "" : " while " + what);
  if (f.timed_out) s += " (the time limit is --timeout)";
  return s + "; nothing of it was published";
}

}  // namespace

std::vector<Pipeline::Planned> Pipeline::configure(const RunOptions& options) {
  if (options.shard.count < 1 || options.shard.index < 0 || options.shard.index >= options.shard.count)
    throw Error(ExitCode::usage, "shard " + std::to_string(options.shard.index) + " of " + std::to_string(options.shard.count) +
                                     " does not exist: the index runs from 0 to count-1");
  // Configuration first, for every report: a wrong profile, option or font
  // file stops the build before anything is read or written. `check` resolves
  // and checks the outputs too: it rejects all that build would.
  build_date_ = fixed_build_date(manifest_);
  config_keys_.clear();
  std::vector<Planned> plans(manifest_.reports.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    try {
      plans[i].config = config_.resolve(&manifest_.reports[i], true);
      auto [it, fresh] = config_keys_.try_emplace(plans[i].config.get());
      if (fresh && options.mode != Mode::check) it->second = config_key(*plans[i].config, options);
      plans[i].config_key = &it->second;
    } catch (const Error& e) {
      if (e.code() == ExitCode::config) throw;
      plans[i].error = e;
    }
  }
  // Last year's manifest, when named, is read (and must be of this form)
  // before anything is built: a wrong path is the operator's to fix.
  if (!manifest_.previous.empty()) {
    Manifest last;
    try {
      last = Manifest::load(manifest_.previous);
    } catch (const Error& e) {
      throw Error(ExitCode::config, "previous: last year's manifest cannot be read: " + std::string(e.what()), manifest_.previous_source);
    }
    if (last.form != manifest_.form)
      throw Error(ExitCode::config, "previous: last year's manifest uses form '" + last.form + "', this one '" + manifest_.form +
                                        "': the cross-year checks compare cells of one form",
                  manifest_.previous_source);
  }
  for (const auto& e : manifest_.reports)
    for (const auto& k : e.rollup_kinds) form_.check_kind(k, e.rollup_source);
  // Each input plugin's file once, not once per report.
  for (const auto& e : manifest_.reports)
    for (const auto& in : e.inputs) try {
        file_hash(host_.info(PluginKind::input, in.plugin, in.source).file);
      } catch (const Error& err) {
        if (err.code() == ExitCode::config) throw;  // a plugin name nothing provides
        // a plugin that cannot be loaded fails its reports, as they are read
      }
  return plans;
}

BuildResult Pipeline::run(const RunOptions& options, const std::function<void(const ReportResult&)>& on_report) {
  BuildResult out;
  claimed_.clear();
  const bool build = options.mode == Mode::build;
  std::vector<Planned> plans = configure(options);
  const bool whole_build = options.shard.count == 1;
  std::vector<ResolvedOutput> summaries;
  std::vector<ReportResult> failed_summaries;
  if (whole_build)
    for (const auto& use : manifest_.summary) {
      try {
        summaries.push_back(config_.resolve_summary(use));
      } catch (const Error& e) {
        if (e.code() == ExitCode::config) throw;
        ReportResult rr;
        rr.id = "summary:" + use.plugin;
        rr.status = e.code();
        rr.error = e.what();
        failed_summaries.push_back(rr);
      }
    }

  // Before anything is written: the output folder is this build's (or this
  // shard's), what dead builds left there is gone, and the state folder
  // takes writes — so a build that cannot finish fails now, not midway.
  std::optional<detail::BuildLock> lock;
  std::optional<StagingArea> area;
  if (build) {
    lock.emplace(manifest_.output_dir, options.shard);
    StagingArea::remove_dead(manifest_.output_dir);
    detail::BuildState(manifest_.state_dir).prepare();
    area.emplace(manifest_.output_dir);
  }

  Spill spill;
  std::vector<Item> all = plan_items(plans, options, spill, out.interrupted);
  if (out.interrupted) return out;
  std::vector<const Item*> items;  // this shard's part, in plan order
  const auto count = static_cast<std::size_t>(options.shard.count);
  for (const auto& it : all)
    if (it.index % count == static_cast<std::size_t>(options.shard.index)) items.push_back(&it);
  out.items = items.size();
  if (options.on_plan) options.on_plan(items.size());

  // Results arrive in any order; they are committed and reported in plan
  // order, so that every run decides alike whatever the number of workers.
  std::map<std::size_t, Outcome> arrived;
  std::vector<ReportResult> for_summaries;  // what the county workbook needs, when results are not kept
  std::size_t next_commit = 0;
  bool stop = false;
  auto deliver = [&](std::size_t k, Outcome o) {
    arrived.emplace(k, std::move(o));
    while (arrived.count(next_commit)) {
      Outcome& ready = arrived.at(next_commit);
      commit(ready, options);
      if (area) area->discard(std::to_string(next_commit));
      ReportResult& rr = ready.result;
      if (!rr.cancelled) out.exit = worse(out.exit, rr.status);
      if (rr.status != ExitCode::ok && options.fail_fast) stop = true;
      if (on_report) on_report(rr);
      if (options.keep_results) {
        out.reports.push_back(std::move(rr));
      } else if (build && !summaries.empty()) {
        rr.outputs.clear();  // files stay: an index links what each report published
        for_summaries.push_back(std::move(rr));
      }
      arrived.erase(next_commit++);
    }
  };
  // What this process can settle itself — a report that cannot be built, or
  // one unchanged since its last good build — needs no worker.
  auto settled = [&](std::size_t k) -> std::optional<Outcome> {
    const Item& it = *items[k];
    const std::string& entry = manifest_.reports[it.entry].id;
    Outcome o;
    if (it.error) o = Outcome::failure(it.index, it.entry, it.id, it.error->code(), it.error->what());
    else if (!it.problems.empty() && !(options.fill_in && it.length > 0))
      o = Outcome::failure(it.index, it.entry, it.id, it.problems_code, it.problems);
    else if (it.kept && build) {
      o.item = it.index;
      o.entry = it.entry;
      o.result = *it.kept;
    } else {
      return std::nullopt;
    }
    o.result.entry = entry;
    if (o.result.agency.empty()) o.result.agency = it.agency;
    o.result.notices.insert(o.result.notices.begin(), it.notices.begin(), it.notices.end());
    return o;
  };
  std::vector<std::size_t> work;  // positions in `items` that need a worker
  for (std::size_t k = 0; k < items.size(); ++k)
    if (!settled(k)) work.push_back(k);
  std::size_t next_settled = 0;
  auto settle_up_to = [&](std::size_t end) {  // commit what needs no worker, in order
    for (; next_settled < end && !stop; ++next_settled)
      if (auto o = settled(next_settled)) deliver(next_settled, std::move(*o));
  };
  // What precedes the first report that needs work is committed first, so
  // that --fail-fast stops before any worker starts when it fails.
  settle_up_to(work.empty() ? items.size() : work.front());
  if (stop) work.clear();
  // Every report that needs work is built in a worker process, also a
  // one-report build: plugin code never runs in this process, so a plugin
  // that crashes, hangs or exits loses its report and not the build.
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(work.size())));
  detail::WorkerRun run;
  if (!work.empty())
    run = detail::run_in_workers(
        work.size(), jobs, options.item_timeout,
        [&](std::size_t w) {
          const std::size_t k = work[w];
          const Item& it = *items[k];
          return build_item(it, plans[it.entry], options, spill, area ? &*area : nullptr, std::to_string(k)).to_json().dump();
        },
        [&](std::size_t w, const std::string& text, const detail::WorkerFailure* failure) {
          const std::size_t k = work[w];
          const Item& it = *items[k];
          settle_up_to(k);
          if (failure) {
            if (area) area->discard(std::to_string(k));
            Outcome o = Outcome::failure(it.index, it.entry, it.id, ExitCode::software, lost_item_message(*failure));
            o.result.entry = manifest_.reports[it.entry].id;
            o.result.agency = it.agency;
            if (failure->interrupted) {
              o.result.cancelled = true;
              o.result.error = "not finished: the build was interrupted";
            }
            deliver(k, std::move(o));
            return !stop;
          }
          json j = json::parse(text, nullptr, false);
          if (j.is_discarded() || !j.is_object())
            deliver(k, Outcome::failure(it.index, it.entry, it.id, ExitCode::software, "internal error: unreadable result from a worker"));
          else
            deliver(k, Outcome::from_json(j));
          return !stop;
        });
  out.interrupted = run.interrupted ? run.interrupted : interrupt_signal();
  if (!out.interrupted && !stop) settle_up_to(items.size());
  // What was never attempted: after --fail-fast stopped, or a signal.
  for (std::size_t k = next_commit; k < items.size(); ++k) {
    if (arrived.count(k)) continue;
    const Item& it = *items[k];
    Outcome o = Outcome::failure(it.index, it.entry, it.id, ExitCode::ok,
                                 out.interrupted ? "not attempted: the build was interrupted"
                                                 : "not attempted: the build stopped at the first failure (--fail-fast)");
    o.result.entry = manifest_.reports[it.entry].id;
    o.result.agency = it.agency;
    o.result.cancelled = true;
    next_settled = std::max(next_settled, k + 1);
    deliver(k, std::move(o));
  }
  if (out.interrupted) return out;  // the county workbook needs every report

  if (build) {
    const std::vector<ReportResult>& reports = options.keep_results ? out.reports : for_summaries;
    std::vector<ReportResult> summary_results;
    for (const auto& s : summaries) {
      ReportResult rr = run_summary(s, reports, options, *area);
      out.exit = worse(out.exit, rr.status);
      if (on_report) on_report(rr);
      summary_results.push_back(std::move(rr));
    }
    if (options.keep_results)
      for (auto& rr : summary_results) out.reports.push_back(std::move(rr));
  }
  for (auto& rr : failed_summaries) {
    out.exit = worse(out.exit, rr.status);
    if (on_report) on_report(rr);
    if (options.keep_results) out.reports.push_back(std::move(rr));
  }
  out.interrupted = interrupt_signal();
  return out;
}

}  // namespace nianbao
