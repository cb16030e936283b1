// Greedy line wrapping of one text at many widths (SDK internal).
//
// Usage:
//   LineWrapper w(text, measure);           // ICU's breaks found and each piece measured once
//   std::size_t n = w.count(120);           // lines at 120 points, nothing copied
//   std::vector<std::string> l = w.lines(96);
// balanced_wrap tries a dozen widths for one table cell; wrap_lines is one of them.
#pragma once
#include <unicode/unistr.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao::detail {

// UTF-8 of u[from, to).
std::string utf8_of(const icu::UnicodeString& u, int32_t from, int32_t to);

class LineWrapper {
 public:
  using Measure = std::function<double(std::string_view)>;
  LineWrapper(std::string_view text, const Measure& measure);

  std::vector<std::string> lines(double width) const;
  std::size_t count(double width) const;

 private:
  // One piece between two break opportunities: where it ends, whether the
  // break is a hard one (a line end), its width whole and without the spaces
  // that end it.
  struct Piece {
    int32_t end;
    bool hard;
    double whole;
    double trimmed;
  };
  std::size_t wrap(double width, std::vector<std::string>* out) const;
  int32_t trimmed_end(int32_t from, int32_t to) const;
  double measure(int32_t from, int32_t to) const { return measure_(utf8_of(u_, from, to)); }

  icu::UnicodeString u_;
  const Measure& measure_;
  std::vector<Piece> pieces_;
};

}  // namespace nianbao::detail
