// Draws a Document table as monospaced text with + - | borders, honouring row
// and column spans. Widths are in terminal columns (CJK = 2).
#pragma once
#include <nianbao/document.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace text_output {

using Measure = std::function<int(std::string_view)>;

// Lines of the drawn table. Columns shrink (widest first) towards `target`
// total width but never below what their cells need to stay readable.
std::vector<std::string> draw_table(const nianbao::Table& table, int target, const Measure& measure);

// Wraps `text` to `width` columns with the fewest lines, then narrows the
// lines as far as that count allows so that wrapped cells look balanced.
std::vector<std::string> balanced_wrap(std::string_view text, int width, const Measure& measure);

}  // namespace text_output
