#include <nianbao/yaml_source.hpp>
#include <nianbao/input_file.hpp>

#include <nianbao/text.hpp>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace nianbao {

namespace {

// Messages for the agencies' data files in Chinese, for the operator's
// configuration in English.
std::string say(ExitCode code, const std::string& zh, const std::string& en) { return code == ExitCode::data ? zh : en; }

std::string too_deep(ExitCode code) {
  return say(code, "YAML 嵌套超过 " + std::to_string(YamlFile::max_depth) + " 层，报表数据不会这样深",
             "nested more than " + std::to_string(YamlFile::max_depth) + " levels deep: no nianbao file is");
}

// The same bound on a tree without aliases, at the collection that opens
// one level too many.
void check_depth(const YamlFile& f, const YAML::Node& n, int depth, ExitCode code) {
  if (!n.IsMap() && !n.IsSequence()) return;
  if (depth >= YamlFile::max_depth) throw Error(code, too_deep(code), f.loc(n));
  if (n.IsSequence()) {
    for (const auto& e : n) check_depth(f, e, depth + 1, code);
    return;
  }
  for (const auto& kv : n) {
    check_depth(f, kv.first, depth + 1, code);
    check_depth(f, kv.second, depth + 1, code);
  }
}

// A first pass over the parser's events, before any tree is built: refuses
// what would take unbounded time or stack — nesting deeper than any form
// needs, and aliases that expand past a node budget ("billion laughs": ten
// lines that stand for 10^10 nodes) — at the place where it happens.
class Guard : public YAML::EventHandler {
 public:
  Guard(const YamlFile& f, ExitCode code) : file_(f), code_(code) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { leaf(m, a); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string&) override { leaf(m, a); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t a) override {
    aliased_ = true;
    add(m, a < sizes_.size() ? sizes_[a] : 1);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override { open(m, a); }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override { open(m, a); }
  void OnMapEnd() override { close(); }

 private:
  void add(const YAML::Mark& m, std::uint64_t n) {
    nodes_ += n;
    if (nodes_ <= YamlFile::max_nodes) return;
    const std::string max = std::to_string(YamlFile::max_nodes);
    if (aliased_)
      throw Error(code_,
                  say(code_,
                      "YAML 别名（*）展开后节点过多（超过 " + max + " 个），疑似恶意文件；请直接写出各项，不要层层引用别名",
                      "more than " + max + " nodes once YAML aliases (*) are expanded: refused (write the values out instead)"),
                  file_.loc_of_mark(m));
    throw Error(code_,
                say(code_, "YAML 节点过多（超过 " + max + " 个），不是一份报表数据",
                    "more than " + max + " YAML nodes: no nianbao file has that many"),
                file_.loc_of_mark(m));
  }
  void remember(YAML::anchor_t a, std::uint64_t size) {
    if (a == 0) return;
    if (sizes_.size() <= a) sizes_.resize(a + 1, 1);
    sizes_[a] = size;
  }
  void leaf(const YAML::Mark& m, YAML::anchor_t a) {
    add(m, 1);
    remember(a, 1);
  }
  void open(const YAML::Mark& m, YAML::anchor_t a) {
    add(m, 1);
    if (open_.size() >= static_cast<std::size_t>(YamlFile::max_depth))
      throw Error(code_, too_deep(code_), file_.loc_of_mark(m));
    open_.push_back({a, nodes_ - 1});
  }
  void close() {
    if (open_.empty()) return;
    auto [a, start] = open_.back();
    open_.pop_back();
    remember(a, nodes_ - start);
  }

  const YamlFile& file_;
  ExitCode code_;
  bool aliased_ = false;
  std::uint64_t nodes_ = 0;
  std::vector<std::uint64_t> sizes_;  // expanded size of each anchored node
  std::vector<std::pair<YAML::anchor_t, std::uint64_t>> open_;
};

void guard_events(const YamlFile& f, const std::string& text, ExitCode code) {
  std::istringstream events(text);
  YAML::Parser parser(events);
  Guard guard(f, code);
  while (parser.HandleNextDocument(guard)) {
  }
}

}  // namespace

YamlFile YamlFile::load(const std::filesystem::path& file, const std::string& display, ExitCode syntax_code) {
  return parse(read_input_file(file, display, max_bytes,
                               say(syntax_code, "文件过大（超过 " + std::to_string(max_bytes >> 20) + " MB），不是一份报表数据",
                                   "larger than " + std::to_string(max_bytes >> 20) + " MB: refused"),
                               syntax_code),
               display, syntax_code);
}

YamlFile YamlFile::parse(const std::string& raw, const std::string& display, ExitCode syntax_code) {
  // Windows Notepad writes a byte order mark; it is not part of line 1's columns.
  const std::string text = raw.rfind("\xEF\xBB\xBF", 0) == 0 ? raw.substr(3) : raw;
  YamlFile f;
  f.display_ = display;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    f.lines_.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  f.check_characters(syntax_code);
  try {
    // Aliases are what can make a short file stand for a huge tree. Without
    // a `*` there are none, and a file of n bytes has fewer than 3n nodes, so
    // a file of ordinary size is read once and its depth checked on the tree
    // (yaml-cpp itself stops at 2,000 levels, before its stack runs out).
    const bool guarded = text.find('*') != std::string::npos || text.size() > YamlFile::max_nodes / 3;
    if (guarded) guard_events(f, text, syntax_code);
    f.root_ = YAML::Load(text);
    if (!guarded) check_depth(f, f.root_, 0, syntax_code);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp stopped at its own bound, far past ours; the event pass
    // names the place where ours was crossed.
    try {
      guard_events(f, text, syntax_code);
    } catch (const YAML::Exception&) {
    }
    throw Error(syntax_code, too_deep(syntax_code), f.loc_of_mark(e.mark));
  } catch (const YAML::Exception& e) {
    throw Error(syntax_code, say(syntax_code, "YAML 格式错误：", "YAML syntax error: ") + e.msg, f.loc_of_mark(e.mark));
  }
  return f;
}

// What yaml-cpp would misreport ("scanning hex number" for a NUL, on another
// line), said here with the line and the column in characters.
void YamlFile::check_characters(ExitCode code) const {
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    std::string_view line = lines_[i];
    int column = 1;
    for (std::size_t b = 0; b < line.size();) {
      unsigned char c = static_cast<unsigned char>(line[b]);
      std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
      if (len == 0 || b + len > line.size() || !valid_utf8(line.substr(b, len)))
        throw Error(code,
                    say(code, "不是 UTF-8 文本（请将文件另存为 UTF-8 编码）",
                        "not valid UTF-8 text (save the file as UTF-8)"),
                    {display_, static_cast<int>(i + 1), column});
      bool control = (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f;
      if (control) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "U+%04X", c);
        throw Error(code,
                    say(code, std::string("含有控制字符 ") + hex + (c == 0 ? "（NUL），这不像是文本文件" : "，请删去"),
                        std::string("control character ") + hex + (c == 0 ? " (NUL): is this a text file?" : ": remove it")),
                    {display_, static_cast<int>(i + 1), column});
      }
      b += len;
      ++column;
    }
  }
}

