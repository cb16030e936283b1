#include <nianbao/document.hpp>
#include <nianbao/error.hpp>

#include <string>
#include <vector>

namespace nianbao {

void Table::validate() const {
  if (rows < 1 || columns < 1) throw Error(ExitCode::software, "table " + key + " has no grid");
  std::vector<int> owner(static_cast<std::size_t>(rows * columns), -1);
  auto where = [](const TableCell& c) {
    return "(row " + std::to_string(c.row + 1) + ", column " + std::to_string(c.col + 1) + ", span " +
           std::to_string(c.rowspan) + "×" + std::to_string(c.colspan) + " \"" + c.text + "\")";
  };
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const TableCell& c = cells[i];
    if (c.row < 0 || c.col < 0 || c.rowspan < 1 || c.colspan < 1 || c.row + c.rowspan > rows || c.col + c.colspan > columns)
      throw Error(ExitCode::software, "table " + key + ": cell " + where(c) + " leaves the " + std::to_string(rows) +
                                          "×" + std::to_string(columns) + " grid");
    for (int r = c.row; r < c.row + c.rowspan; ++r)
      for (int k = c.col; k < c.col + c.colspan; ++k) {
        int& slot = owner[static_cast<std::size_t>(r * columns + k)];
        if (slot != -1)
          throw Error(ExitCode::software,
                      "table " + key + ": cell " + where(c) + " overlaps cell " + where(cells[static_cast<std::size_t>(slot)]));
        slot = static_cast<int>(i);
      }
  }
  for (int r = 0; r < rows; ++r)
    for (int k = 0; k < columns; ++k)
      if (owner[static_cast<std::size_t>(r * columns + k)] == -1)
        throw Error(ExitCode::software, "table " + key + ": row " + std::to_string(r + 1) + ", column " +
                                            std::to_string(k + 1) + " is not covered by any cell");
}

}  // namespace nianbao
