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

// Lines of the drawn table, about `target` columns wide (nianbao::layout_table
// decides the widths and wraps the cells).
std::vector<std::string> draw_table(const nianbao::Table& table, int target, const Measure& measure);

}  // namespace text_output