SourceLoc YamlFile::loc_of_mark(const YAML::Mark& m) const {
  if (m.line < 0) return {display_};
  SourceLoc l{display_, m.line + 1, 1};
  if (static_cast<std::size_t>(m.line) < lines_.size()) {
    const std::string& line = lines_[static_cast<std::size_t>(m.line)];
    std::size_t bytes = std::min<std::size_t>(static_cast<std::size_t>(std::max(0, m.column)), line.size());
    l.column = static_cast<int>(count_chars(std::string_view(line).substr(0, bytes))) + 1;
  }
  return l;
}

SourceLoc YamlFile::loc(const YAML::Node& n) const { return loc_of_mark(n.Mark()); }

void YamlFile::fail(const YAML::Node& n, const std::string& message, ExitCode code) const {
  throw Error(code, message, loc(n));
}

std::string scalar_or_empty(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string{}; }

void YamlFile::check_unique_keys(const YAML::Node& map, ExitCode code) const {
  if (!map.IsMap()) return;
  std::map<std::string, int> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string k = scalar_or_empty(it->first);
    SourceLoc l = loc(it->first);
    auto [pos, fresh] = seen.emplace(k, l.line);
    if (!fresh) throw Error(code, "duplicate key '" + k + "' (first given on line " + std::to_string(pos->second) + ")", l);
  }
}

void YamlFile::check_unique_keys_deep(const YAML::Node& n, ExitCode code) const {
  if (n.IsMap()) {
    check_unique_keys(n, code);
    for (auto it = n.begin(); it != n.end(); ++it) check_unique_keys_deep(it->second, code);
  } else if (n.IsSequence()) {
    for (const auto& e : n) check_unique_keys_deep(e, code);
  }
}

void YamlFile::check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& what,
                          ExitCode code) const {
  require_map(map, what, code);
  check_unique_keys(map, code);
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string k = scalar_or_empty(it->first);
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      throw Error(code,
                  "unknown key '" + k + "' in " + what + did_you_mean(k, allowed) + " (allowed: " + join(allowed, ", ") + ")",
                  loc(it->first));
  }
}

void YamlFile::require_map(const YAML::Node& n, const std::string& what, ExitCode code) const {
  if (!n.IsMap()) fail(n, what + " must be a mapping of key: value", code);
}

void YamlFile::require_seq(const YAML::Node& n, const std::string& what, ExitCode code) const {
  if (!n.IsSequence()) fail(n, what + " must be a list", code);
}

std::string YamlFile::string(const YAML::Node& n, const std::string& what, ExitCode code) const {
  if (!n.IsScalar()) fail(n, what + " must be a single value", code);
  return n.Scalar();
}

int YamlFile::integer(const YAML::Node& n, const std::string& what, ExitCode code) const {
  std::string s = string(n, what, code);
  try {
    std::size_t used = 0;
    int v = std::stoi(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  fail(n, what + " must be a whole number, not '" + s + "'", code);
}

}  // namespace nianbao
