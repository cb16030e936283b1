// Input plugin `json`: a report's record (nianbao-record/1), as the output
// plugin `json` writes it, read back — this year's record as next year's
// input. Strict: the schema and the form must match, every key must be one
// the record has, every value parses as the other inputs parse it. Each cell
// is placed at its line of the file; the findings are not read (the checks
// run again).
#include <nianbao/dates.hpp>
#include <nianbao/input_file.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>

#include <nlohmann/json.hpp>


#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using nianbao::Error;
using nianbao::ExitCode;
using nianbao::SourceLoc;
using Json = nlohmann::json;
using Path = std::vector<std::string>;

constexpr ExitCode kData = ExitCode::data;
constexpr const char* kSchema = "nianbao-record/1";
// Far above any real record (a whole report is some 60 KB, 5 levels deep,
// a few thousand values), low enough that a wrong file costs seconds and
// some hundred MB at most.
constexpr std::size_t kMaxBytes = std::size_t{64} << 20;
constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMaxValues = 200000;

// Plain predicates: std::strchr would find a NUL byte in every set.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_punct(char c) { return c == ',' || c == ':' || c == '[' || c == ']' || c == '{' || c == '}'; }
bool ends_literal(char c) { return is_space(c) || is_punct(c) || c == '"'; }

struct Pos {
  int line = 1, column = 1;  // 1-based; the column in characters
};

// Line and column of byte `offset` of `text`.
Pos pos_of_byte(std::string_view text, std::size_t offset) {
  Pos p;
  offset = std::min(offset, text.size());
  for (std::size_t i = 0; i < offset; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

// Where the keys of the record stand. nlohmann gives no positions, so the
// text is scanned once more: for each key within three levels of objects,
// the position of its opening quote; the keys of the top two levels in file
// order; duplicate keys (nlohmann would keep the last silently). The scan
// also bounds nesting and size before nlohmann builds anything, and it
// tolerates any bytes, since it runs before the syntax is known to be valid.
class Layout {
 public:
  struct Duplicate {
    std::string key;
    Pos at;
    int first_line = 0;
  };

  explicit Layout(std::string_view text) { scan(text); }

  std::optional<Pos> too_deep, too_many;
  std::vector<Duplicate> duplicates;

  // The key at `path`, or the nearest enclosing key that was seen.
  Pos at(Path path) const {
    for (; !path.empty(); path.pop_back())
      if (auto it = keys_.find(path); it != keys_.end()) return it->second;
    return first_;
  }
  // The keys of the object at `path` (depth 0 or 1) in the order written.
  const std::vector<std::string>& order(const Path& path) const {
    static const std::vector<std::string> none;
    auto it = order_.find(path);
    return it == order_.end() ? none : it->second;
  }

 private:
  struct Frame {
    bool object = false;
    bool want_key = false;
    bool tracked = false;  // within three levels of objects from the root
    Path path;             // tracked frames: the keys leading here
    std::string key;       // the current key of an object
    std::map<std::string, int> seen;  // key → line
  };

  static std::string decode(std::string_view token) {
    if (token.size() >= 2 && token.back() == '"' && token.find('\\') == std::string_view::npos)
      return std::string(token.substr(1, token.size() - 2));
    Json j = Json::parse(token, nullptr, false);
    return j.is_string() ? j.get<std::string>() : std::string(token);
  }

  void scan(std::string_view text) {
    std::vector<Frame> stack;
    std::size_t i = 0, values = 0;
    Pos here;
    bool first_seen = false;
    auto step = [&] {
      auto c = static_cast<unsigned char>(text[i++]);
      if (c == '\n') {
        ++here.line;
        here.column = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++here.column;
      }
    };
    auto value_starts = [&] {
      if (++values > kMaxValues && !too_many) too_many = here;
    };
    while (i < text.size() && !too_deep && !too_many) {
      const char c = text[i];
      const Pos at = here;
      if (is_space(c)) {
        step();
        continue;
      }
      if (!first_seen) {
        first_ = at;
        first_seen = true;
      }
      if (c == '"') {
        const std::size_t start = i;
        step();
        while (i < text.size() && text[i] != '"') {
          if (text[i] == '\\' && i + 1 < text.size()) step();
          step();
        }
        if (i < text.size()) step();
        if (!stack.empty() && stack.back().object && stack.back().want_key) {
          Frame& f = stack.back();
          f.want_key = false;
          f.key = decode(text.substr(start, i - start));
          auto [it, fresh] = f.seen.emplace(f.key, at.line);
          if (!fresh) duplicates.push_back({f.key, at, it->second});
          if (f.tracked) {
            Path p = f.path;
            p.push_back(f.key);
            keys_.emplace(p, at);
            if (f.path.size() <= 1 && fresh) order_[f.path].push_back(f.key);
          }
        } else {
          value_starts();
        }
        continue;
      }
      if (c == '{' || c == '[') {
        value_starts();
        if (stack.size() >= kMaxDepth) {
          too_deep = at;
          break;
        }
        Frame f;
        f.object = c == '{';
        f.want_key = f.object;
        if (stack.empty()) {
          f.tracked = f.object;
        } else if (const Frame& up = stack.back(); up.tracked && up.object && up.path.size() < 2) {
          f.tracked = f.object;
          f.path = up.path;
          f.path.push_back(up.key);
        }
        stack.push_back(std::move(f));
        step();
        continue;
      }
      if (c == '}' || c == ']') {
        if (!stack.empty()) stack.pop_back();
        step();
        continue;
      }
      if (c == ',') {
        if (!stack.empty() && stack.back().object) stack.back().want_key = true;
        step();
        continue;
      }
      if (c != ':') {  // a number or literal: one value, however long
        value_starts();
        step();  // at least one byte, whatever it is
        while (i < text.size() && !ends_literal(text[i])) step();
        continue;
      }
      step();
    }
  }

  Pos first_;
  std::map<Path, Pos> keys_;
  std::map<Path, std::vector<std::string>> order_;
};

// The first byte of the token (string, number, literal, punctuation) that
// holds byte `offset`: nlohmann says where a token it did not expect ends.
std::size_t token_start(std::string_view text, std::size_t offset) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i > offset) return offset;
    const std::size_t start = i;
    if (i >= text.size()) break;
    if (text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      ++i;
    } else if (is_punct(text[i])) {
      ++i;
    } else {
      for (++i; i < text.size() && !ends_literal(text[i]);) ++i;
    }
    if (offset < i) return start;
  }
  return offset;
}

