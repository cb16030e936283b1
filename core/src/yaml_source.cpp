#include <nianbao/text.hpp>
#include <nianbao/yaml_source.hpp>

#include <fstream>
#include <map>
#include <sstream>

namespace nianbao {

YamlFile YamlFile::load(const std::filesystem::path& file, const std::string& display, ExitCode syntax_code) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw Error(ExitCode::no_input,
                std::filesystem::exists(file, ec) ? "not a regular file" : "file not found", {display});
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ExitCode::no_input, "cannot be read", {display});
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), display, syntax_code);
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
  if (!valid_utf8(text)) {
    for (std::size_t i = 0; i < f.lines_.size(); ++i)
      if (!valid_utf8(f.lines_[i]))
        throw Error(syntax_code, "not valid UTF-8 text (save the file as UTF-8)",
                    {display, static_cast<int>(i + 1), 0});
  }
  try {
    f.root_ = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(syntax_code, "YAML syntax error: " + e.msg, f.loc_of_mark(e.mark));
  }
  return f;
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
