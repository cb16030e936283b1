// Column widths and wrapped cell text for a Document table, shared by every
// output that draws tables itself (plain text in terminal columns, PDF in
// points): one algorithm, one set of rules, measured by the caller's units.
//
// Usage:
//   TableLayoutStyle st{.target = 442, .overhead = 6, .measure = width_in_points};
//   TableLayout l = layout_table(table, st);
//   l.widths[c]            // content width of grid column c
//   l.lines[i]             // the wrapped lines of table.cells[i]
//   l.content_width(cell)  // the width a (spanning) cell's text may take
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/document.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

struct TableLayoutStyle {
  double target = 0;     // total width the table should fit, overheads included
  double overhead = 0;   // per column: borders and padding around the content
  double border = 0;     // once per table (the closing border)
  double label_min = 8;  // a wrapping label keeps at least this much width …
  double header_min = 4; // … a header this much; a number never wraps
  double step = 1;       // columns narrow and wrapped lines balance in steps of this
  std::function<double(std::string_view)> measure;
};

struct NIANBAO_API TableLayout {
  std::vector<double> widths;
  std::vector<std::vector<std::string>> lines;
  double overhead = 0;
  double content_width(const TableCell& c) const;
};

// Columns start at their widest one-column cell, shrink (the one whose
// narrowing adds the fewest estimated lines first) towards style.target, but
// never below what their cells need; spanning cells then widen their last
// column if they must. Text wraps with ICU line breaking, balanced so that
// wrapped lines are of similar length.
NIANBAO_API TableLayout layout_table(const Table& table, const TableLayoutStyle& style);

// Wraps to the fewest lines at `width`, then narrows (in steps of `step`) as
// far as that line count allows.
NIANBAO_API std::vector<std::string> balanced_wrap(std::string_view text, double width,
                                                   const std::function<double(std::string_view)>& measure,
                                                   double step = 1);

}  // namespace nianbao