// nlohmann's explanation without its own position (in bytes) and without the
// token it last read, which may be long or not valid UTF-8.
std::string explain(const Json::parse_error& e) {
  std::string m = e.what();
  if (auto p = m.find("column "); p != std::string::npos)
    if (auto q = m.find(": ", p); q != std::string::npos) m = m.substr(q + 2);
  if (auto p = m.find("; last read"); p != std::string::npos) {
    std::string expected;
    if (auto q = m.rfind("; expected "); q != std::string::npos && q > p) expected = m.substr(q);
    m = m.substr(0, p) + (expected.size() < 80 ? expected : std::string{});
  }
  return nianbao::valid_utf8(m) ? m : "syntax error";
}

// A key as a message names it: 'key', or quoted and cut when it is long.
std::string named(const std::string& key) {
  return nianbao::count_chars(key) <= 80 ? "'" + key + "'" : nianbao::quote_value(key);
}

// A JSON value as a message quotes it.
std::string shown(const Json& v) { return nianbao::quote_value(v.is_string() ? v.get<std::string>() : v.dump()); }

class Record {
 public:
  Record(const nianbao::InputRequest& rq, const Layout& layout, const Json& root)
      : rq_(rq), form_(rq.form), layout_(layout), root_(root) {}

  nianbao::Report read() {
    if (!root_.is_object())
      throw Error(kData, "报告记录应为一个 JSON 对象：{\"schema\": \"" + std::string(kSchema) + "\", …}", loc({}));
    check_schema_and_form();
    for (const auto& d : layout_.duplicates)
      p().add(Error(kData, "键 " + named(d.key) + " 重复（第一次在第 " + std::to_string(d.first_line) + " 行）", at(d.at)));

    const std::vector<std::string> top = {"schema", "form",    "id",      "agency",    "year",  "kind",    "kind_label",
                                          "region", "preface", "texts",   "contact",   "signature", "cells", "findings"};
    for (const std::string& k : layout_.order({})) {
      if (std::find(top.begin(), top.end(), k) == top.end()) {
        p().add(Error(kData, "未知的键 " + named(k) + suggest(k, top) + "（可用：" + nianbao::join(top, "、") + "）", loc({k})));
        continue;
      }
      auto it = root_.find(k);
      if (it == root_.end()) continue;  // a duplicate's first object: reported above
      const Json& v = *it;
      if (k == "agency") {
        p().attempt([&] {
          r_.agency = string(v, {k}, "单位名称（agency）");
          r_.agency_source = loc({k});
          if (r_.agency.empty()) throw Error(kData, "单位名称（agency）为空", loc({k}));
        });
      } else if (k == "year") {
        p().attempt([&] {
          r_.year_source = loc({k});
          if (!v.is_number_integer()) throw Error(kData, "年度（year）应为整数，如 2023，实为 " + shown(v), loc({k}));
          r_.year = form_.parse_year(v.dump(), r_.year_source);
        });
      } else if (k == "kind") {
        p().attempt([&] {
          r_.kind_source = loc({k});
          const std::string kind = string(v, {k}, "单位类型（kind）");
          // The form's own message lists the kinds and the nearest; not for a page of text.
          if (kind.size() > 200) throw Error(kData, "未知的单位类型 " + nianbao::quote_value(kind), r_.kind_source);
          r_.kind = form_.parse_kind(kind, r_.kind_source);
        });
      } else if (k == "region") {
        p().attempt([&] {
          r_.region = string(v, {k}, "地区（region）");
          if (!r_.region.empty()) r_.region_source = loc({k});
        });
      } else if (k == "id" || k == "kind_label") {
        // What the writer says for readers; the manifest names the report, the form the kind.
        p().attempt([&] { (void)nullable_string(v, {k}, k); });
      } else if (k == "preface") {
        p().attempt([&] {
          if (!v.is_null()) r_.preface = text(v, {k}, "开头段落（preface）");
        });
      } else if (k == "texts") {
        p().attempt([&] { read_texts(v); });
      } else if (k == "contact") {
        p().attempt([&] { read_contact(v); });
      } else if (k == "signature") {
        p().attempt([&] { read_signature(v); });
      } else if (k == "cells") {
        p().attempt([&] { read_cells(v); });
      }
      // schema and form: checked above; findings: recomputed, never read.
    }
    return std::move(r_);
  }

