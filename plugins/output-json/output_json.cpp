// Output plugin `json`: the report's record (schema nianbao-record/1) — its
// identity, texts, every cell of the form with its state, exact value and
// source, and the findings. Each cell is one line, so that a reader (the
// input plugin `json`, next year) can name a cell by its line.
#include <nianbao/plugin.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using Json = nlohmann::ordered_json;  // keys in the order written: the same input gives the same bytes

constexpr const char* kSchema = "nianbao-record/1";

// One value on one line: {"a": 1, "b": "x"}. nlohmann escapes the strings;
// the layout is ours (its own dump has no spaces or puts every key on a line).
void put_inline(const Json& v, std::string& out) {
  if (v.is_object()) {
    if (v.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += Json(it.key()).dump();
      out += ": ";
      put_inline(it.value(), out);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out += ", ";
      put_inline(v[i], out);
    }
    out += ']';
  } else {
    out += v.dump();  // strict: invalid UTF-8 throws, caught in write()
  }
}

std::string inline_json(const Json& v) {
  std::string s;
  put_inline(v, s);
  return s;
}

Json source_json(const nianbao::SourceLoc& s) {
  if (!s.known()) return nullptr;
  Json j = {{"file", s.file}, {"line", s.line}, {"column", s.column}};
  if (!s.column_name.empty()) j["cell"] = s.column_name;
  if (!s.sheet.empty()) j["sheet"] = s.sheet;
  return j;
}

Json text_json(const nianbao::Text& t) { return {{"text", t.body}, {"source", source_json(t.source)}}; }

const char* state_name(nianbao::Cell::State s) {
  switch (s) {
    case nianbao::Cell::State::value: return "value";
    case nianbao::Cell::State::not_applicable: return "not_applicable";
    case nianbao::Cell::State::blank: break;
  }
  return "blank";
}

// {\n    "key": {…},\n    …\n  } — one entry a line, in the order given.
std::string block(const std::vector<std::pair<std::string, Json>>& entries) {
  if (entries.empty()) return "{}";
  std::string s = "{\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    s += "    " + Json(entries[i].first).dump() + ": " + inline_json(entries[i].second);
    s += i + 1 < entries.size() ? ",\n" : "\n";
  }
  return s + "  }";
}

std::string findings_block(const std::vector<nianbao::Finding>& findings) {
  if (findings.empty()) return "[]";
  std::string s = "[\n";
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const nianbao::Finding& f = findings[i];
    Json head = {{"rule", f.rule}, {"severity", nianbao::to_string(f.severity)}, {"message", f.message}};
    std::string h = inline_json(head);
    h.pop_back();  // the closing brace: "cells" follows, one cell a line
    s += "    " + h + ", \"cells\": [";
    for (std::size_t c = 0; c < f.cells.size(); ++c) {
      const nianbao::FindingCell& fc = f.cells[c];
      Json cell = {{"key", fc.key}, {"previous", fc.previous}, {"label", fc.label}, {"value", fc.value},
                   {"source", source_json(fc.source)}};
      s += "\n      " + inline_json(cell) + (c + 1 < f.cells.size() ? "," : "\n    ");
    }
    s += "]}";
    s += i + 1 < findings.size() ? ",\n" : "\n";
  }
  return s + "  ]";
}

std::string record(const nianbao::OutputRequest& rq) {
  const nianbao::Report& r = rq.report;

  std::vector<std::pair<std::string, Json>> texts, contact, cells;
  for (const auto& [k, t] : r.texts) texts.emplace_back(k, text_json(t));
  for (const auto& [k, t] : r.contact) contact.emplace_back(k, text_json(t));
  for (const auto& [key, label] : rq.doc.cell_labels) {
    const nianbao::Cell& c = r.cell(key);
    Json j = {{"state", state_name(c.state)}};
    if (c.has_value()) j["value"] = c.value.str();
    j["label"] = label;
    j["source"] = source_json(c.source);
    cells.emplace_back(key, std::move(j));
  }

  Json signature = nullptr;
  if (r.signature)
    signature = {{"name", r.signature->name}, {"date", r.signature->date}, {"source", source_json(r.signature->source)}};

  const std::vector<std::pair<std::string, std::string>> top = {
      {"schema", Json(kSchema).dump()},
      {"form", Json(rq.doc.form).dump()},
      {"id", Json(r.id).dump()},
      {"agency", Json(r.agency).dump()},
      {"year", Json(r.year).dump()},
      {"kind", Json(r.kind).dump()},
      {"kind_label", rq.doc.kind_label.empty() ? "null" : Json(rq.doc.kind_label).dump()},
      {"region", Json(r.region).dump()},
      {"preface", r.preface ? inline_json(text_json(*r.preface)) : "null"},
      {"texts", block(texts)},
      {"contact", block(contact)},
      {"signature", inline_json(signature)},
      {"cells", block(cells)},
      {"findings", findings_block(rq.findings)},
  };
  std::string s = "{\n";
  for (std::size_t i = 0; i < top.size(); ++i) {
    s += "  \"" + top[i].first + "\": " + top[i].second;
    s += i + 1 < top.size() ? ",\n" : "\n";
  }
  return s + "}\n";
}

class JsonOutput : public nianbao::OutputPlugin {
 public:
  void write(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) override {
    std::string bytes;
    try {
      bytes = record(rq);
    } catch (const nlohmann::json::exception& e) {
      // Inputs hand over valid UTF-8; a text that is not cannot be JSON.
      throw nianbao::Error(nianbao::ExitCode::data, std::string("报告中有文字不是有效的 UTF-8，无法写成 JSON：") + e.what());
    }
    nianbao::write_bytes(files.create(rq.doc.file_stem + ".json"), bytes);
  }
};

}  // namespace

NIANBAO_OUTPUT_PLUGIN(JsonOutput, "json", "1.0.0",
                      "The report's record as JSON (nianbao-record/1): every cell on a line of its own, with findings",
                      nullptr)
