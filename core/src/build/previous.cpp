#include "previous.hpp"

#include "workers.hpp"
#include "../data_files.hpp"

#include <nianbao/hash.hpp>
#include <nianbao/report_json.hpp>
#include <nianbao/text.hpp>

#include <nlohmann/json.hpp>

namespace nianbao {

namespace fs = std::filesystem;
using nlohmann::json;

std::string detail::last_year_key(const Manifest& last) {
  Sha256 h;
  h.add(sha256_file(last.file));
  for (const auto& e : last.reports) {
    h.add(e.id);
    for (const auto& in : e.inputs) {
      std::error_code ec;
      h.add(in.plugin).add(in.display_path).add(fs::is_regular_file(in.path, ec) ? sha256_file(in.path) : "missing");
    }
  }
  return h.hex();
}

void Pipeline::read_last_year(const RunOptions& options, Spill& spill, LastYear& into, int& interrupted) {
  into.read = true;
  into.display = display_path(manifest_.previous);
  const Manifest last = Manifest::load(manifest_.previous);  // configure() has loaded it once already
  // Last year's inputs are read from last year's folder only, as its own build did.
  const fs::path root = detail::data_root(last.base_dir);
  auto job = [&](std::size_t k) -> std::string {
    try {
      json out = json::array();
      for (Report& r : read_reports(last.reports[k], host_, form_, root)) {
        if (!r.problems.empty()) out.push_back({{"id", r.id}, {"problems", r.problems.text()}});
        else out.push_back({{"id", r.id}, {"agency", r.agency}, {"year", r.year}, {"data", report_to_json(r)}});
      }
      return json{{"reports", out}}.dump();
    } catch (const Error& e) {
      return json{{"failed", e.what()}}.dump();
    } catch (const std::exception& e) {
      return json{{"failed", std::string("internal error: ") + e.what()}}.dump();
    }
  };
  auto take = [&](std::size_t k, const std::string& text, const detail::WorkerFailure* failure) {
    const std::string& id = last.reports[k].id;
    json j = failure ? json() : json::parse(text, nullptr, false);
    if (failure || !j.is_object()) {
      into.problems.push_back(id + "：" + (failure ? detail::describe(*failure) : "internal error: unreadable result"));
      return true;
    }
    if (j.contains("failed")) {
      into.problems.push_back(id + "：" + j["failed"].get<std::string>());
      return true;
    }
    for (const auto& r : j["reports"]) {
      if (r.contains("problems")) {
        into.problems.push_back(r.value("id", id) + "：" + r["problems"].get<std::string>());
        continue;
      }
      LastYear::At at;
      at.id = r.value("id", "");
      at.agency = r.value("agency", "");
      at.year = r.value("year", 0);
      std::tie(at.offset, at.length) = spill.put(r["data"].get<std::string>());
      into.by_id.emplace(at.id, into.reports.size());
      into.by_agency.emplace(at.agency, into.reports.size());
      into.reports.push_back(std::move(at));
    }
    return true;
  };
  if (last.reports.empty()) return;
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(last.reports.size())));
  interrupted = detail::run_in_workers(last.reports.size(), jobs, options.item_timeout, job, take).interrupted;
}

std::optional<Report> Pipeline::match_last_year(const ReportEntry& entry, const Report& report, const std::vector<Report>& candidates,
                                                const LastYear* last, const Spill& spill, std::string& why) const {
  std::string wanted = entry.previous_id;
  if (auto it = entry.previous_ids.find(report.agency); it != entry.previous_ids.end()) wanted = it->second;
  // Last year's, and only last year's: a report of another year compared as last year's would mislead.
  auto of_last_year = [&](Report r) -> std::optional<Report> {
    if (r.year == report.year - 1) return r;
    why = "上年数据“" + (r.agency.empty() ? r.id : r.agency) + "”是" + std::to_string(r.year) + "年的，不是" +
          std::to_string(report.year - 1) + "年的";
    return std::nullopt;
  };
  const std::string looked_for = wanted.empty() ? "编号为“" + report.id + "”或单位为“" + report.agency + "”"
                                                : "previous_id 指明的“" + wanted + "”";
  if (!entry.previous.empty()) {
    for (const auto& c : candidates)
      if (!wanted.empty() ? c.id == wanted || c.agency == wanted
                          : c.agency == report.agency || (candidates.size() == 1 && report.id == entry.id))
        return of_last_year(c);
    why = "上年数据（previous:）中没有" + looked_for + "的报告";
    return std::nullopt;
  }
  if (!last) return std::nullopt;
  auto load = [&](std::size_t i) {
    const auto& at = last->reports[i];
    return of_last_year(report_from_json(spill.get(at.offset, at.length), at.id));
  };
  for (const std::string& key : wanted.empty() ? std::vector<std::string>{report.id, report.agency} : std::vector<std::string>{wanted}) {
    if (auto it = last->by_id.find(key); it != last->by_id.end()) return load(it->second);
    if (auto it = last->by_agency.find(key); it != last->by_agency.end()) return load(it->second);
  }
  why = "上年的清单（" + last->display + "）中没有" + looked_for + "的报告" +
        (wanted.empty() ? "（单位改了名称的，用 previous_id 指明上年的编号或名称）" : "");
  if (!last->problems.empty())
    why += "；上年有 " + std::to_string(last->problems.size()) + " 项未能读取，如 " + last->problems.front();
  return std::nullopt;
}

}  // namespace nianbao