 private:
  nianbao::Problems& p() { return r_.problems; }
  // A "did you mean" costs an edit distance against every candidate: only for
  // words of a plausible length, and only while messages are still kept.
  std::string nearest(const std::string& word, const std::vector<std::string>& keys) const {
    if (word.size() > 200 || r_.problems.count() >= nianbao::Problems::limit) return {};
    return nianbao::nearest(word, keys);
  }
  std::string suggest(const std::string& word, const std::vector<std::string>& keys) const {
    std::string n = nearest(word, keys);
    return n.empty() ? std::string{} : "，是否应为 '" + n + "'？";
  }
  SourceLoc at(Pos pos) const { return {rq_.display_path, pos.line, pos.column}; }
  SourceLoc loc(const Path& path) const { return at(layout_.at(path)); }

  // Without the right schema and form nothing else can be read as meant: both
  // are fatal, and said before anything else.
  void check_schema_and_form() const {
    const std::string expected = "（应为 \"schema\": \"" + std::string(kSchema) + "\"，即 json 输出插件写的报告记录）";
    auto s = root_.find("schema");
    if (s == root_.end()) throw Error(kData, "不是报告记录：缺少 schema" + expected, loc({}));
    if (!s->is_string() || s->get<std::string>() != kSchema) {
      std::string actual = s->is_string() ? s->get<std::string>() : std::string{};
      std::string why = actual.rfind("nianbao-record/", 0) == 0 ? "，是另一版本的报告记录，本程序只读 " + std::string(kSchema)
                                                               : std::string{};
      throw Error(kData, "报告记录的 schema 为 " + shown(*s) + why + expected, loc({"schema"}));
    }
    auto f = root_.find("form");
    if (f == root_.end()) throw Error(kData, "报告记录缺少表式（form），应为 “" + form_.id + "”", loc({"schema"}));
    if (!f->is_string() || f->get<std::string>() != form_.id)
      throw Error(kData,
                  "报告记录的表式（form）为 " + shown(*f) + "，而本次使用的表式为 “" + form_.id +
                      "”：不同表式的单元格不能互换",
                  loc({"form"}));
  }

