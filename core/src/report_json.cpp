#include <nianbao/report_json.hpp>

#include "result_json.hpp"

#include <nlohmann/json.hpp>

namespace nianbao {

using nlohmann::json;

const char* const kReportSchema = "nianbao-report/1";

namespace {

// A member by reference, null when absent: json::value() would copy it (a
// report's cells, with a source each, are most of a record).
const json& member(const json& j, const char* name) {
  static const json none;
  if (!j.is_object()) return none;
  auto it = j.find(name);
  return it == j.end() ? none : *it;
}

json text_json(const Text& t) {
  json j = json::object();
  j["body"] = t.body;
  j["source"] = detail::to_json(t.source);
  return j;
}
Text text_from(const json& j) { return Text{j.value("body", ""), detail::source_from_json(member(j, "source"))}; }

const char* state_name(Cell::State s) {
  switch (s) {
    case Cell::State::value: return "value";
    case Cell::State::not_applicable: return "not_applicable";
    default: return "blank";
  }
}

}  // namespace

// Built member by member and moved into place: a json initializer list copies
// every value it is given, and a report's cells were copied twice that way.
std::string report_to_json(const Report& r) {
  auto valued = [](json value, const SourceLoc& source) {
    json f = json::object();
    f["value"] = std::move(value);
    f["source"] = detail::to_json(source);
    return f;
  };
  json cells = json::object();
  for (const auto& [k, c] : r.cells) {
    json& cell = cells[k];
    cell["state"] = state_name(c.state);
    cell["source"] = detail::to_json(c.source);
    if (c.has_value()) cell["value"] = c.value.str();
  }
  json texts = json::object(), contact = json::object();
  for (const auto& [k, t] : r.texts) texts[k] = text_json(t);
  for (const auto& [k, t] : r.contact) contact[k] = text_json(t);
  json problems = json::array();
  for (const auto& e : r.problems.kept()) {
    json p = json::object();
    p["code"] = static_cast<int>(e.code());
    p["message"] = e.message();
    p["source"] = detail::to_json(e.where());
    problems.push_back(std::move(p));
  }
  json j = json::object();
  j["schema"] = kReportSchema;
  j["id"] = r.id;
  j["agency"] = valued(r.agency, r.agency_source);
  j["year"] = valued(r.year, r.year_source);
  j["kind"] = valued(r.kind, r.kind_source);
  j["region"] = valued(r.region, r.region_source);
  j["preface"] = r.preface ? text_json(*r.preface) : json(nullptr);
  j["texts"] = std::move(texts);
  j["contact"] = std::move(contact);
  if (r.signature) {
    json& s = j["signature"];
    s["name"] = r.signature->name;
    s["date"] = r.signature->date;
    s["source"] = detail::to_json(r.signature->source);
  } else {
    j["signature"] = nullptr;
  }
  j["cells"] = std::move(cells);
  j["problems"] = std::move(problems);
  j["problem_count"] = r.problems.count();
  return j.dump();
}

Report report_from_json(std::string_view text, const std::string& display) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw Error(ExitCode::data, "不是 JSON 格式的报告记录", {display});
  const std::string schema = j.value("schema", "");
  if (schema.rfind("nianbao-report/1", 0) != 0)
    throw Error(ExitCode::data, "不是本程序能读的报告记录（schema 应为 " + std::string(kReportSchema) + "，实为 “" + schema + "”）",
                {display});
  try {
    Report r;
    r.id = j.value("id", "");
    auto field = [&](const char* name, auto& value, SourceLoc& source) {
      const json& f = j.at(name);
      value = f.at("value").get<std::decay_t<decltype(value)>>();
      source = detail::source_from_json(member(f, "source"));
    };
    field("agency", r.agency, r.agency_source);
    field("year", r.year, r.year_source);
    field("kind", r.kind, r.kind_source);
    field("region", r.region, r.region_source);
    // A part of the record: absent, or of the type it must have.
    auto part = [&](const json& in, const char* name, json::value_t type) -> const json& {
      const json& m = member(in, name);
      if (!m.is_null() && m.type() != type)
        throw Error(ExitCode::data, std::string("报告记录不完整：") + name + " 应为" + (type == json::value_t::array ? "数组" : "对象"),
                    {display});
      return m;
    };
    if (const json& p = member(j, "preface"); p.is_object()) r.preface = text_from(p);
    for (const auto& [k, t] : part(j, "texts", json::value_t::object).items()) r.texts[k] = text_from(t);
    for (const auto& [k, t] : part(j, "contact", json::value_t::object).items()) r.contact[k] = text_from(t);
    if (const json& s = member(j, "signature"); s.is_object())
      r.signature = Signature{s.value("name", ""), s.value("date", ""), detail::source_from_json(member(s, "source"))};
    for (const auto& [k, c] : part(j, "cells", json::value_t::object).items()) {
      SourceLoc at = detail::source_from_json(member(c, "source"));
      const std::string state = c.value("state", "blank");
      if (state == "value") {
        auto v = Decimal::parse(c.at("value").get<std::string>());
        if (!v) throw Error(ExitCode::data, "单元格 " + k + " 的数值不是十进制数", {display});
        r.cells[k] = Cell::number(*v, at);
      } else {
        r.cells[k] = state == "not_applicable" ? Cell::not_applicable(at) : Cell::blank(at);
      }
    }
    for (const auto& p : part(j, "problems", json::value_t::array))
      r.problems.add(Error(static_cast<ExitCode>(p.value("code", 65)), p.value("message", ""),
                           detail::source_from_json(member(p, "source"))));
    std::size_t total = j.value("problem_count", r.problems.count());
    if (total > r.problems.count()) r.problems.count_more(total - r.problems.count());
    return r;
  } catch (const json::exception& e) {
    throw Error(ExitCode::data, std::string("报告记录不完整：") + e.what(), {display});
  }
}

}  // namespace nianbao
