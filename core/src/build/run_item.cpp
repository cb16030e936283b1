// One report, in a worker process: its data from the spill, checked against
// the form's rules, composed and written by each output plugin into its slot
// of the staging area. Nothing is published here; the build process commits
// what this returns, in plan order.
#include "outcome.hpp"
#include "plan.hpp"
#include "state.hpp"
#include "workers.hpp"

#include <nianbao/compose.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/report_json.hpp>
#include <nianbao/text.hpp>

#include <chrono>

namespace nianbao {

namespace fs = std::filesystem;

std::string Pipeline::entry_key(const ReportEntry& entry, const Planned& plan) {
  Sha256 k;
  k.add(plan.config_key ? *plan.config_key : std::string());
  std::vector<const PluginUse*> uses;
  for (const auto& in : entry.inputs) uses.push_back(&in);
  for (const auto& in : entry.previous) uses.push_back(&in);  // last year's, as the entry names it
  for (const PluginUse* use : uses) {
    const PluginUse& in = *use;
    k.add(in.plugin).add(in.display_path);
    const PluginInfo& info = host_.info(PluginKind::input, in.plugin);
    k.add(info.version).add(file_hash(info.file));
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

Pipeline::Outcome Pipeline::build_item(const Item& item, const Planned& plan, const RunOptions& options, const Spill& spill,
                                       const StagingArea* area, const std::string& slot) {
  auto t0 = std::chrono::steady_clock::now();
  const bool build = options.mode == Mode::build;
  Outcome out;
  out.item = item.index;
  out.entry = item.entry;
  ReportResult& rr = out.result;
  rr.id = item.id;
  rr.entry = manifest_.reports[item.entry].id;
  rr.agency = item.agency;
  rr.kind = item.kind;
  rr.year = item.year;
  rr.file_stem = item.file_stem;
  rr.notices = item.notices;
  std::vector<StagedFile> staged;
  try {
    const EntryConfig& config = *plan.config;
    if (build && config.outputs.empty() && !options.fill_in)
      throw Error(ExitCode::config,
                  "report '" + manifest_.reports[item.entry].id +
                      "' has no outputs (name them under outputs:, for the report or the whole manifest; "
                      "`nianbao plugins` lists them)",
                  manifest_.reports[item.entry].source);
    Report report = report_from_json(spill.get(item.offset, item.length), item.id);
    std::optional<Report> last;
    if (item.last_length) last = report_from_json(spill.get(item.last_offset, item.last_length), item.id);
    if (auto phone = report.contact.find("phone"); phone != report.contact.end()) rr.phone = phone->second.body;
    else if (auto d = config.document.contact.find("phone"); d != config.document.contact.end()) rr.phone = d->second.body;
    auto total = [](const Report& r, const SummaryColumn& col) {
      std::optional<Decimal> sum = Decimal{};
      for (const auto& k : col.cells) {
        const Cell& c = r.cell(k);
        if (c.has_value() && sum) sum = *sum + c.value;
        else sum.reset();
      }
      return sum;
    };
    for (const auto& col : form_.summary) {
      rr.summary_values.push_back(total(report, col));
      if (last) rr.last_values.push_back(total(*last, col));
    }
    if (options.fill_in) {
      // Who the agency is, and nothing it is to fill in: the numbers and texts are its to write.
      Report blank;
      blank.id = report.id;
      blank.agency = report.agency;
      blank.year = report.year;
      blank.kind = report.kind;
      blank.region = report.region;
      blank.contact = report.contact;
      blank.signature = report.signature;
      if (blank.agency.empty() || blank.year == 0 || blank.kind.empty()) throw Error(report.problems.empty() ? ExitCode::data : report.problems.code(),
                                                                                     report.problems.empty() ? "缺少单位名称、年度或单位类型" : report.problems.text());
      report = std::move(blank);
      rr.summary_values.assign(rr.summary_values.size(), std::nullopt);
    } else {
      rr.findings = run_checks(form_, report, last ? &*last : nullptr);
      if (!item.last_missing.empty()) {
        // Asked for and not found: the cross-year rules did not run, and the county should know.
        Finding f;
        f.report = report.id;
        f.rule = "上年";
        f.severity = Severity::warning;
        f.message = "上年 未做跨年度检查（R6、R7、同比）：" + item.last_missing;
        rr.findings.insert(rr.findings.begin(), std::move(f));
      }
    }
    bool invalid = has_errors(rr.findings);
    if (build && (!invalid || options.write_invalid)) {
      std::string build_date = document_date(report);
      Document doc = compose(form_, report, config.document, build_date);
      doc.build_date = build_date;
      StagedFiles files(*area, slot);
      for (const auto& p : config.outputs) {
        const std::string who = "output plugin '" + p.use.plugin + "'";
        detail::worker_phase(who + "\twriting report " + report.id);
        try {
          output_plugin(p.use).write(OutputRequest{doc, rr.findings, p.options, report}, files);
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
      out.key = item.key;
    } else if (build) {
      // Only say a file was kept when there is one to keep.
      bool earlier = false;
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(manifest_.output_dir, ec)) {
        std::string n = e.path().filename().string();
        earlier = earlier || (n.size() > item.file_stem.size() && n.compare(0, item.file_stem.size() + 1, item.file_stem + ".") == 0);
      }
      rr.error = earlier ? "规则检查有错误，未生成文件（已保留上次生成的文件）" : "规则检查有错误，未生成文件";
    }
    if (invalid) rr.status = ExitCode::data;
  } catch (const Error& e) {
    StagedFiles::abort_staged(staged);
    staged.clear();
    rr.files.clear();
    out.key.clear();
    rr.status = e.code();
    rr.error = e.what();
  } catch (const std::overflow_error& e) {
    rr.status = ExitCode::data;
    rr.error = std::string("数值合计超出范围：") + e.what();
  }
  out.staged = std::move(staged);
  rr.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace nianbao