  std::string string(const Json& v, const Path& path, const std::string& what) const {
    if (!v.is_string()) throw Error(kData, what + "应为字符串，实为 " + shown(v), loc(path));
    return v.get<std::string>();
  }
  std::string nullable_string(const Json& v, const Path& path, const std::string& what) const {
    return v.is_null() ? std::string{} : string(v, path, what);
  }

  // An object whose keys are all in `allowed`; nlohmann's order is sorted,
  // the keys below the top are few, so the first unknown one is enough.
  void check_keys(const Json& v, const Path& path, const std::vector<std::string>& allowed, const std::string& what) const {
    if (!v.is_object())
      throw Error(kData, what + "应为 JSON 对象 {" + nianbao::join(allowed, ", ") + "}，实为 " + shown(v), loc(path));
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& k = it.key();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      Path kp = path;
      kp.push_back(k);
      throw Error(kData, what + "：未知的键 " + named(k) + suggest(k, allowed) + "（可用：" + nianbao::join(allowed, "、") + "）",
                  loc(kp));
    }
  }

  // {"text": "…", "source": …} at its own line.
  nianbao::Text text(const Json& v, const Path& path, const std::string& what) const {
    check_keys(v, path, {"text", "source"}, what);
    Path tp = path;
    tp.push_back("text");
    if (!v.contains("text")) throw Error(kData, what + "缺少 text", loc(path));
    return nianbao::Text{string(v.at("text"), tp, what + " text "), loc(path)};
  }

  // Each entry of an object map (texts, contact, cells) in the order written.
  template <class F>
  void each(const Json& v, const std::string& key, const std::string& what, F&& f) {
    if (!v.is_object()) throw Error(kData, what + "应为 JSON 对象，实为 " + shown(v), loc({key}));
    for (const std::string& k : layout_.order({key}))
      if (auto it = v.find(k); it != v.end()) p().attempt([&] { f(k, *it, Path{key, k}); });
  }

  void read_texts(const Json& v) {
    const std::vector<std::string> keys = form_.text_section_keys();
    each(v, "texts", "正文（texts）", [&](const std::string& k, const Json& t, const Path& path) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        std::vector<std::string> listed;
        for (const auto& s : form_.sections)
          if (s.kind == nianbao::SectionDef::Kind::text) listed.push_back(s.key + "（" + s.heading + "）");
        throw Error(kData, "未知的正文部分 " + named(k) + suggest(k, keys) + "（可用：" + nianbao::join(listed, "、") + "）",
                    loc(path));
      }
      r_.texts[k] = text(t, path, "正文 texts." + k);
    });
  }

  void read_contact(const Json& v) {
    std::vector<std::string> keys;
    for (const auto& c : nianbao::contact_fields()) keys.push_back(c.key);
    each(v, "contact", "联系方式（contact）", [&](const std::string& k, const Json& t, const Path& path) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        throw Error(kData, "未知的联系方式 " + named(k) + suggest(k, keys) + "（可用：" + nianbao::join(keys, "、") + "）",
                    loc(path));
      nianbao::Text t2 = text(t, path, "联系方式 contact." + k);
      if (!t2.body.empty()) r_.contact[k] = std::move(t2);
    });
  }

  void read_signature(const Json& v) {
    if (v.is_null()) return;
    const Path path = {"signature"};
    check_keys(v, path, {"name", "date", "source"}, "落款（signature）");
    nianbao::Signature s;
    s.source = loc(path);
    if (v.contains("name")) s.name = nullable_string(v.at("name"), {"signature", "name"}, "落款单位（signature.name）");
    if (!v.contains("date")) throw Error(kData, "落款需要日期（signature.date，如 2024-01-20）", s.source);
    s.date = string(v.at("date"), {"signature", "date"}, "落款日期（signature.date）");
    int y = 0, m = 0, d = 0;
    if (!nianbao::parse_iso_date(s.date, y, m, d))
      throw Error(kData, "落款日期应写作 2024-01-20，实为 " + nianbao::quote_value(s.date), loc({"signature", "date"}));
    r_.signature = s;
  }

  void read_cells(const Json& v) {
    const std::vector<std::string> keys = form_.cell_keys();
    each(v, "cells", "单元格（cells）", [&](const std::string& key, const Json& c, const Path& path) {
      const SourceLoc cell_at = loc(path);
      if (!form_.is_cell(key)) {
        std::string near = nearest(key, keys);
        throw Error(kData,
                    "未知的单元格 " + named(key) +
                        (near.empty() ? "（单元格键写作 表.行.列，见表式 " + form_.id + "）"
                                      : "，是否应为 '" + near + "'（" + form_.cell_label(near) + "）？"),
                    cell_at);
      }
      const std::string label = form_.cell_label(key);
      check_keys(c, path, {"state", "value", "label", "source"}, label);
      Path sp = path, vp = path;
      sp.push_back("state");
      vp.push_back("value");
      if (!c.contains("state")) throw Error(kData, label + "：缺少 state（value、blank 或 not_applicable）", cell_at);
      const std::string state = string(c.at("state"), sp, label + "：state ");
      const bool has_value = c.contains("value");
      if (state == "value") {
        if (!has_value) throw Error(kData, label + "：state 为 value，却没有 value", cell_at);
        const std::string text = string(c.at("value"), vp, label + "：value ");
        // Blank and not applicable are states of their own here, not values.
        if (text.empty() || text == "na" || text == "NA" || text == "/")
          throw Error(kData, label + "：value 应为数字，如 \"18\"，实为 " + shown(c.at("value")) + "（未填写或不适用请写在 state 中）",
                      loc(vp));
        nianbao::Cell cell = form_.parse_cell(key, text, loc(vp));
        cell.source = cell_at;
        r_.set_cell(key, cell);
      } else if (state == "blank" || state == "not_applicable") {
        if (has_value) throw Error(kData, label + "：state 为 " + state + " 时不应有 value", loc(vp));
        r_.set_cell(key, state == "blank" ? nianbao::Cell::blank(cell_at) : nianbao::Cell::not_applicable(cell_at));
      } else {
        throw Error(kData, label + "：state 应为 value、blank 或 not_applicable，实为 " + nianbao::quote_value(state) +
                               suggest(state, {"value", "blank", "not_applicable"}),
                    loc(sp));
      }
    });
  }

  const nianbao::InputRequest& rq_;
  const nianbao::Form& form_;
  const Layout& layout_;
  const Json& root_;
  nianbao::Report r_;
};

