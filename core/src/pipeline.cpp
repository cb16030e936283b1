#include "config_lookup.hpp"

#include <nianbao/compose.hpp>
#include <nianbao/output_files.hpp>
#include <nianbao/pipeline.hpp>
#include <nianbao/text.hpp>

#include <cstdlib>
#include <ctime>
#include <map>

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
  p.input = host.create_input(use.plugin);
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

std::vector<ReportResult> Pipeline::run_entry(const ReportEntry& entry, const Planned& plan, const RunOptions& options) {
  std::vector<ReportResult> results;
  ReportResult failed;
  failed.id = entry.id;
  try {
    if (plan.error) throw *plan.error;
    const EntryConfig& config = *plan.config;
    const std::vector<ResolvedOutput>& outputs = config.outputs;
    if (options.mode == Mode::build && outputs.empty())
      throw Error(ExitCode::config,
                  "report '" + entry.id +
                      "' has no outputs (name them under outputs:, for the report or the whole manifest; "
                      "`nianbao plugins` lists them)",
                  entry.source);
    std::vector<Report> reports = read_reports(entry, host_, form_);

    for (auto& report : reports) {
      ReportResult rr;
      rr.id = report.id;
      rr.agency = report.agency;
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
        if (options.mode == Mode::build && (!invalid || options.write_invalid)) {
          std::string build_date = fixed_build_date(manifest_);
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
          for (const auto& t : files.targets()) {
            auto [it, fresh] = claimed_.emplace(t, report.id);
            if (!fresh)
              throw Error(ExitCode::config, "report '" + report.id + "' would overwrite " + display_path(t) +
                                                ", written by report '" + it->second + "' in this run");
          }
          rr.outputs = files.commit();
        } else if (options.mode == Mode::build) {
          rr.error = "规则检查有错误，未生成文件（已保留上次生成的文件）";
        }
        if (invalid) rr.status = ExitCode::data;
      } catch (const Error& e) {
        rr.status = e.code();
        rr.error = e.what();
      }
      results.push_back(std::move(rr));
    }
  } catch (const Error& e) {
    failed.status = e.code();
    failed.error = e.what();
    results.push_back(failed);
  } catch (const std::exception& e) {
    failed.status = ExitCode::software;
    failed.error = std::string("internal error: ") + e.what();
    results.push_back(failed);
  }
  return results;
}

BuildResult Pipeline::run(const RunOptions& options, const std::function<void(const ReportResult&)>& on_report) {
  BuildResult out;
  claimed_.clear();
  // Configuration first, for every report: a wrong profile, option or font
  // file stops the build before anything is read or written.
  const bool build = options.mode == Mode::build;
  std::vector<Planned> plans(manifest_.reports.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    try {
      plans[i].config = config_.resolve(&manifest_.reports[i], build);
    } catch (const Error& e) {
      if (e.code() == ExitCode::config) throw;
      plans[i].error = e;
    }
  }
  std::vector<ResolvedOutput> summaries;
  std::vector<ReportResult> failed_summaries;
  if (build)
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

  for (std::size_t i = 0; i < plans.size(); ++i) {
    for (auto& rr : run_entry(manifest_.reports[i], plans[i], options)) {
      out.exit = worse(out.exit, rr.status);
      if (on_report) on_report(rr);
      out.reports.push_back(std::move(rr));
    }
  }
  if (build) {
    std::vector<ReportResult> reports = out.reports;
    for (const auto& s : summaries) {
      ReportResult rr = run_summary(s, reports);
      out.exit = worse(out.exit, rr.status);
      if (on_report) on_report(rr);
      out.reports.push_back(std::move(rr));
    }
    for (auto& rr : failed_summaries) {
      out.exit = worse(out.exit, rr.status);
      if (on_report) on_report(rr);
      out.reports.push_back(std::move(rr));
    }
  }
  return out;
}

ReportResult Pipeline::run_summary(const ResolvedOutput& out, const std::vector<ReportResult>& reports) {
  const PluginUse& use = out.use;
  const auto& plugin = out.plugin;
  const Options& options = out.options;
  ReportResult rr;
  rr.id = "summary:" + use.plugin;
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
      e.status = r.status;
      e.error = r.error;
      e.findings = r.findings;
      e.values = r.summary_values;
      last_year = std::max(last_year, r.year);
      entries.push_back(std::move(e));
    }
    std::string date = fixed_build_date(manifest_);
    if (date.empty()) date = std::to_string(last_year > 0 ? last_year + 1 : 2000) + "-01-01";
    StagedFiles files(manifest_.output_dir);
    try {
      plugin->write_summary(SummaryRequest{form_, entries, options, date}, files);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(ExitCode::software, "output plugin '" + use.plugin + "' failed on the summary: " + e.what());
    }
    for (const auto& t : files.targets()) {
      auto [it, fresh] = claimed_.emplace(t, rr.id);
      if (!fresh) throw Error(ExitCode::config, "the summary would overwrite " + display_path(t) + ", written by report '" + it->second + "'");
    }
    rr.outputs = files.commit();
  } catch (const Error& e) {
    rr.status = e.code();
    rr.error = e.what();
  }
  return rr;
}

}  // namespace nianbao
