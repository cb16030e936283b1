#include "result_json.hpp"

namespace nianbao::detail {

using nlohmann::json;

json to_json(const SourceLoc& s) {
  if (!s.known()) return nullptr;
  json j = json::object();  // not an initializer list, which copies each value
  j["file"] = s.file;
  j["line"] = s.line;
  j["column"] = s.column;
  if (!s.column_name.empty()) j["column_name"] = s.column_name;
  if (!s.sheet.empty()) j["sheet"] = s.sheet;
  return j;
}

SourceLoc source_from_json(const json& j) {
  if (!j.is_object()) return {};
  return SourceLoc{j.value("file", ""), j.value("line", 0), j.value("column", 0), j.value("column_name", ""), j.value("sheet", "")};
}

json to_json(const Finding& f) {
  json cells = json::array();
  for (const auto& c : f.cells)
    cells.push_back({{"key", c.key}, {"label", c.label}, {"value", c.value}, {"source", to_json(c.source)}, {"previous", c.previous}});
  return {{"report", f.report}, {"rule", f.rule}, {"severity", to_string(f.severity)}, {"message", f.message}, {"cells", cells}};
}

Finding finding_from_json(const json& j) {
  Finding f;
  f.report = j.value("report", "");
  f.rule = j.value("rule", "");
  f.severity = j.value("severity", "error") == "warning" ? Severity::warning : Severity::error;
  f.message = j.value("message", "");
  for (const auto& c : j.value("cells", json::array()))
    f.cells.push_back(FindingCell{c.value("key", ""), c.value("label", ""), c.value("value", ""), source_from_json(c["source"]), c.value("previous", false)});
  return f;
}

json to_json(const ReportResult& r) {
  json values = json::array();
  for (const auto& v : r.summary_values) values.push_back(v ? json(v->str()) : json(nullptr));
  json last = json::array();
  for (const auto& v : r.last_values) last.push_back(v ? json(v->str()) : json(nullptr));
  json findings = json::array();
  for (const auto& f : r.findings) findings.push_back(to_json(f));
  json outputs = json::array();
  for (const auto& o : r.outputs) outputs.push_back(o.string());
  json files = json::array();
  for (const auto& f : r.files)
    files.push_back({{"path", f.path.string()}, {"sha256", f.sha256}, {"bytes", f.bytes},
                     {"stat", {f.inode, f.mtime_ns, f.ctime_ns}}});
  return {{"id", r.id},
          {"entry", r.entry},
          {"agency", r.agency},
          {"kind", r.kind},
          {"year", r.year},
          {"file_stem", r.file_stem},
          {"phone", r.phone},
          {"summary_values", values},
          {"last_values", last},
          {"exit_code", static_cast<int>(r.status)},
          {"error", r.error},
          {"findings", findings},
          {"written", outputs},
          {"files", files},
          {"skipped", r.skipped},
          {"cancelled", r.cancelled},
          {"notices", r.notices},
          {"duration_ms", r.duration_ms}};
}

void read_report_fields(const json& j, ReportResult& r) {
  r.id = j.value("id", "");
  r.entry = j.value("entry", "");
  r.agency = j.value("agency", "");
  r.kind = j.value("kind", "");
  r.year = j.value("year", 0);
  r.file_stem = j.value("file_stem", "");
  r.phone = j.value("phone", "");
  for (const auto& v : j.value("summary_values", json::array()))
    r.summary_values.push_back(v.is_string() ? Decimal::parse(v.get<std::string>()) : std::nullopt);
  for (const auto& v : j.value("last_values", json::array()))
    r.last_values.push_back(v.is_string() ? Decimal::parse(v.get<std::string>()) : std::nullopt);
  r.status = static_cast<ExitCode>(j.value("exit_code", 0));
  r.error = j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "";
  for (const auto& f : j.value("findings", json::array())) r.findings.push_back(finding_from_json(f));
}

ReportResult result_from_json(const json& j) {
  ReportResult r;
  read_report_fields(j, r);
  for (const auto& o : j.value("written", json::array())) r.outputs.emplace_back(o.get<std::string>());
  for (const auto& f : j.value("files", json::array())) {
    OutputRecord o{f.value("path", ""), f.value("sha256", ""), f.value("bytes", std::uintmax_t{0})};
    if (f.contains("stat") && f["stat"].is_array() && f["stat"].size() == 3) {
      o.inode = f["stat"][0].get<std::uint64_t>();
      o.mtime_ns = f["stat"][1].get<std::int64_t>();
      o.ctime_ns = f["stat"][2].get<std::int64_t>();
    }
    r.files.push_back(std::move(o));
  }
  r.skipped = j.value("skipped", false);
  r.cancelled = j.value("cancelled", false);
  r.notices = j.value("notices", std::vector<std::string>{});
  r.duration_ms = j.value("duration_ms", 0.0);
  return r;
}

}  // namespace nianbao::detail
