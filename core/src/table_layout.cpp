#include <nianbao/table_layout.hpp>
#include <nianbao/text.hpp>

#include "line_wrapper.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nianbao {

double TableLayout::content_width(const TableCell& c) const {
  double s = overhead * (c.colspan - 1);
  for (int k = c.col; k < c.col + c.colspan; ++k) s += widths[static_cast<std::size_t>(k)];
  return s;
}

std::vector<std::string> balanced_wrap(std::string_view text, double width,
                                       const std::function<double(std::string_view)>& measure, double step) {
  const detail::LineWrapper wrapper(text, measure);
  const std::size_t fewest = wrapper.count(width);
  if (fewest < 2) return wrapper.lines(width);
  // Greedy line counts only grow as the width shrinks: binary search, in
  // steps, for the narrowest width that keeps the count.
  long lo = 1, hi = static_cast<long>(std::floor(width / step));  // hi keeps the count
  while (lo < hi) {
    long mid = (lo + hi) / 2;
    if (wrapper.count(static_cast<double>(mid) * step) == fewest) hi = mid;
    else lo = mid + 1;
  }
  return wrapper.lines(static_cast<double>(hi) * step);
}

TableLayout layout_table(const Table& t, const TableLayoutStyle& st) {
  const auto n = static_cast<std::size_t>(t.columns);
  TableLayout out;
  out.overhead = st.overhead;
  std::vector<double>& w = out.widths;
  w.assign(n, 1);
  std::vector<double> minw(n, 1), natural(t.cells.size());
  for (std::size_t i = 0; i < t.cells.size(); ++i) natural[i] = st.measure(t.cells[i].text);
  auto cell_min = [&](std::size_t i) {
    const TableCell& c = t.cells[i];
    if (c.kind == TableCell::Kind::number) return natural[i];
    return std::min(natural[i], c.kind == TableCell::Kind::label ? st.label_min : st.header_min);
  };
  for (std::size_t i = 0; i < t.cells.size(); ++i) {
    const TableCell& c = t.cells[i];
    if (c.colspan != 1) continue;
    auto k = static_cast<std::size_t>(c.col);
    w[k] = std::max(w[k], natural[i]);
    minw[k] = std::max(minw[k], cell_min(i));
  }
  auto grow_spans = [&](bool to_natural) {
    for (std::size_t i = 0; i < t.cells.size(); ++i) {
      const TableCell& c = t.cells[i];
      if (c.colspan == 1) continue;
      double need = (to_natural ? natural[i] : cell_min(i)) - out.content_width(c);
      if (need > 0) w[static_cast<std::size_t>(c.col + c.colspan - 1)] += need;
    }
  };
  auto total = [&] { return std::accumulate(w.begin(), w.end(), 0.0) + st.overhead * static_cast<double>(n) + st.border; };
  // Estimated lines: rows as tall as their tallest one-slot cell. Narrowing
  // column k changes only its own cells, so each step keeps, per row, the two
  // tallest cells and prices every candidate column from its cells alone.
  std::vector<std::vector<std::size_t>> column_cells(n);
  for (std::size_t i = 0; i < t.cells.size(); ++i)
    if (t.cells[i].colspan == 1 && t.cells[i].rowspan == 1) column_cells[static_cast<std::size_t>(t.cells[i].col)].push_back(i);
  auto lines_at = [&](std::size_t i, double width) { return std::ceil(natural[i] / std::max(width, 1.0)); };
  struct Top2 {
    double v1 = 0, v2 = 0;
    int c1 = -1;
  };
  grow_spans(true);
  // Narrow one unit at a time (a terminal column, or some points): the
  // column whose narrowing adds the fewest lines, the widest among equals.
  const double unit = st.step;
  std::vector<Top2> top(static_cast<std::size_t>(t.rows));
  while (total() > st.target) {
    std::fill(top.begin(), top.end(), Top2{});
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t i : column_cells[k]) {
        double l = lines_at(i, w[k]);
        Top2& tp = top[static_cast<std::size_t>(t.cells[i].row)];
        if (l > tp.v1) {
          tp.v2 = tp.v1;
          tp.v1 = l;
          tp.c1 = static_cast<int>(k);
        } else if (l > tp.v2) {
          tp.v2 = l;
        }
      }
    int pick = -1;
    double pick_cost = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (w[k] - unit < minw[k]) continue;
      double cost = 0;
      for (std::size_t i : column_cells[k]) {
        const Top2& tp = top[static_cast<std::size_t>(t.cells[i].row)];
        double others = tp.c1 == static_cast<int>(k) ? tp.v2 : tp.v1;
        cost += std::max(1.0, std::max(others, lines_at(i, w[k] - unit))) - std::max(1.0, tp.v1);
      }
      if (pick < 0 || cost < pick_cost || (cost == pick_cost && w[k] > w[static_cast<std::size_t>(pick)])) {
        pick = static_cast<int>(k);
        pick_cost = cost;
      }
    }
    if (pick < 0) break;
    w[static_cast<std::size_t>(pick)] -= unit;
  }
  grow_spans(false);
  out.lines.resize(t.cells.size());
  for (std::size_t i = 0; i < t.cells.size(); ++i)
    out.lines[i] = balanced_wrap(t.cells[i].text, out.content_width(t.cells[i]), st.measure, st.step);
  return out;
}

}  // namespace nianbao
