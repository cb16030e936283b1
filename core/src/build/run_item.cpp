// One work item, in a worker process: is it unchanged since its last good
// build? If not: read its inputs, check each report, compose it and write its
// outputs into the item's slot of the staging area. Nothing is published
// here; the build process commits what this returns, in plan order.
#include "outcome.hpp"
#include "state.hpp"
#include "workers.hpp"

#include <nianbao/compose.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/text.hpp>

#include <chrono>

namespace nianbao {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

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

// What every report must have once its inputs are merged.
void require_identity(const Form& form, const Report& r, const std::string& where) {
  if (r.agency.empty()) throw Error(ExitCode::data, "缺少单位名称（agency）", {where});
  if (r.year == 0) throw Error(ExitCode::data, "缺少年度（year）", {where});
  if (r.kind.empty())
    throw Error(ExitCode::data, "缺少单位类型（kind），可选：" + join(form.kind_keys(), "、"), {where});
}

}  // namespace

std::string Pipeline::entry_key(const ReportEntry& entry, const Planned& plan) {
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
  return k.hex();
}

std::string Pipeline::document_date(const Report& r) const {
  if (!build_date_.empty()) return build_date_;
  return r.signature ? r.signature->date : std::to_string(r.year + 1) + "-01-01";
}

OutputPlugin& Pipeline::output_plugin(const PluginUse& use) {
  auto& p = output_plugins_[use.plugin];
  if (!p) p = host_.create_output(use.plugin, use.source);
  return *p;
}

Pipeline::Outcome Pipeline::run_entry(const ReportEntry& entry, const Planned& plan, const RunOptions& options,
                                      const StagingArea* area, const std::string& slot) {
  Outcome out;
  auto t0 = std::chrono::steady_clock::now();
  const bool build = options.mode == Mode::build;
  std::optional<detail::BuildState> state;
  if (build) state.emplace(manifest_.state_dir);
  std::vector<std::string> entry_notices;
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
      out.entry_key = entry_key(entry, plan);
      if (!options.force) {
        // Nothing changed for the whole item — its inputs, and the files they
        // referred to: no input is even parsed.
        bool damaged = false;
        auto stamp = state->read("entry", entry.id, &damaged);
        if (damaged) entry_notices.push_back("the record of its last build was damaged and is ignored: it is built again");
        if (stamp && stamp->value("key", "") == out.entry_key && detail::files_unchanged(stamp->value("files_read", json::array()))) {
          std::vector<ReportResult> kept;
          std::vector<std::string> notices;
          const json reports = stamp->value("reports", json::array());
          for (const auto& rj : reports) {
            if (!rj.is_object()) break;
            auto r = detail::fresh_result(*state, rj.value("id", ""), rj.value("key", ""), notices);
            if (!r) break;
            kept.push_back(std::move(*r));
          }
          if (!kept.empty() && kept.size() == reports.size()) {
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

    std::vector<Report> reports = read_reports(entry, host_, form_, data_root_, &out.files_read);
    for (std::size_t n = 0; n < reports.size(); ++n) {
      Report& report = reports[n];
      auto r0 = std::chrono::steady_clock::now();
      ReportResult rr;
      rr.id = report.id;
      rr.entry = entry.id;
      rr.agency = report.agency;
      if (n == 0) rr.notices = entry_notices;
      std::vector<StagedFile> staged;
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
        if (build && !options.force && !invalid) kept = detail::fresh_result(*state, report.id, key, rr.notices);
        if (kept) {
          kept->notices = rr.notices;
          rr = std::move(*kept);
          key.clear();  // its stamp stands as it is
        } else if (build && (!invalid || options.write_invalid)) {
          std::string build_date = document_date(report);
          Document doc = compose(form_, report, config.document, build_date);
          doc.build_date = build_date;
          rr.file_stem = doc.file_stem;
          StagedFiles files(*area, slot + "/" + std::to_string(n));
          for (const auto& p : outputs) {
            const std::string who = "output plugin '" + p.use.plugin + "'";
            detail::worker_phase(who + "\twriting report " + report.id);
            try {
              output_plugin(p.use).write(OutputRequest{doc, report, form_, rr.findings, p.options}, files);
            } catch (const Error&) {
              throw;
            } catch (const std::exception& e) {
              throw Error(ExitCode::software, who + " failed: " + e.what());
            } catch (...) {
              throw Error(ExitCode::software, who + " threw something that is not an exception");
            }
          }
          detail::worker_phase("the worker process\tsyncing the files of report " + report.id);
          staged = files.release();
          for (const auto& f : staged) rr.files.push_back(OutputRecord{f.target, f.sha256, f.bytes});
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
      } catch (const std::overflow_error& e) {
        rr.status = ExitCode::data;
        rr.error = std::string("数值合计超出范围：") + e.what();
      }
      if (!rr.skipped) rr.duration_ms = ms_since(r0);
      out.results.push_back(std::move(rr));
      out.staged.push_back(std::move(staged));
      out.keys.push_back(std::move(key));
    }
  } catch (const Error& e) {
    for (const auto& st : out.staged) StagedFiles::abort_staged(st);
    out = Outcome::failure(0, entry.id, e.code(), e.what());  // the caller sets item and entry
    out.results.front().notices = entry_notices;
    out.results.front().duration_ms = ms_since(t0);
  } catch (const std::exception& e) {
    for (const auto& st : out.staged) StagedFiles::abort_staged(st);
    out = Outcome::failure(0, entry.id, ExitCode::software, std::string("internal error: ") + e.what());
    out.results.front().duration_ms = ms_since(t0);
  } catch (...) {
    for (const auto& st : out.staged) StagedFiles::abort_staged(st);
    out = Outcome::failure(0, entry.id, ExitCode::software, "an input plugin threw something that is not an exception");
    out.results.front().duration_ms = ms_since(t0);
  }
  return out;
}

}  // namespace nianbao
