#include "text_table.hpp"

#include <nianbao/text.hpp>

#include <algorithm>
#include <numeric>

namespace text_output {

std::vector<std::string> balanced_wrap(std::string_view text, int width, const Measure& measure) {
  auto wrap = [&](int w) {
    return nianbao::wrap_lines(text, w, [&](std::string_view s) { return static_cast<double>(measure(s)); });
  };
  std::vector<std::string> best = wrap(width);
  if (best.size() < 2) return best;
  for (int w = width - 1; w > 0; --w) {
    std::vector<std::string> narrower = wrap(w);
    if (narrower.size() != best.size()) break;
    best = std::move(narrower);
  }
  return best;
}

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

bool is_number(const nianbao::TableCell& c) { return c.kind == nianbao::TableCell::Kind::number; }

}  // namespace

std::vector<std::string> draw_table(const nianbao::Table& t, int target, const Measure& measure) {
  const int n = t.columns;
  std::vector<int> w(static_cast<std::size_t>(n), 1), minw(static_cast<std::size_t>(n), 1);
  auto span_width = [&](const nianbao::TableCell& c) {
    int s = 3 * (c.colspan - 1);
    for (int k = c.col; k < c.col + c.colspan; ++k) s += w[static_cast<std::size_t>(k)];
    return s;
  };
  // A cell may wrap, but a label keeps four CJK characters a line, a header
  // two, and a number never wraps.
  auto cell_min = [&](const nianbao::TableCell& c) {
    int natural = measure(c.text);
    if (is_number(c)) return natural;
    return std::min(natural, c.kind == nianbao::TableCell::Kind::label ? 8 : 4);
  };
  for (const auto& c : t.cells) {
    if (c.colspan != 1) continue;
    auto k = static_cast<std::size_t>(c.col);
    w[k] = std::max(w[k], measure(c.text));
    minw[k] = std::max(minw[k], cell_min(c));
  }
  auto grow_spans = [&](bool to_natural) {
    for (const auto& c : t.cells) {
      if (c.colspan == 1) continue;
      int need = (to_natural ? measure(c.text) : cell_min(c)) - span_width(c);
      if (need > 0) w[static_cast<std::size_t>(c.col + c.colspan - 1)] += need;
    }
  };
  auto total = [&] { return std::accumulate(w.begin(), w.end(), 0) + 3 * n + 1; };
  // Estimated text lines of the table: rows as tall as their tallest
  // one-slot cell. Narrowing the column that adds the fewest lines keeps
  // short headers wrapping before long labels are chopped up.
  auto estimated_height = [&] {
    std::vector<int> rows(static_cast<std::size_t>(t.rows), 1);
    for (const auto& c : t.cells) {
      if (c.colspan != 1 || c.rowspan != 1) continue;
      int cw = w[static_cast<std::size_t>(c.col)];
      int lines = (measure(c.text) + cw - 1) / std::max(cw, 1);
      rows[static_cast<std::size_t>(c.row)] = std::max(rows[static_cast<std::size_t>(c.row)], lines);
    }
    return std::accumulate(rows.begin(), rows.end(), 0);
  };
  grow_spans(true);
  while (total() > target) {
    int pick = -1, pick_cost = 0;
    int base = estimated_height();
    for (int k = 0; k < n; ++k) {
      auto uk = static_cast<std::size_t>(k);
      if (w[uk] <= minw[uk]) continue;
      --w[uk];
      int cost = estimated_height() - base;
      ++w[uk];
      if (pick < 0 || cost < pick_cost || (cost == pick_cost && w[uk] > w[static_cast<std::size_t>(pick)])) {
        pick = k;
        pick_cost = cost;
      }
    }
    if (pick < 0) break;
    --w[static_cast<std::size_t>(pick)];
  }
  grow_spans(false);

  // Row heights from the wrapped cells; a tall spanning cell stretches its last row.
  std::vector<int> h(static_cast<std::size_t>(t.rows), 1);
  std::vector<std::vector<std::string>> wrapped(t.cells.size());
  for (std::size_t i = 0; i < t.cells.size(); ++i) wrapped[i] = balanced_wrap(t.cells[i].text, span_width(t.cells[i]), measure);
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
