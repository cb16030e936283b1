// Text utilities shared by the loaders and the plain-text and PDF outputs.
//
// Usage:
//   display_width("官坡镇 2023")          // 11: a CJK character takes two terminal columns
//   wrap_lines(text, 40, display_width) // ICU line breaking: no line starts with ，。、
//   title_lines(title, agency, 40, display_width)  // after the agency, or at word boundaries
//   nearest("ouputs", {"outputs", "reports"})  // "outputs", for "did you mean"
//   quote_value(cell_text)                 // “12a” — long values cut: “1111…”（共 20000000 字）
#pragma once
#include <nianbao/api.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

// Terminal columns of UTF-8 text by Unicode East Asian Width: wide and
// full-width characters count 2, ambiguous ones `ambiguous` (1 or 2).
NIANBAO_API int display_width(std::string_view utf8, int ambiguous = 1);
NIANBAO_API std::size_t count_chars(std::string_view utf8);
NIANBAO_API bool valid_utf8(std::string_view bytes);
// Code points of UTF-8 text (invalid bytes become U+FFFD).
NIANBAO_API std::u32string to_u32(std::string_view utf8);
NIANBAO_API std::string to_utf8(std::u32string_view s);

// Breaks `text` into lines no wider than `width` as measured by `measure`,
// at the line-break opportunities of UAX #14 (ICU): CJK may break between
// characters but not before closing punctuation or after opening punctuation;
// Latin words and numbers stay whole unless a single one is wider than a line.
// Trailing spaces at a break are dropped.
NIANBAO_API std::vector<std::string> wrap_lines(
    std::string_view text, double width, const std::function<double(std::string_view)>& measure);

// A title's lines: a '\n' forces a break; a part too wide for one line
// breaks after `lead` (the agency's name) when the rest then fits, else into
// the fewest, most even lines at word boundaries (ICU's Chinese word
// segmentation, 禁则 held), never inside a word.
NIANBAO_API std::vector<std::string> title_lines(std::string_view title, std::string_view lead, double width,
                                                 const std::function<double(std::string_view)>& measure);

// The candidate closest to `word` by edit distance (in characters), or "" when
// none is close enough to be a plausible misspelling.
NIANBAO_API std::string nearest(std::string_view word, const std::vector<std::string>& candidates);
// ", did you mean 'x'?" or "".
NIANBAO_API std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// A label as people type it, reduced for comparison: NFKC (full-width and
// half-width brackets, colons and digits become one), no white space or line
// breaks, case folded. "(一) 予以公开" and "（一）予以公开" compare equal.
NIANBAO_API std::string normalize_label(std::string_view utf8);
// A value quoted in a message: “value”, or its first `max_chars` characters
// and how long it was, so a 20 MB cell is not echoed whole.
NIANBAO_API std::string quote_value(std::string_view value, std::size_t max_chars = 40);
// "a, b, c"
NIANBAO_API std::string join(const std::vector<std::string>& items, std::string_view sep);

// A file name component: no path separators, no "..", no control characters.
NIANBAO_API std::string safe_file_stem(const std::string& name);

}  // namespace nianbao