class JsonInput : public nianbao::InputPlugin {
 public:
  std::vector<nianbao::Report> read(const nianbao::InputRequest& rq) override {
    std::string text = nianbao::read_input_file(rq.path, rq.display_path, kMaxBytes,
                                                "文件过大（超过 " + std::to_string(kMaxBytes >> 20) + " MB），不是一份报告记录");
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // an editor's byte order mark is not a column
    auto at = [&](Pos p) { return SourceLoc{rq.display_path, p.line, p.column}; };
    // nlohmann stops at a NUL byte as at the end, and would take what precedes it.
    if (auto nul = text.find('\0'); nul != std::string::npos)
      throw Error(kData, "文件中有 NUL 字节，不是文本形式的 JSON", at(pos_of_byte(text, nul)));
    const Layout layout(text);
    if (layout.too_deep)
      throw Error(kData, "JSON 嵌套超过 " + std::to_string(kMaxDepth) + " 层，报告记录不会这样深", at(*layout.too_deep));
    if (layout.too_many)
      throw Error(kData, "JSON 的值超过 " + std::to_string(kMaxValues) + " 个，不是一份报告记录", at(*layout.too_many));
    Json root;
    try {
      root = Json::parse(text);
    } catch (const Json::parse_error& e) {
      // e.byte counts the bytes read, the offending one included: a bad
      // character is that byte, a token out of place starts before it.
      std::size_t last = e.byte == 0 ? 0 : e.byte - 1;
      std::string why = explain(e);
      if (why.find(" - unexpected ") != std::string::npos) last = token_start(text, last);
      throw Error(kData, "JSON 格式错误：" + why, at(pos_of_byte(text, last)));
    } catch (const Json::exception&) {
      // nlohmann's out_of_range quotes the whole number and knows no position.
      throw Error(kData, "JSON 中有数值超出范围（如 1e400），不是一份报告记录", {rq.display_path});
    }
    return {Record(rq, layout, root).read()};
  }
};

}  // namespace

NIANBAO_INPUT_PLUGIN(JsonInput, "json", "1.0.0",
                     "A report's record (nianbao-record/1, as the json output writes it): last year's report as input",
                     nullptr)
