#include "outcome.hpp"

#include "../result_json.hpp"

namespace nianbao {

using nlohmann::json;

Pipeline::Outcome Pipeline::Outcome::failure(std::size_t item, std::size_t entry, const std::string& id, ExitCode code,
                                             const std::string& why) {
  Outcome o;
  o.item = item;
  o.entry = entry;
  o.result.id = id;
  o.result.status = code;
  o.result.error = why;
  return o;
}

json Pipeline::Outcome::to_json() const {
  json st = json::array();
  for (const auto& f : staged) st.push_back({f.staged.string(), f.target.string(), f.sha256, f.bytes});
  return {{"item", item}, {"entry", entry}, {"result", detail::to_json(result)}, {"staged", st}, {"key", key}};
}

Pipeline::Outcome Pipeline::Outcome::from_json(const json& j) {
  Outcome o;
  o.item = j.value("item", std::size_t{0});
  o.entry = j.value("entry", std::size_t{0});
  o.result = detail::result_from_json(j.at("result"));
  for (const auto& f : j.value("staged", json::array()))
    o.staged.push_back(StagedFile{f[0].get<std::string>(), f[1].get<std::string>(), f[2].get<std::string>(), f[3].get<std::uintmax_t>()});
  o.key = j.value("key", "");
  return o;
}

}  // namespace nianbao
