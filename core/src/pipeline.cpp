#include "build_state.hpp"
#include "config_lookup.hpp"
#include "result_json.hpp"
#include "worker_pool.hpp"

#include <nianbao/compose.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/output_files.hpp>
#include <nianbao/pipeline.hpp>
#include <nianbao/text.hpp>
#include <nianbao/version.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>

namespace nianbao {

namespace fs = std::filesystem;

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
    : manifest_(manifest), host_(host), form_(form), config_(manifest, host) {}

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

// What every report must have once its inputs are merged.
void require_identity(const Form& form, const Report& r, const std::string& where) {
  if (r.agency.empty()) throw Error(ExitCode::data, "缺少单位名称（agency）", {where});
  if (r.year == 0) throw Error(ExitCode::data, "缺少年度（year）", {where});
  if (r.kind.empty())
    throw Error(ExitCode::data, "缺少单位类型（kind），可选：" + join(form.kind_keys(), "、"), {where});
}

}  // namespace

std::vector<Report> read_reports(const ReportEntry& entry, PluginHost& host, const Form& form) {
  if (entry.inputs.empty()) throw Error(ExitCode::config, "report '" + entry.id + "' has no inputs", entry.source);
  std::vector<Prepared> inputs;
  for (const auto& use : entry.inputs) inputs.push_back(prepare(host, use));
  std::vector<std::vector<Report>> read;
  for (const auto& p : inputs) {
    std::error_code ec;
    if (!fs::exists(p.use->path, ec)) throw Error(ExitCode::no_input, "input file not found", {p.use->display_path});
    if (!fs::is_regular_file(p.use->path, ec)) throw Error(ExitCode::no_input, "input is not a regular file", {p.use->display_path});
    read.push_back(p.input->read(InputRequest{p.use->path, p.use->display_path, form, p.options}));
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

namespace {

using nlohmann::json;
using Staged = std::vector<std::pair<fs::path, fs::path>>;

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Everything of a report that can reach its outputs, positions included
// (findings quote them), in a canonical order.
std::string report_fingerprint(const Report& r) {
  Sha256 h;
  h.add(r.id).add(r.agency).add(std::to_string(r.year)).add(r.kind).add(r.region);
  for (const SourceLoc* s : {&r.agency_source, &r.year_source, &r.kind_source, &r.region_source}) h.add(s->str());
  auto text = [&](const Text& t) { h.add(t.body).add(t.source.str()); };
  h.add(r.preface ? "preface" : "-");
  if (r.preface) text(*r.preface);
  for (const auto& [k, t] : r.texts) h.add(k), text(t);
  for (const auto& [k, t] : r.contact) h.add(k), text(t);
  h.add(r.signature ? r.signature->name + "\n" + r.signature->date + "\n" + r.signature->source.str() : "-");
  for (const auto& [k, c] : r.cells)
    h.add(k).add(std::to_string(static_cast<int>(c.state))).add(c.value.str()).add(c.source.str());
  return h.hex();
}

// A result read back from the last good build, if its files are all still there.
std::optional<ReportResult> fresh_result(const detail::BuildState& state, const std::string& id, const std::string& key) {
  auto stamp = state.read("report", id);
  if (!stamp || stamp->value("key", "") != key || !stamp->contains("result")) return std::nullopt;
  ReportResult r = detail::result_from_json((*stamp)["result"]);
  if (r.status != ExitCode::ok) return std::nullopt;
  for (const auto& f : r.files) {
    std::error_code ec;
    if (fs::file_size(f.path, ec) != f.bytes || ec) return std::nullopt;  // removed or replaced since
  }
  r.skipped = true;
  r.outputs.clear();
  r.duration_ms = 0;
  return r;
}

}  // namespace

// What one work item produced in a worker, for the build process to commit.
struct Pipeline::Outcome {
  std::size_t item = 0;
  std::size_t entry = 0;  // its position in the manifest
  bool unchanged = false;  // the whole item was skipped: its stamps stand as they are
  std::string entry_key;
  std::vector<ReportResult> results;
  std::vector<Staged> staged;     // per result
  std::vector<std::string> keys;  // per result: what its outputs were made from ("": not to remember)

  // An item that produced no report of its own: one result for the whole entry.
  static Outcome failure(std::size_t entry, const std::string& id, ExitCode code, const std::string& why) {
    Outcome o;
    o.entry = entry;
    ReportResult rr;
    rr.id = rr.entry = id;
    rr.status = code;
    rr.error = why;
    o.results.push_back(rr);
    o.staged.emplace_back();
    o.keys.emplace_back();
    return o;
  }

  json to_json() const {
    json rs = json::array();
    for (std::size_t i = 0; i < results.size(); ++i) {
      json st = json::array();
      for (const auto& [tmp, target] : staged[i]) st.push_back({tmp.string(), target.string()});
      rs.push_back({{"result", detail::to_json(results[i])}, {"staged", st}, {"key", keys[i]}});
    }
    return {{"item", item}, {"entry", entry}, {"unchanged", unchanged}, {"entry_key", entry_key}, {"results", rs}};
  }
  static Outcome from_json(const json& j) {
    Outcome o;
    o.item = j.value("item", std::size_t{0});
    o.entry = j.value("entry", std::size_t{0});
    o.unchanged = j.value("unchanged", false);
    o.entry_key = j.value("entry_key", "");
    for (const auto& r : j.value("results", json::array())) {
      o.results.push_back(detail::result_from_json(r["result"]));
      Staged st;
      for (const auto& p : r["staged"]) st.emplace_back(p[0].get<std::string>(), p[1].get<std::string>());
      o.staged.push_back(std::move(st));
      o.keys.push_back(r.value("key", ""));
    }
    return o;
  }
};

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

Pipeline::Outcome Pipeline::run_entry(const ReportEntry& entry, const Planned& plan, const RunOptions& options) {
  Outcome out;
  auto t0 = std::chrono::steady_clock::now();
  const bool build = options.mode == Mode::build;
  std::optional<detail::BuildState> state;
  if (build) state.emplace(manifest_.state_dir);
  auto fail = [&](ExitCode code, const std::string& why) {
    out = Outcome::failure(0, entry.id, code, why);  // the caller sets item and entry
    out.results.front().duration_ms = ms_since(t0);
  };
  try {
    if (plan.error) throw *plan.error;
    const EntryConfig& config = *plan.config;
    const std::vector<ResolvedOutput>& outputs = config.outputs;
    if (build && outputs.empty())
      throw Error(ExitCode::config,
                  "report '" + entry.id +
                      "' has no outputs (name them under outputs:, for the report or the whole manifest; "
                      "`nianbao plugins` lists them)",
                  entry.source);

    if (build) {
      // The work item's key: its configuration and the bytes of its inputs.
      Sha256 k;
      k.add(*plan.config_key);
      for (const auto& in : entry.inputs) {
        k.add(in.plugin).add(in.display_path);
        const PluginInfo& info = host_.info(PluginKind::input, in.plugin);
        k.add(info.version).add(file_hash(info.file));  // hashed before the workers started
        for (const auto& [name, raw] : in.options) k.add(name).add(raw.text);
        std::error_code ec;
        k.add(fs::is_regular_file(in.path, ec) ? sha256_file(in.path) : "missing");
      }
      out.entry_key = k.hex();
      if (!options.force) {
        // Nothing changed for the whole item: no input is even parsed.
        auto stamp = state->read("entry", entry.id);
        if (stamp && stamp->value("key", "") == out.entry_key) {
          std::vector<ReportResult> kept;
          for (const auto& rj : stamp->value("reports", json::array())) {
            auto r = fresh_result(*state, rj.value("id", ""), rj.value("key", ""));
            if (!r) break;
            kept.push_back(std::move(*r));
          }
          if (!kept.empty() && kept.size() == stamp->value("reports", json::array()).size()) {
            for (auto& r : kept) {
              out.results.push_back(std::move(r));
              out.staged.emplace_back();
              out.keys.emplace_back();  // already remembered
            }
            out.unchanged = true;
            return out;
          }
        }
      }
    }

    std::vector<Report> reports = read_reports(entry, host_, form_);
    for (auto& report : reports) {
      auto r0 = std::chrono::steady_clock::now();
      ReportResult rr;
      rr.id = report.id;
      rr.entry = entry.id;
      rr.agency = report.agency;
      Staged staged;
      std::string key;
      try {
        require_identity(form_, report, entry.inputs.front().display_path);
        rr.kind = report.kind;
        rr.year = report.year;
        for (const auto& col : form_.summary) {
          std::optional<Decimal> sum = Decimal{};
          for (const auto& k : col.cells) {
            const Cell& c = report.cell(k);
            if (c.has_value() && sum) sum = *sum + c.value;
            else sum.reset();
          }
          rr.summary_values.push_back(sum);
        }
        rr.findings = run_checks(form_, report);
        bool invalid = has_errors(rr.findings);
        if (build) key = sha256_hex(*plan.config_key + "\n" + report_fingerprint(report));
        std::optional<ReportResult> kept;
        if (build && !options.force && !invalid) kept = fresh_result(*state, report.id, key);
        if (kept) {
          rr = std::move(*kept);
          key.clear();  // its stamp stands as it is
        } else if (build && (!invalid || options.write_invalid)) {
          std::string build_date = build_date_;
          if (build_date.empty())
            build_date = report.signature ? report.signature->date : std::to_string(report.year + 1) + "-01-01";
          Document doc = compose(form_, report, config.document, build_date);
          doc.build_date = build_date;
          StagedFiles files(manifest_.output_dir);
          for (const auto& p : outputs) {
            try {
              p.plugin->write(OutputRequest{doc, report, form_, rr.findings, p.options}, files);
            } catch (const Error&) {
              throw;
            } catch (const std::exception& e) {
              throw Error(ExitCode::software, "output plugin '" + p.use.plugin + "' failed: " + e.what());
            }
          }
          staged = files.release();
          for (const auto& [tmp, target] : staged) {
            std::error_code ec;
            auto bytes = fs::file_size(tmp, ec);
            if (ec) {
              StagedFiles::abort_staged(staged);
              throw Error(ExitCode::software, "an output plugin did not write " + target.filename().string());
            }
            rr.files.push_back(OutputRecord{target, sha256_file(tmp), bytes});
          }
        } else if (build) {
          rr.error = "规则检查有错误，未生成文件（已保留上次生成的文件）";
        }
        if (invalid) rr.status = ExitCode::data;
      } catch (const Error& e) {
        StagedFiles::abort_staged(staged);
        staged.clear();
        rr.files.clear();
        rr.status = e.code();
        rr.error = e.what();
      }
      if (!rr.skipped) rr.duration_ms = ms_since(r0);
      out.results.push_back(std::move(rr));
      out.staged.push_back(std::move(staged));
      out.keys.push_back(std::move(key));
    }
  } catch (const Error& e) {
    for (const auto& st : out.staged) StagedFiles::abort_staged(st);
    fail(e.code(), e.what());
  } catch (const std::exception& e) {
    for (const auto& st : out.staged) StagedFiles::abort_staged(st);
    fail(ExitCode::software, std::string("internal error: ") + e.what());
  }
  return out;
}

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

// In the build process, in plan order: claims each file (two reports of one
// build must not write the same file), renames the staged files into place,
// and remembers what each good report was made from.
void Pipeline::commit(Outcome& o, const RunOptions& options) {
  const bool build = options.mode == Mode::build;
  detail::BuildState state(manifest_.state_dir);
  bool all_good = !o.results.empty();
  json remembered = json::array();
  for (std::size_t i = 0; i < o.results.size(); ++i) {
    ReportResult& rr = o.results[i];
    Staged& staged = o.staged[i];
    try {
      for (const auto& f : rr.files) claim(f.path, rr.id, o.entry);
      if (!staged.empty()) {
        rr.outputs = StagedFiles::commit_staged(staged);
        staged.clear();
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
    if (rr.status != ExitCode::ok) {
      all_good = false;
      state.remove("report", rr.id);
      continue;
    }
    if (!o.keys[i].empty()) {
      ReportResult kept = rr;
      kept.outputs.clear();
      state.write("report", rr.id, json{{"key", o.keys[i]}, {"result", detail::to_json(kept)}});
      remembered.push_back({{"id", rr.id}, {"key", o.keys[i]}});
    } else if (auto stamp = state.read("report", rr.id)) {
      remembered.push_back({{"id", rr.id}, {"key", stamp->value("key", "")}});
    } else {
      all_good = false;
    }
  }
  if (!build || o.unchanged || o.entry_key.empty()) return;
  const std::string& entry = o.results.empty() ? std::string() : o.results.front().entry;
  if (entry.empty()) return;
  if (all_good) state.write("entry", entry, json{{"key", o.entry_key}, {"reports", remembered}});
  else state.remove("entry", entry);
}

BuildResult Pipeline::run(const RunOptions& options, const std::function<void(const ReportResult&)>& on_report) {
  BuildResult out;
  claimed_.clear();
  const bool build = options.mode == Mode::build;
  if (options.shard.count < 1 || options.shard.index < 0 || options.shard.index >= options.shard.count)
    throw Error(ExitCode::usage, "shard " + std::to_string(options.shard.index) + " of " + std::to_string(options.shard.count) +
                                     " does not exist: the index runs from 0 to count-1");
  // Configuration first, for every report: a wrong profile, option or font
  // file stops the build before anything is read or written.
  build_date_ = fixed_build_date(manifest_);
  config_keys_.clear();
  std::vector<Planned> plans(manifest_.reports.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    try {
      plans[i].config = config_.resolve(&manifest_.reports[i], build);
      auto [it, fresh] = config_keys_.try_emplace(plans[i].config.get());
      if (fresh && build) it->second = config_key(*plans[i].config, options);
      plans[i].config_key = &it->second;
    } catch (const Error& e) {
      if (e.code() == ExitCode::config) throw;
      plans[i].error = e;
    }
  }
  if (build)  // each input plugin's file once, not once per report
    for (const auto& e : manifest_.reports)
      for (const auto& in : e.inputs) try {
          file_hash(host_.info(PluginKind::input, in.plugin).file);
        } catch (const Error&) {
          // a plugin that cannot be loaded fails its reports, as they run
        }
  const bool whole_build = options.shard.count == 1;
  std::vector<ResolvedOutput> summaries;
  std::vector<ReportResult> failed_summaries;
  if (build && whole_build)
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

  std::vector<std::size_t> items;  // this shard's work, in plan order
  for (std::size_t i = 0; i < plans.size(); ++i)
    if (static_cast<int>(i % static_cast<std::size_t>(options.shard.count)) == options.shard.index) items.push_back(i);
  out.items = items.size();
  if (options.on_plan) options.on_plan(items.size());
  if (build) remove_stale_temp_files(manifest_.output_dir);

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
      for (auto& rr : ready.results) {
        out.exit = worse(out.exit, rr.status);
        if (rr.status != ExitCode::ok && options.fail_fast) stop = true;
        if (on_report) on_report(rr);
        if (options.keep_results) {
          out.reports.push_back(std::move(rr));
        } else if (!summaries.empty()) {
          rr.files.clear();
          rr.outputs.clear();
          for_summaries.push_back(std::move(rr));
        }
      }
      arrived.erase(next_commit++);
    }
  };
  auto job = [&](std::size_t k) {
    const std::size_t i = items[k];
    Outcome o = run_entry(manifest_.reports[i], plans[i], options);
    o.item = k;
    o.entry = i;
    return o;
  };
  std::vector<std::size_t> never;
  // More than one item: in worker processes, also for --jobs 1, so that a
  // plugin that crashes loses its report and not the build.
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(items.size())));
  if (items.size() <= 1) {
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (stop) {
        never.push_back(k);
        continue;
      }
      deliver(k, job(k));
    }
  } else {
    never = detail::run_in_workers(
        items.size(), jobs, [&](std::size_t k) { return job(k).to_json().dump(); },
        [&](std::size_t k, const std::string& text, const std::string& died) {
          json j = died.empty() ? json::parse(text, nullptr, false) : json();
          if (!died.empty() || j.is_discarded() || !j.is_object())
            deliver(k, Outcome::failure(items[k], manifest_.reports[items[k]].id, ExitCode::software,
                                        died.empty() ? "internal error: unreadable result from a worker" : died));
          else
            deliver(k, Outcome::from_json(j));
          return !stop;
        });
  }
  for (std::size_t k : never) {
    Outcome o = Outcome::failure(items[k], manifest_.reports[items[k]].id, ExitCode::ok,
                                 "not attempted: the build stopped at the first failure (--fail-fast)");
    o.results.front().cancelled = true;
    deliver(k, std::move(o));
  }

  if (build) {
    const std::vector<ReportResult>& reports = options.keep_results ? out.reports : for_summaries;
    std::vector<ReportResult> summary_results;
    for (const auto& s : summaries) {
      ReportResult rr = run_summary(s, reports, options.force);
      out.exit = worse(out.exit, rr.status);
      if (on_report) on_report(rr);
      summary_results.push_back(std::move(rr));
    }
    if (options.keep_results)
      for (auto& rr : summary_results) out.reports.push_back(std::move(rr));
    for (auto& rr : failed_summaries) {
      out.exit = worse(out.exit, rr.status);
      if (on_report) on_report(rr);
      if (options.keep_results) out.reports.push_back(std::move(rr));
    }
  }
  return out;
}

