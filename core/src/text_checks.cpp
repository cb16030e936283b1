#include "text_checks.hpp"

#include <optional>
#include <string_view>

namespace nianbao {

namespace {

// A code point and where it starts in the UTF-8 text.
struct Char {
  char32_t c;
  std::size_t at;
};

std::vector<Char> decode(std::string_view s) {
  std::vector<Char> out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
    char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < n && i + static_cast<std::size_t>(k) < s.size(); ++k)
      c = (c << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    out.push_back({c, i});
    i += static_cast<std::size_t>(n);
  }
  return out;
}

bool ends_sentence(char32_t c) { return c == U'。' || c == U'！' || c == U'？' || c == U'；' || c == U'\n' || c == U';'; }
// Where a quoted count's clause ends: the number must come before.
bool ends_clause(char32_t c) {
  return ends_sentence(c) || c == U'，' || c == U',' || c == U'：' || c == U':' || c == U'（' || c == U'(';
}
bool arabic(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }
int chinese_digit(char32_t c) {
  switch (c) {
    case U'零': case U'〇': return 0;
    case U'一': return 1;
    case U'二': case U'两': return 2;
    case U'三': return 3;
    case U'四': return 4;
    case U'五': return 5;
    case U'六': return 6;
    case U'七': return 7;
    case U'八': return 8;
    case U'九': return 9;
    default: return -1;
  }
}
int chinese_unit(char32_t c) { return c == U'十' ? 10 : c == U'百' ? 100 : c == U'千' ? 1000 : c == U'万' ? 10000 : 0; }
bool numeral(char32_t c) { return arabic(c) || chinese_digit(c) >= 0 || chinese_unit(c) > 0; }
bool unit(char32_t c) { return c == U'件' || c == U'起' || c == U'宗' || c == U'次' || c == U'个'; }

// 18, １８, 十八, 二十, 一百零五; nullopt for what is not a number (万 alone).
std::optional<std::int64_t> number(const std::vector<Char>& cs, std::size_t from, std::size_t to) {
  std::int64_t v = 0;
  if (arabic(cs[from].c)) {
    for (std::size_t i = from; i < to; ++i) {
      if (!arabic(cs[i].c)) return std::nullopt;
      v = v * 10 + (cs[i].c >= U'０' ? cs[i].c - U'０' : cs[i].c - U'0');
      if (v > 999999999999) return std::nullopt;
    }
    return v;
  }
  std::int64_t section = 0, digit = -1;
  for (std::size_t i = from; i < to; ++i) {
    if (int d = chinese_digit(cs[i].c); d >= 0) {
      digit = d;
    } else if (int u = chinese_unit(cs[i].c); u == 10000) {
      v = (v + section + std::max<std::int64_t>(digit, 0)) * 10000;
      section = 0, digit = -1;
    } else if (u > 0) {
      section += (digit < 0 ? 1 : digit) * u;  // 十八: a ten without its one
      digit = -1;
    } else {
      return std::nullopt;
    }
  }
  return v + section + std::max<std::int64_t>(digit, 0);
}

bool contains(std::string_view hay, const std::vector<std::string>& words) {
  for (const auto& w : words)
    if (hay.find(w) != std::string_view::npos) return true;
  return false;
}

std::string trim_sentence(std::string s) {
  auto blank = [](std::string_view x) { return x.rfind(" ", 0) == 0 || x.rfind("\t", 0) == 0 || x.rfind("\u3000", 0) == 0; };
  while (!s.empty() && blank(s)) s.erase(0, s[0] == ' ' || s[0] == '\t' ? 1 : 3);
  return s;
}

}  // namespace

std::vector<QuotedCount> quoted_counts(const Text& text, const TextCount& pattern) {
  std::vector<QuotedCount> out;
  const std::string& body = text.body;
  const std::vector<Char> cs = decode(body);
  auto byte = [&](std::size_t i) { return i < cs.size() ? cs[i].at : body.size(); };
  for (const auto& word : pattern.words) {
    for (std::size_t p = body.find(word); p != std::string::npos; p = body.find(word, p + word.size())) {
      // The character index just after the word.
      std::size_t i = 0;
      while (i < cs.size() && cs[i].at < p + word.size()) ++i;
      std::size_t gap = i;
      while (i < cs.size() && i - gap < 24 && !ends_clause(cs[i].c) && !numeral(cs[i].c)) ++i;
      if (i >= cs.size() || !numeral(cs[i].c)) continue;
      std::size_t n0 = i;
      while (i < cs.size() && numeral(cs[i].c)) ++i;
      std::size_t n1 = i;
      while (i < cs.size() && (cs[i].c == U' ' || cs[i].c == U'\u3000')) ++i;
      if (i >= cs.size() || !unit(cs[i].c)) continue;
      if (!pattern.near.empty() && !contains(std::string_view(body).substr(byte(gap), byte(n0) - byte(gap)), pattern.near)) continue;
      auto v = number(cs, n0, n1);
      if (!v) continue;
      // The sentence around it.
      std::size_t s0 = n0, s1 = i;
      while (s0 > 0 && !ends_sentence(cs[s0 - 1].c)) --s0;
      while (s1 < cs.size() && !ends_sentence(cs[s1].c)) ++s1;
      std::size_t w0 = s0;
      while (w0 < cs.size() && cs[w0].at < p) ++w0;  // the word's first character
      // Long sentences are cut to the clause around the phrase.
      std::size_t c0 = s0, c1 = s1;
      if (s1 - s0 > 60) {
        c0 = w0 > s0 + 20 ? w0 - 20 : s0;
        c1 = std::min(s1, i + 1 + 10);
      }
      QuotedCount q;
      q.sentence = (c0 > s0 ? "…" : "") + trim_sentence(body.substr(byte(c0), byte(c1) - byte(c0))) + (c1 < s1 ? "…" : "");
      q.said = body.substr(p, byte(i + 1) - p);
      q.count = *v;
      q.at = text.source;
      if (q.at.column_name.empty() && q.at.sheet.empty() && q.at.line > 0) {
        // A text file or a YAML scalar: the line the sentence is on. A YAML
        // block scalar (`overview: |`, its mark past column 1) starts a line below its key.
        int lines = 0;
        for (std::size_t k = 0; k < byte(s0); ++k) lines += body[k] == '\n';
        const bool block = q.at.column > 1 && body.find('\n') != std::string::npos;
        q.at.line += lines + (block ? 1 : 0);
        q.at.column = 0;
      }
      out.push_back(std::move(q));
    }
  }
  return out;
}

}  // namespace nianbao
