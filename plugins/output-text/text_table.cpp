#include "text_table.hpp"

#include <nianbao/table_layout.hpp>
#include <nianbao/text.hpp>

#include <algorithm>

namespace text_output {

namespace {

// A character grid; a wide glyph occupies its cell and leaves "" in the next.
class Canvas {
 public:
  Canvas(int w, int h) : w_(w), grid_(static_cast<std::size_t>(h), std::vector<std::string>(static_cast<std::size_t>(w), " ")) {}
  void put(int x, int y, const std::string& glyph) {
    std::string& slot = at(x, y);
    if (slot == "+" && (glyph == "-" || glyph == "|")) return;  // keep junctions
    slot = glyph;
  }
  void text(int x, int y, std::string_view s, const Measure& measure) {
    for (char32_t c : nianbao::to_u32(s)) {
      std::string g = nianbao::to_utf8(std::u32string(1, c));
      int cw = measure(g);
      if (x + cw > w_) break;
      at(x, y) = g;
      for (int k = 1; k < cw; ++k) at(x + k, y) = "";
      x += std::max(cw, 0);
    }
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& row : grid_) {
      std::string s;
      for (const auto& g : row) s += g;
      while (!s.empty() && s.back() == ' ') s.pop_back();
      out.push_back(s);
    }
    return out;
  }

 private:
  std::string& at(int x, int y) { return grid_[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)]; }
  int w_;
  std::vector<std::vector<std::string>> grid_;
};


}  // namespace

std::vector<std::string> draw_table(const nianbao::Table& t, int target, const Measure& measure) {
  // Each column costs "| " before and " " after its content; the table one closing "|".
  nianbao::TableLayoutStyle style;
  style.target = target;
  style.overhead = 3;
  style.border = 1;
  style.label_min = 8;  // four CJK characters a line for a label, two for a header
  style.header_min = 4;
  style.measure = [&](std::string_view s) { return static_cast<double>(measure(s)); };
  nianbao::TableLayout layout = nianbao::layout_table(t, style);
  const int n = t.columns;
  std::vector<int> w;
  for (double x : layout.widths) w.push_back(static_cast<int>(x));
  const auto& wrapped = layout.lines;

  // Row heights from the wrapped cells; a tall spanning cell stretches its last row.
  std::vector<int> h(static_cast<std::size_t>(t.rows), 1);
  for (std::size_t i = 0; i < t.cells.size(); ++i) {
    const auto& c = t.cells[i];
    if (c.rowspan == 1)
      h[static_cast<std::size_t>(c.row)] = std::max(h[static_cast<std::size_t>(c.row)], static_cast<int>(wrapped[i].size()));
  }
  for (std::size_t i = 0; i < t.cells.size(); ++i) {
    const auto& c = t.cells[i];
    if (c.rowspan == 1) continue;
    int avail = c.rowspan - 1;
    for (int r = c.row; r < c.row + c.rowspan; ++r) avail += h[static_cast<std::size_t>(r)];
    int need = static_cast<int>(wrapped[i].size()) - avail;
    if (need > 0) h[static_cast<std::size_t>(c.row + c.rowspan - 1)] += need;
  }

  std::vector<int> bx(static_cast<std::size_t>(n) + 1, 0), by(static_cast<std::size_t>(t.rows) + 1, 0);
  for (int k = 0; k < n; ++k) bx[static_cast<std::size_t>(k) + 1] = bx[static_cast<std::size_t>(k)] + w[static_cast<std::size_t>(k)] + 3;
  for (int r = 0; r < t.rows; ++r) by[static_cast<std::size_t>(r) + 1] = by[static_cast<std::size_t>(r)] + h[static_cast<std::size_t>(r)] + 1;
  Canvas canvas(bx.back() + 1, by.back() + 1);
  for (std::size_t i = 0; i < t.cells.size(); ++i) {
    const auto& c = t.cells[i];
    int x0 = bx[static_cast<std::size_t>(c.col)], x1 = bx[static_cast<std::size_t>(c.col + c.colspan)];
    int y0 = by[static_cast<std::size_t>(c.row)], y1 = by[static_cast<std::size_t>(c.row + c.rowspan)];
    for (int x = x0 + 1; x < x1; ++x) {
      canvas.put(x, y0, "-");
      canvas.put(x, y1, "-");
    }
    for (int y = y0 + 1; y < y1; ++y) {
      canvas.put(x0, y, "|");
      canvas.put(x1, y, "|");
    }
    for (int x : {x0, x1})
      for (int y : {y0, y1}) canvas.put(x, y, "+");
    const auto& lines = wrapped[i];
    int box_w = x1 - x0 - 3, box_h = y1 - y0 - 1;
    int top = y0 + 1 + std::max(0, (box_h - static_cast<int>(lines.size())) / 2);
    for (std::size_t l = 0; l < lines.size(); ++l) {
      int lw = measure(lines[l]);
      int pad = c.align == nianbao::Align::left ? 0 : c.align == nianbao::Align::right ? box_w - lw : (box_w - lw) / 2;
      canvas.text(x0 + 2 + std::max(0, pad), top + static_cast<int>(l), lines[l], measure);
    }
  }
  return canvas.lines();
}

}  // namespace text_output