ReportResult Pipeline::run_summary(const ResolvedOutput& out, const std::vector<ReportResult>& reports, bool force) {
  const PluginUse& use = out.use;
  const auto& plugin = out.plugin;
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
      e.status = r.cancelled ? ExitCode::temp_fail : r.status;
      e.error = r.error;
      e.findings = r.findings;
      e.values = r.summary_values;
      last_year = std::max(last_year, r.year);
      entries.push_back(std::move(e));
    }
    std::string date = build_date_;
    if (date.empty()) date = std::to_string(last_year > 0 ? last_year + 1 : 2000) + "-01-01";
    // Unchanged reports and options give the same workbook: keep last night's.
    Sha256 h;
    h.add("nianbao " NIANBAO_VERSION).add(date).add(use.plugin);
    h.add(host_.info(PluginKind::output, use.plugin).version).add(file_hash(host_.info(PluginKind::output, use.plugin).file));
    for (const auto& [k, v] : options.all()) h.add(k).add(v.text);
    for (const auto& e : entries) {
      h.add(e.id).add(e.agency).add(e.kind).add(std::to_string(e.year)).add(std::to_string(static_cast<int>(e.status))).add(e.error);
      for (const auto& f : e.findings) h.add(detail::to_json(f).dump());
      for (const auto& v : e.values) h.add(v ? v->str() : "-");
    }
    std::string key = h.hex();
    detail::BuildState state(manifest_.state_dir);
    if (!force)
      if (auto kept = fresh_result(state, rr.id, key)) {
        kept->duration_ms = ms_since(t0);
        return *kept;
      }
    StagedFiles files(manifest_.output_dir);
    try {
      plugin->write_summary(SummaryRequest{form_, entries, options, date}, files);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(ExitCode::software, "output plugin '" + use.plugin + "' failed on the summary: " + e.what());
    }
    for (const auto& t : files.targets()) claim(t, rr.id, manifest_.reports.size());
    rr.outputs = files.commit();
    for (const auto& p : rr.outputs) {
      std::error_code ec;
      rr.files.push_back(OutputRecord{p, sha256_file(p), fs::file_size(p, ec)});
    }
    ReportResult kept = rr;
    kept.outputs.clear();
    state.write("report", rr.id, json{{"key", key}, {"result", detail::to_json(kept)}});
  } catch (const Error& e) {
    rr.status = e.code();
    rr.error = e.what();
  }
  rr.duration_ms = ms_since(t0);
  return rr;
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
