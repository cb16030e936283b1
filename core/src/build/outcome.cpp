#include "outcome.hpp"

#include "../result_json.hpp"

namespace nianbao {

using nlohmann::json;

Pipeline::Outcome Pipeline::Outcome::failure(std::size_t entry, const std::string& id, ExitCode code, const std::string& why) {
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

json Pipeline::Outcome::to_json() const {
  json rs = json::array();
  for (std::size_t i = 0; i < results.size(); ++i) {
    json st = json::array();
    for (const auto& f : staged[i]) st.push_back({f.staged.string(), f.target.string(), f.sha256, f.bytes});
    rs.push_back({{"result", detail::to_json(results[i])}, {"staged", st}, {"key", keys[i]}});
  }
  return {{"item", item},   {"entry", entry},           {"unchanged", unchanged},
          {"entry_key", entry_key}, {"files_read", files_read}, {"results", rs}};
}

Pipeline::Outcome Pipeline::Outcome::from_json(const json& j) {
  Outcome o;
  o.item = j.value("item", std::size_t{0});
  o.entry = j.value("entry", std::size_t{0});
  o.unchanged = j.value("unchanged", false);
  o.entry_key = j.value("entry_key", "");
  o.files_read = j.value("files_read", std::vector<std::pair<std::string, std::string>>{});
  for (const auto& r : j.value("results", json::array())) {
    o.results.push_back(detail::result_from_json(r["result"]));
    std::vector<StagedFile> st;
    for (const auto& f : r["staged"])
      st.push_back(StagedFile{f[0].get<std::string>(), f[1].get<std::string>(), f[2].get<std::string>(), f[3].get<std::uintmax_t>()});
    o.staged.push_back(std::move(st));
    o.keys.push_back(r.value("key", ""));
  }
  return o;
}

}  // namespace nianbao
