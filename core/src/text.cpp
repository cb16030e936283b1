#include <nianbao/text.hpp>

#include "line_wrapper.hpp"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace nianbao {

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    out.push_back(c < 0 ? 0xFFFD : static_cast<char32_t>(c));
  }
  return out;
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) {
    uint8_t buf[4];
    int32_t len = 0;
    UBool err = false;
    U8_APPEND(buf, len, 4, static_cast<UChar32>(c), err);
    if (err) continue;
    out.append(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) return false;
  }
  return true;
}

std::size_t count_chars(std::string_view s) { return to_u32(s).size(); }

static int char_width(UChar32 c, int ambiguous) {
  if (c == 0) return 0;
  int8_t cat = static_cast<int8_t>(u_charType(c));
  if (cat == U_NON_SPACING_MARK || cat == U_ENCLOSING_MARK || cat == U_FORMAT_CHAR) return 0;
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return 0;
  switch (u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH)) {
    case U_EA_WIDE:
    case U_EA_FULLWIDTH:
      return 2;
    case U_EA_AMBIGUOUS:
      return ambiguous;
    default:
      return 1;
  }
}

int display_width(std::string_view s, int ambiguous) {
  int w = 0;
  for (char32_t c : to_u32(s)) w += char_width(static_cast<UChar32>(c), ambiguous);
  return w;
}

std::vector<std::string> wrap_lines(std::string_view text, double width,
                                    const std::function<double(std::string_view)>& measure) {
  return detail::LineWrapper(text, measure).lines(width);
}

// Where a title may break: word boundaries (ICU's dictionary segmentation
// of Chinese) that are also line-break opportunities (禁则), as UTF-16 offsets.
static std::vector<int32_t> title_breaks(const icu::UnicodeString& u) {
  thread_local std::unique_ptr<icu::BreakIterator> words, lines;
  UErrorCode status = U_ZERO_ERROR;
  if (!words) words.reset(icu::BreakIterator::createWordInstance(icu::Locale("zh", "CN"), status));
  if (!lines) lines.reset(icu::BreakIterator::createLineInstance(icu::Locale("zh", "CN"), status));
  if (U_FAILURE(status) || !words || !lines) throw std::runtime_error("ICU breakers unavailable");
  words->setText(u);
  lines->setText(u);
  std::vector<int32_t> out{0};
  for (int32_t b = words->next(); b != icu::BreakIterator::DONE; b = words->next())
    if (b == u.length() || lines->isBoundary(b)) out.push_back(b);
  if (out.back() != u.length()) out.push_back(u.length());
  return out;
}

std::vector<std::string> title_lines(std::string_view title, std::string_view lead, double width,
                                     const std::function<double(std::string_view)>& measure) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= title.size()) {
    std::size_t nl = std::min(title.find('\n', from), title.size());
    std::string part(title.substr(from, nl - from));
    from = nl + 1;
    if (part.empty()) continue;
    if (measure(part) <= width) {
      out.push_back(part);
      continue;
    }
    // After the agency's name, when the rest then fits on one line.
    if (!lead.empty() && part.size() > lead.size() && part.compare(0, lead.size(), lead) == 0 && measure(lead) <= width &&
        measure(std::string_view(part).substr(lead.size())) <= width) {
      out.emplace_back(lead);
      out.push_back(part.substr(lead.size()));
      continue;
    }
    // Else the fewest lines at word boundaries, then the most even: the
    // widest line as narrow as it can be (a title has a few dozen words).
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(part.data(), static_cast<int32_t>(part.size())));
    const std::vector<int32_t> at = title_breaks(u);
    const std::size_t n = at.size() - 1;
    auto w = [&](std::size_t i, std::size_t j) { return measure(detail::utf8_of(u, at[i], at[j])); };
    constexpr double kInf = 1e300;
    // best[k][j]: the narrowest widest line setting words [0, j) in k lines.
    std::vector<std::vector<double>> best(n + 1, std::vector<double>(n + 1, kInf));
    std::vector<std::vector<std::size_t>> cut(n + 1, std::vector<std::size_t>(n + 1, 0));
    best[0][0] = 0;
    std::size_t lines = 0;
    for (std::size_t k = 1; k <= n && !lines; ++k) {
      for (std::size_t j = 1; j <= n; ++j)
        for (std::size_t i = k - 1; i < j; ++i) {
          if (best[k - 1][i] >= kInf) continue;
          double line = w(i, j);
          if (line > width) continue;
          double m = std::max(best[k - 1][i], line);
          if (m < best[k][j]) best[k][j] = m, cut[k][j] = i;
        }
      if (best[k][n] < kInf) lines = k;
    }
    if (!lines) {  // a single word wider than the line: break as body text does
      for (auto& l : wrap_lines(part, width, measure)) out.push_back(std::move(l));
      continue;
    }
    std::vector<std::string> these;
    for (std::size_t k = lines, j = n; k > 0; j = cut[k][j], --k) these.push_back(detail::utf8_of(u, at[cut[k][j]], at[j]));
    out.insert(out.end(), these.rbegin(), these.rend());
  }
  if (out.empty()) out.emplace_back();
  return out;
}

