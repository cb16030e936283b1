#include <nianbao/findings.hpp>

#include <algorithm>

namespace nianbao {

const char* to_string(Severity s) { return s == Severity::error ? "error" : "warning"; }

bool has_errors(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::error; });
}

std::string cell_text(const Cell& c) {
  switch (c.state) {
    case Cell::State::value:
      return c.value.str();
    case Cell::State::not_applicable:
      return "/";
    case Cell::State::blank:
      break;
  }
  return "";
}

}  // namespace nianbao
