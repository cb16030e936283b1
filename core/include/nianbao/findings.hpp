// Findings: what a check says about a report — its rule, severity, Chinese
// message and the cells involved, each with the place it came from. Outputs
// receive them (OutputRequest::findings) to show a report's check status.
//
// Usage:
//   for (const Finding& f : rq.findings)
//     if (f.severity == Severity::error) … f.rule, f.message, f.cells[0].source.str()
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/error.hpp>
#include <nianbao/report.hpp>

#include <string>
#include <vector>

namespace nianbao {

enum class Severity { warning, error };
NIANBAO_API const char* to_string(Severity s);

struct FindingCell {
  std::string key;    // canonical key
  std::string label;  // the form's labels for it
  std::string value;  // as printed: a number, "" for blank, "/" for not applicable
  SourceLoc source;   // unknown when no input gave the cell
  bool previous = false;  // a cell of last year's report (cross-year rules), not this year's
};

struct Finding {
  std::string report;  // report id
  std::string rule;    // R1 …
  Severity severity = Severity::error;
  std::string message;
  std::vector<FindingCell> cells;
};

NIANBAO_API bool has_errors(const std::vector<Finding>& findings);
// Cell value as printed in findings and outputs: a number, "" for blank, "/"
// for not applicable.
NIANBAO_API std::string cell_text(const Cell& c);

}  // namespace nianbao