static std::size_t edit_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

static std::u32string folded(std::string_view s) {
  std::u32string u = to_u32(s);
  for (char32_t& c : u) c = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
  return u;
}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::u32string w = folded(word);
  std::string best;
  std::size_t best_d = SIZE_MAX;
  for (const auto& c : candidates) {
    std::u32string cu = folded(c);
    std::size_t d = edit_distance(w, cu);
    // A prefix or a contained word is a strong hint too (new → new_received).
    if (w.size() >= 3 && cu.find(w) != std::u32string::npos) d = std::min(d, std::size_t{2});
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  std::size_t allowed = std::max<std::size_t>(2, w.size() / 3);
  return best_d <= allowed ? best : std::string{};
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string n = nearest(word, candidates);
  return n.empty() ? std::string{} : ", did you mean '" + n + "'?";
}

std::string normalize_label(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(status);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString n = U_SUCCESS(status) ? nfkc->normalize(u, status) : u;
  icu::UnicodeString out;
  for (int32_t i = 0; i < n.length();) {
    UChar32 c = n.char32At(i);
    if (!u_isUWhiteSpace(c)) out.append(c);
    i += U16_LENGTH(c);
  }
  std::string s;
  out.toUTF8String(s);
  return s;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

}  // namespace nianbao

namespace nianbao {

std::string quote_value(std::string_view value, std::size_t max_chars) {
  std::size_t chars = 0, cut = value.size();
  for (std::size_t i = 0; i < value.size(); ++i) {
    if ((static_cast<unsigned char>(value[i]) & 0xC0) == 0x80) continue;  // inside a character
    if (chars == max_chars) cut = i;
    ++chars;
  }
  if (chars <= max_chars) return "“" + std::string(value) + "”";
  return "“" + std::string(value.substr(0, cut)) + "…”（共 " + std::to_string(chars) + " 字）";
}

std::string safe_file_stem(const std::string& name) {
  std::u32string in = to_u32(name), out;
  for (char32_t c : in) {
    bool bad = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == U'/' || c == U'\\' || c == U':' ||
               c == U'*' || c == U'?' || c == U'"' || c == U'<' || c == U'>' || c == U'|' || c == 0xFFFD;
    out.push_back(bad ? U'_' : c);
  }
  // No hidden files, no "..": dots and spaces at either end go.
  while (!out.empty() && (out.front() == U'.' || out.front() == U' ')) out.erase(out.begin());
  while (!out.empty() && (out.back() == U'.' || out.back() == U' ')) out.pop_back();
  std::u32string no_dotdot;
  for (char32_t c : out) {
    if (c == U'.' && !no_dotdot.empty() && no_dotdot.back() == U'.') no_dotdot.back() = U'_';
    else no_dotdot.push_back(c);
  }
  out = no_dotdot;
  std::string s = to_utf8(out);
  // Most file systems allow 255 bytes; leave room for an extension and a temporary suffix.
  while (s.size() > 200) {
    out.pop_back();
    s = to_utf8(out);
  }
  return s.empty() ? "report" : s;
}

}  // namespace nianbao
